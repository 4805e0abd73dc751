"""The progress bar: drawn on a terminal only."""

from __future__ import annotations

import io
from pathlib import Path

from influxpy.connection import Connection
from influxpy.transfer import Progress, import_file

from .helpers import write_file


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(influx_db: Connection, tmp_path: Path) -> None:
    path = write_file(tmp_path, 'p.lp', ''.join(f'p v={i} {i}\n' for i in range(1, 200)))
    terminal = _Terminal()
    import_file(path, measurement='p', progress_stream=terminal)
    assert '100%' in terminal.getvalue() and terminal.getvalue().endswith('\n')
    pipe = io.StringIO()
    import_file(path, measurement='p', progress_stream=pipe)
    assert pipe.getvalue() == ''
    bar = Progress(10, desc='x', enabled=True, stream=_Terminal())
    bar.update(5)
    bar.write('line 3: bad')
    assert 'line 3: bad\n' in bar.stream.getvalue()  # type: ignore[attr-defined]
