# shellcheck shell=bash
# Shared bootstrap for ./setup/run and ./setup/test. Source it, do not run it.
#
# After `bootstrap_all`, these are set:
#   REPO_ROOT ODOO_SRC VENV PY            paths and the virtualenv's python
#   DB_HOST DB_PORT DB_USER               how Odoo reaches PostgreSQL
#   ODOO_CONF                             a generated Odoo configuration file
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv"
LOCAL_DIR="$REPO_ROOT/.local"
OUR_ADDONS="crm_keyaccount,crm_campaign_roi,crm_service_link"
# Bump when the way the environment is built changes, to force a rebuild.
BOOTSTRAP_VERSION=1

log() { printf '[setup] %s\n' "$*" >&2; }
die() {
    local code="$1"
    shift
    printf '[setup] ERROR: %s\n' "$*" >&2
    exit "$code"
}
is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
    # Install Debian packages; refresh the package lists only when needed.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 || {
        DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
    }
}

# --- Odoo source tree ---------------------------------------------------------
find_odoo() {
    ODOO_SRC="${ODOO_SRC:-/opt/odoo}"
    local release="$ODOO_SRC/odoo/release.py"
    if [ ! -f "$release" ] || [ ! -f "$ODOO_SRC/odoo-bin" ]; then
        cat >&2 <<EOF
[setup] No Odoo 18.0 source tree found at: $ODOO_SRC
[setup]
[setup] These addons run on Odoo 18.0 Community. Get its source tree (the
[setup] folder holding odoo-bin, odoo/ and addons/), then either
[setup]   - put it at /opt/odoo, or
[setup]   - point ODOO_SRC at it:  ODOO_SRC=/path/to/odoo ./setup/test
EOF
        exit 2
    fi
    if ! grep -Eq '^version_info = \(18, 0,' "$release"; then
        local found
        found="$(grep -E '^version_info = ' "$release" || echo unknown)"
        cat >&2 <<EOF
[setup] The Odoo tree at $ODOO_SRC is not Odoo 18.0 ($found).
[setup] Point ODOO_SRC at an Odoo 18.0 Community source tree.
EOF
        exit 2
    fi
    export ODOO_SRC
}

# --- Python and the virtualenv ------------------------------------------------
find_python() {
    local candidate version
    for candidate in "${PYTHON:-}" python3.12 python3.11 python3.10 python3; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        # pyenv shims exist for versions that are not selected: try each.
        version="$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" ||
            continue
        case "$version" in
        3.10 | 3.11 | 3.12)
            BASE_PYTHON="$(command -v "$candidate")"
            return 0
            ;;
        esac
    done
    die 2 "Python 3.10, 3.11 or 3.12 is required (set PYTHON to its path)."
}

# Odoo's requirements.txt pins some versions that do not install on current
# Pythons or that we do not need to run or test:
#   - cbor2 5.4.2 has a broken sdist: 5.4.6 has wheels and the same API;
#   - python-ldap (auth_ldap) is not used by these addons or their tests.
# gevent and greenlet stay: a server with --workers (tests/benchmarks/
# load_rpc.py) starts the longpolling worker, which needs them.
filtered_odoo_requirements() {
    sed -E \
        -e 's/^cbor2==5\.4\.2/cbor2==5.4.6/' \
        -e '/^python-ldap[=<> ;]/d' \
        "$ODOO_SRC/requirements.txt"
}

