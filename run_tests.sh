#!/usr/bin/env bash
# The one test command. On a fresh machine it creates (or reuses) a virtualenv, installs
# influxpy with its test extras, makes sure an InfluxDB can be started, checks the code
# (ruff, mypy) and runs the whole suite against a real server. Arguments go to pytest.
#
#   ./run_tests.sh                 # everything
#   ./run_tests.sh tests/connection/test_settings.py -x
#   INFLUX_DATABASE_URL=influxdb://localhost:8086 ./run_tests.sh   # use your own server
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
bootstrap dev

echo "==> ruff and mypy"
"$VENV/bin/ruff" check influxpy tests benchmarks
"$VENV/bin/mypy" influxpy

echo "==> pytest"
exec "$VENV/bin/python" -m pytest "$@"
