#!/usr/bin/env bash
# The demo in one command: sets up what it needs the way run_tests.sh does, then runs
# `python -m influxpy demo` (a throwaway influxd unless INFLUX_DATABASE_URL is set).
# Arguments go to the demo (e.g. --help).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
bootstrap demo
exec "$VENV/bin/python" -m influxpy demo "$@"