bootstrap_venv() {
    find_python
    local stamp_file="$VENV/.bootstrap-stamp" stamp
    stamp="$(
        {
            echo "$BOOTSTRAP_VERSION"
            "$BASE_PYTHON" -c 'import sys; print(sys.version)'
            filtered_odoo_requirements
            cat "$REPO_ROOT/setup/requirements-dev.txt"
        } | sha256sum | cut -d' ' -f1
    )"
    PY="$VENV/bin/python"
    if [ -x "$PY" ] && [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ]; then
        log "Python environment up to date ($VENV)."
    else
        log "Building the Python environment in $VENV (first run takes a minute or two)..."
        rm -rf "$VENV"
        "$BASE_PYTHON" -m venv "$VENV"
        # Some old sdists pinned by Odoo need setuptools<70 and no build isolation.
        local pip_log="$VENV/pip-install.log"
        filtered_odoo_requirements >"$VENV/odoo-requirements.txt"
        # ChannelAttribution may come as an sdist, whose build needs a newer
        # setuptools than Odoo's old sdists allow, Cython and numpy: it is
        # built in a second pass, in pip's build isolation.
        grep -v -i '^channelattribution' "$REPO_ROOT/setup/requirements-dev.txt" \
            >"$VENV/dev-requirements.txt"
        grep -i '^channelattribution' "$REPO_ROOT/setup/requirements-dev.txt" \
            >"$VENV/dev-compiled.txt" || true
        if ! {
            "$PY" -m pip install --disable-pip-version-check "setuptools<70" wheel &&
                "$PY" -m pip install --disable-pip-version-check --no-build-isolation \
                    -r "$VENV/odoo-requirements.txt" -r "$VENV/dev-requirements.txt" &&
                "$PY" -m pip install --disable-pip-version-check -r "$VENV/dev-compiled.txt"
        } >"$pip_log" 2>&1; then
            tail -n 30 "$pip_log" >&2
            die 1 "Installing the Python requirements failed (log: $pip_log)."
        fi
        echo "$stamp" >"$stamp_file"
        log "Python environment ready."
    fi
    # Make `import odoo` work in the venv (pytest-odoo, scripts): always
    # rewritten, so that a changed ODOO_SRC is followed.
    local site
    site="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    echo "$ODOO_SRC" >"$site/odoo-src.pth"
}

# --- PostgreSQL ---------------------------------------------------------------
# The OCA checks (setup/requirements-lint.txt) in their own environment: they
# need a newer polib than Odoo pins.
bootstrap_lint() {
    find_python
    LINT_VENV="$LOCAL_DIR/venv-lint"
    local stamp_file="$LINT_VENV/.bootstrap-stamp" stamp
    stamp="$(cat "$REPO_ROOT/setup/requirements-lint.txt" | sha256sum | cut -d' ' -f1)"
    if [ -x "$LINT_VENV/bin/python" ] && [ -f "$stamp_file" ] &&
        [ "$(cat "$stamp_file")" = "$stamp" ]; then
        return
    fi
    log "Building the environment of the OCA checks in $LINT_VENV..."
    mkdir -p "$LOCAL_DIR"
    rm -rf "$LINT_VENV"
    "$BASE_PYTHON" -m venv "$LINT_VENV"
    "$LINT_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        -r "$REPO_ROOT/setup/requirements-lint.txt" >"$LOCAL_DIR/lint-install.log" 2>&1 ||
        { tail -n 30 "$LOCAL_DIR/lint-install.log" >&2; die 1 "Installing the OCA checks failed."; }
    echo "$stamp" >"$stamp_file"
}

pg_bindir() {
    local dir
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir
        return 0
    fi
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$dir/initdb" ] && {
            echo "$dir"
            return 0
        }
    done
    dir="$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")"
    [ -x "$dir/initdb" ] && echo "$dir" && return 0
    return 1
}

# pg_can_connect HOST PORT USER: can this user open a session on that server?
pg_can_connect() {
    "$PY" "$REPO_ROOT/setup/pg.py" "$1" "$2" "$3" ping
}

