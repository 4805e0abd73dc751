"""A progress bar for imports and the demo, and the lines of a file counted into it."""

from __future__ import annotations

import contextlib
import importlib
import sys
import time
from collections.abc import Iterator
from typing import IO, Any, TextIO


class Progress:
    """A progress bar on a terminal: tqdm when installed, else a small one of our own.

    Disabled (every call does nothing) when ``enabled`` is false; ``None`` means "when
    ``stream`` is a terminal".
    """

    def __init__(self, total: int | None, *, desc: str = '', unit: str = 'B',
                 enabled: bool | None = None, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.stream, 'isatty', lambda: False)())
        self.enabled = enabled
        self.total = total
        self.desc = desc
        self.done = 0
        self._tqdm: Any = None
        self._shown = 0.0
        if enabled:
            try:
                # Imported by name: tqdm is optional, and its type stubs may be missing.
                tqdm = importlib.import_module('tqdm').tqdm
            except ImportError:
                pass
            else:
                self._tqdm = tqdm(total=total, desc=desc, unit=unit, unit_scale=True,
                                  file=self.stream, leave=True)

    def update(self, amount: int) -> None:
        if not self.enabled:
            return
        self.done += amount
        if self._tqdm is not None:
            self._tqdm.update(amount)
            return
        now = time.monotonic()
        if now - self._shown >= 0.1 or (self.total and self.done >= self.total):
            self._shown = now
            self._draw()

    def _draw(self) -> None:
        width = 30
        if self.total:
            share = min(1.0, self.done / self.total)
            filled = int(width * share)
            bar = f'[{"#" * filled}{"." * (width - filled)}] {share:4.0%}'
        else:
            bar = f'{self.done:,}'
        self.stream.write(f'\r{self.desc} {bar}'.lstrip())
        self.stream.flush()

    def write(self, text: str) -> None:
        """Print a line above the bar (or just print it when there is no bar)."""
        if self._tqdm is not None:
            self._tqdm.write(text, file=self.stream)
            return
        if self.enabled:
            self.stream.write('\r\x1b[K')
        self.stream.write(text + '\n')
        if self.enabled:
            self._draw()
        self.stream.flush()

    @contextlib.contextmanager
    def suspended(self) -> Iterator[None]:
        """Hide the bar while the caller prints, then draw it again."""
        if not self.enabled:
            yield
        elif self._tqdm is not None:
            with self._tqdm.external_write_mode(file=self.stream):
                yield
        else:
            self.stream.write('\r\x1b[K')
            self.stream.flush()
            yield
            self._draw()

    def close(self) -> None:
        if not self.enabled:
            return
        if self._tqdm is not None:
            self._tqdm.close()
            return
        self._draw()
        self.stream.write('\n')
        self.stream.flush()
        self.enabled = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def counted_lines(binary: IO[bytes], progress: Progress,
                  not_utf8: dict[int, str]) -> Iterator[str]:
    """The decoded lines of a binary file, advancing ``progress`` by their bytes.

    A line that is not UTF-8 is never changed silently: its number and why go into
    ``not_utf8`` (the importer refuses it) and it is decoded with surrogate escapes only
    so that the lines after it are still split right.
    """
    for line_no, raw in enumerate(binary, 1):
        progress.update(len(raw))
        try:
            yield raw.decode('utf-8')
        except UnicodeDecodeError as exc:
            not_utf8[line_no] = (f'not UTF-8 (byte 0x{raw[exc.start]:02x} at column '
                                 f'{exc.start + 1})')
            yield raw.decode('utf-8', 'surrogateescape')
