# Sourced by run_tests.sh and run_demo.sh: `bootstrap EXTRAS` makes a virtualenv with
# influxpy[EXTRAS] installed (again only when the packaging files change) and makes sure
# an InfluxDB can be started — installing Debian's influxdb package when influxd is
# missing and this runs as root with apt-get (for the dev extras also postgresql, chromium
# and chromium-driver). Sets VENV.

VENV="${INFLUXPY_VENV:-.venv}"
PYTHON="${PYTHON:-python3}"

bootstrap() {
    local extras="$1"
    if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "influxpy needs Python 3.11 or newer ($PYTHON is too old or missing)." >&2
        return 1
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        echo "==> creating the virtualenv $VENV"
        "$PYTHON" -m venv "$VENV"
    fi
    local stamp="$VENV/.influxpy-deps-$extras"
    local wanted
    wanted="$(cat setup.py pyproject.toml | sha256sum | cut -d' ' -f1)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
        echo "==> installing influxpy[$extras] into $VENV"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[$extras]"
        echo "$wanted" > "$stamp"
    fi
    if [ "$extras" = dev ]; then
        ensure_postgresql || return 1
        ensure_chromium || return 1
    fi
    if [ -n "${INFLUX_DATABASE_URL:-}" ] || command -v influxd >/dev/null 2>&1; then
        return 0
    fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "==> influxd is missing: installing Debian's influxdb package"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq influxdb >/dev/null
    elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 \
            && "$VENV/bin/python" -c 'import docker' 2>/dev/null; then
        echo "==> no influxd: influxdb:1.8 will be started through Docker"
    else
        cat >&2 <<'MSG'
No InfluxDB server available. Do one of:
  - install InfluxDB 1.x:  sudo apt-get install influxdb   (influxpy starts its own influxd)
  - run one with Docker:   docker compose up -d && export INFLUX_DATABASE_URL=influxdb://localhost:8086
MSG
        return 1
    fi
}

# The Django tests also run on a throwaway PostgreSQL cluster (or on $DATABASE_URL).
ensure_postgresql() {
    if [ -n "${DATABASE_URL:-}" ] || command -v initdb >/dev/null 2>&1 \
            || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
        return 0
    fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "==> initdb is missing: installing Debian's postgresql package"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        return 0
    fi
    echo "The Django tests need PostgreSQL: sudo apt-get install postgresql," \
         "or set DATABASE_URL=postgres://user:pass@host/db" >&2
    return 1
}

# The browser tests drive Debian's headless Chromium through its chromedriver.
ensure_chromium() {
    if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
        return 0
    fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "==> chromium or chromedriver is missing: installing Debian's chromium and" \
             "chromium-driver packages"
        apt-get update -qq
        if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver \
                >/dev/null; then
            return 0
        fi
        echo "apt-get could not install chromium and chromium-driver (see above)." >&2
    fi
    echo "The browser tests need /usr/bin/chromium and /usr/bin/chromedriver:" \
         "sudo apt-get install chromium chromium-driver" >&2
    return 1
}