embedded_pg() {
    local bindir pgdir data run owner
    if ! bindir="$(pg_bindir)"; then
        if is_root; then
            log "Installing PostgreSQL with apt..."
            apt_install postgresql
            bindir="$(pg_bindir)" || die 1 "PostgreSQL binaries still missing after apt install."
        else
            die 1 "No PostgreSQL server is reachable and no PostgreSQL binaries are installed.
Install them (Debian/Ubuntu: sudo apt install postgresql) or set PGHOST/PGPORT/PGUSER."
        fi
    fi
    pgdir="$LOCAL_DIR/postgres"
    owner="$(id -un)"
    if is_root; then
        # PostgreSQL refuses to run as root: the cluster belongs to an
        # unprivileged system user.
        owner=postgres
        id -u "$owner" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
        mkdir -p "$pgdir"
        chown "$owner" "$pgdir"
        if ! runuser -u "$owner" -- test -w "$pgdir"; then
            # The repository sits where that user cannot reach (e.g. /root).
            pgdir="/var/tmp/crm-addons-pg-$(echo "$REPO_ROOT" | sha256sum | cut -c1-12)"
            log "The user '$owner' cannot reach $LOCAL_DIR; the embedded cluster lives in $pgdir."
            mkdir -p "$pgdir"
            chown "$owner" "$pgdir"
        fi
    fi
    mkdir -p "$pgdir"
    data="$pgdir/data"
    run="$pgdir/run"
    as_owner() {
        if is_root; then (cd / && runuser -u "$owner" -- "$@"); else "$@"; fi
    }
    if [ ! -f "$data/PG_VERSION" ]; then
        log "Creating the embedded PostgreSQL cluster in $data..."
        as_owner mkdir -p "$run"
        as_owner "$bindir/initdb" -D "$data" -U odoo --auth=trust -E UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log" 2>&1 ||
            as_owner "$bindir/initdb" -D "$data" -U odoo --auth=trust -E UTF8 --locale=C >"$pgdir/initdb.log" 2>&1 ||
            die 1 "initdb failed, see $pgdir/initdb.log"
    fi
    as_owner mkdir -p "$run"
    DB_HOST="$run"
    DB_PORT=5432
    DB_USER=odoo
    if ! pg_can_connect "$DB_HOST" "$DB_PORT" "$DB_USER"; then
        log "Starting the embedded PostgreSQL cluster (socket in $run)..."
        as_owner "$bindir/pg_ctl" -D "$data" -l "$pgdir/server.log" -w -t 60 \
            -o "-c listen_addresses='' -k '$run' -p $DB_PORT -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null || die 1 "PostgreSQL did not start, see $pgdir/server.log"
    fi
    pg_can_connect "$DB_HOST" "$DB_PORT" "$DB_USER" || die 1 "Cannot connect to the embedded PostgreSQL in $run."
    log "PostgreSQL: embedded cluster (socket $run)."
}

bootstrap_postgres() {
    local user="${PGUSER:-$(id -un)}"
    if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ]; then
        local host="${PGHOST:-localhost}" port="${PGPORT:-5432}"
        if pg_can_connect "$host" "$port" "$user"; then
            DB_HOST="$host" DB_PORT="$port" DB_USER="$user"
            log "PostgreSQL: $user@$host:$port (from PGHOST/PGPORT/PGUSER)."
            return 0
        fi
        log "PostgreSQL at $host:$port as $user is not reachable; trying localhost:5432."
    fi
    if [ "$user" != postgres ] && pg_can_connect localhost 5432 "$user"; then
        DB_HOST=localhost DB_PORT=5432 DB_USER="$user"
        log "PostgreSQL: $user@localhost:5432."
        return 0
    fi
    embedded_pg
}

# --- Browser for tours ----------------------------------------------------------
find_chrome() {
    local bin
    for bin in google-chrome chromium chromium-browser google-chrome-stable; do
        command -v "$bin" >/dev/null 2>&1 && return 0
    done
    return 1
}

bootstrap_browser() {
    find_chrome && return 0
    if is_root; then
        log "Installing Chromium with apt (for the browser tours)..."
        apt_install chromium
        find_chrome || die 1 "Chromium still missing after apt install."
    else
        die 1 "The browser tours need Chromium. Install it (Debian: sudo apt install chromium)."
    fi
}

# --- Odoo configuration --------------------------------------------------------
# write_odoo_conf FILE [extra lines...]
write_odoo_conf() {
    local file="$1"
    shift
    mkdir -p "$(dirname "$file")" "$LOCAL_DIR/data"
    {
        echo "[options]"
        echo "addons_path = $REPO_ROOT/addons,$ODOO_SRC/addons,$ODOO_SRC/odoo/addons"
        echo "data_dir = $LOCAL_DIR/data"
        echo "db_host = $DB_HOST"
        echo "db_port = $DB_PORT"
        echo "db_user = $DB_USER"
        echo "db_password = ${PGPASSWORD:-False}"
        echo "admin_passwd = admin"
        echo "list_db = False"
        for line in "$@"; do echo "$line"; done
    } >"$file"
    ODOO_CONF="$file"
}

odoo_bin() { "$PY" "$ODOO_SRC/odoo-bin" -c "$ODOO_CONF" "$@"; }

# db_exists NAME
db_exists() {
    "$PY" "$REPO_ROOT/setup/pg.py" "$DB_HOST" "$DB_PORT" "$DB_USER" exists "$1"
}

drop_db() {
    "$PY" "$REPO_ROOT/setup/pg.py" "$DB_HOST" "$DB_PORT" "$DB_USER" drop "$1"
    rm -rf "$LOCAL_DIR/data/filestore/$1"
}

bootstrap_all() {
    find_odoo
    bootstrap_venv
    bootstrap_postgres
}
