"""Every benchmark in one run: ``.venv/bin/python -m benchmarks [--points N]``.

Each also runs alone: ``python -m benchmarks.bench_write``, ``bench_read``,
``bench_compile``, ``bench_api`` (the HTTP API; its sizes are the issue's, not
``--points``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--points', type=int, default=1_000_000)
    points = str(parser.parse_args().points)
    status = 0
    for module, args in (('benchmarks.bench_compile', []),
                         ('benchmarks.bench_write', ['--points', points]),
                         ('benchmarks.bench_read', ['--points', points]),
                         ('benchmarks.bench_api', [])):
        print(f'\n=== {module} ===', flush=True)
        status |= subprocess.call([sys.executable, '-m', module, *args])
    return status


if __name__ == '__main__':
    sys.exit(main())
