#!/bin/sh
# Installs the system packages the test suite needs (PostgreSQL server with pg_trgm,
# redis-server for the Redis-backed quota tests, and Chromium with a basic font for the
# browser tests of the web UI) when they are missing. Needs root for apt-get; otherwise
# says what to install.
set -eu

have_postgres() {
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1
}

have_redis() {
    command -v redis-server >/dev/null 2>&1
}

# Playwright drives Debian's Chromium (tests/web/conftest.py launches /usr/bin/chromium):
# Playwright's own browser download is not used.
have_chromium() {
    test -x /usr/bin/chromium
}

missing=""
have_postgres || missing="$missing postgresql postgresql-contrib"
have_redis || missing="$missing redis-server"
have_chromium || missing="$missing chromium fonts-dejavu-core"

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "markhive tests need:$missing (install them with your package manager)" >&2
    exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
