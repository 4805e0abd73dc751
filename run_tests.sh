#!/usr/bin/env bash
# The one test command. On a fresh machine it creates (or reuses) a virtualenv, installs
# influxpy with its test extras, makes sure an InfluxDB can be started, checks the code
# (ruff, mypy) and runs the whole suite against a real server. Arguments go to pytest.
#
#   ./run_tests.sh                 # everything
#   ./run_tests.sh tests/test_connection.py -x
#   INFLUX_DATABASE_URL=influxdb://localhost:8086 ./run_tests.sh   # use your own server
set -euo pipefail
cd "$(dirname "$0")"

VENV="${INFLUXPY_VENV:-.venv}"
PYTHON="${PYTHON:-python3}"

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "run_tests.sh: influxpy needs Python 3.11 or newer ($PYTHON is too old or missing)." >&2
    exit 1
fi

# Dependencies: reinstalled only when the packaging files change.
if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating the virtualenv $VENV"
    "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.influxpy-deps"
wanted="$(cat setup.py pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "==> installing influxpy[dev] into $VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[dev]'
    echo "$wanted" > "$stamp"
fi

# An InfluxDB the tests can start (or the one INFLUX_DATABASE_URL names).
if [ -z "${INFLUX_DATABASE_URL:-}" ] && ! command -v influxd >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "==> influxd is missing: installing Debian's influxdb package"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq influxdb >/dev/null
    elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 \
            && "$VENV/bin/python" -c 'import docker' 2>/dev/null; then
        echo "==> no influxd: the tests will start influxdb:1.8 through Docker"
    else
        cat >&2 <<'MSG'
run_tests.sh: no InfluxDB server available. Do one of:
  - install InfluxDB 1.x:  sudo apt-get install influxdb   (the tests start their own influxd)
  - run one with Docker:   docker compose up -d && export INFLUX_DATABASE_URL=influxdb://localhost:8086
MSG
        exit 1
    fi
fi

echo "==> ruff and mypy"
"$VENV/bin/ruff" check influxpy tests benchmarks
"$VENV/bin/mypy" influxpy

echo "==> pytest"
exec "$VENV/bin/python" -m pytest "$@"
