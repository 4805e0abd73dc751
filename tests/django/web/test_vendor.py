"""The vendored uPlot is the release recorded in its VERSIONS file, byte for byte, with
its licence, and Django's staticfiles serve it from the package."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

from django.contrib.staticfiles import finders

import influxpy.contrib.django

ROOT = Path(__file__).parents[3]
VENDOR = Path(influxpy.contrib.django.__file__).parent / 'static/influxpy/vendor/uplot'
SUM = re.compile(r'^([0-9a-f]{64})  (\S+)$', re.MULTILINE)


def _recorded() -> tuple[str, dict[str, str]]:
    text = (VENDOR / 'VERSIONS').read_text(encoding='utf-8')
    version = re.match(r'uPlot (\d+\.\d+\.\d+), MIT', text)
    assert version, 'VERSIONS starts with "uPlot <version>, MIT"'
    return version.group(1), {name: digest for digest, name in SUM.findall(text)}


def test_each_file_has_its_recorded_sha256() -> None:
    version, sums = _recorded()
    assert version.startswith('1.6.')
    assert set(sums) == {'uPlot.iife.min.js', 'uPlot.min.css', 'LICENSE'}
    # Nothing in the directory that VERSIONS does not account for.
    assert {p.name for p in VENDOR.iterdir()} == set(sums) | {'VERSIONS'}
    for name, digest in sums.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    banner = (VENDOR / 'uPlot.iife.min.js').read_text(encoding='utf-8').splitlines()[0]
    assert banner == f'/*! https://github.com/leeoniya/uPlot (v{version}) */'


def test_the_licence_is_uplots_mit_licence() -> None:
    text = (VENDOR / 'LICENSE').read_text(encoding='utf-8')
    assert text.startswith('The MIT License (MIT)')
    assert 'Copyright (c) 2022 Leon Sorokin' in text
    assert 'The above copyright notice and this permission notice shall be included' in text


def test_staticfiles_find_them_in_the_package() -> None:
    for name in ('uPlot.iife.min.js', 'uPlot.min.css'):
        assert Path(finders.find(f'influxpy/vendor/uplot/{name}')) == VENDOR / name


def test_setup_py_ships_them(tmp_path: Path) -> None:
    # What setuptools copies into the wheel (build_py: no network, no wheel package needed).
    subprocess.run([sys.executable, 'setup.py', '-q', 'build', '--build-base', tmp_path / 'b',
                    'build_py', '--build-lib', tmp_path / 'lib'],
                   cwd=ROOT, check=True, capture_output=True)
    shipped = tmp_path / 'lib' / VENDOR.relative_to(ROOT)
    assert sorted(p.name for p in shipped.iterdir()) == sorted(p.name for p in VENDOR.iterdir())
