"""Opaque page cursors: where a page ended, signed so that a client can neither forge
nor tamper with one.

A cursor is the URL-safe base64 of a compact JSON array, followed by ``.`` and a
signature (``django.core.signing``, keyed by ``SECRET_KEY``); every character is one
a URL leaves as it is. A cursor that was changed, cut or signed by another secret is a
:class:`ParameterError` naming the parameter.
"""

from __future__ import annotations

import zlib
from typing import Any

from django.core import signing

from ....times import MAX_NS, MIN_NS
from .types import Cursor, ParameterError

# One salt per kind: a points cursor is never read as a series cursor, nor the reverse.
_POINTS_SALT = 'influxpy.contrib.django.api.cursor'
_SERIES_SALT = 'influxpy.contrib.django.api.series-key'
_SEP = '.'  # unreserved in URLs, unlike signing's default ':'


def _signer(salt: str) -> signing.Signer:
    return signing.Signer(salt=salt, sep=_SEP)


def _unsign(text: str, salt: str, parameter: str) -> Any:
    try:
        return _signer(salt).unsign_object(text)
    except (signing.BadSignature, ValueError, TypeError, zlib.error):
        raise _bad(parameter) from None


def _bad(parameter: str) -> ParameterError:
    return ParameterError(parameter, 'is not a cursor this API gave (it was changed, cut, or '
                                     'signed by another server); leave it out to start from '
                                     'the first page',
                          'the "next" or "previous" link of an answer')


def encode_cursor(cursor: Cursor) -> str:
    """``cursor`` as opaque URL-safe text."""
    return str(_signer(_POINTS_SALT).sign_object(
        [cursor.time_ns, cursor.key, int(cursor.descending)]))


def decode_cursor(text: str, parameter: str = 'cursor') -> Cursor:
    """The :class:`Cursor` that :func:`encode_cursor` gave ``text`` for."""
    data = _unsign(text, _POINTS_SALT, parameter)
    if not (isinstance(data, list) and len(data) == 3):
        raise _bad(parameter)
    time_ns, key, descending = data
    if (type(time_ns) is not int or not MIN_NS <= time_ns <= MAX_NS
            or not isinstance(key, str) or descending not in (0, 1)
            or isinstance(descending, float)):
        raise _bad(parameter)
    return Cursor(time_ns, key, bool(descending))


def encode_key(key: str) -> str:
    """A series key (the last of a page of the series list) as opaque URL-safe text."""
    return str(_signer(_SERIES_SALT).sign_object(key))


def decode_key(text: str, parameter: str = 'cursor') -> str:
    """The series key that :func:`encode_key` gave ``text`` for."""
    key = _unsign(text, _SERIES_SALT, parameter)
    if not isinstance(key, str):
        raise _bad(parameter)
    return key
