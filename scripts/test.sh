#!/usr/bin/env bash
# The whole test suite, on SQLite and then on PostgreSQL (as CI runs it).
# Installs what the tests need and the project cannot ship: Debian's Chromium for the browser test, wrk for the
# page benchmark,
# and a running local PostgreSQL server. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's Chromium for the browser tests…"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
fi
# wrk, the load generator the page benchmark drives (the suite runs every benchmark at a small scale).
if ! command -v wrk >/dev/null; then
  echo "Installing wrk for the page benchmark…"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq wrk >/dev/null
fi
# openssl, which makes the self-signed certificate the attack-tool tests' server answers TLS with.
if ! command -v openssl >/dev/null; then
  echo "Installing openssl for the TLS test server…"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq openssl >/dev/null
fi
# A Chinese font, or the browser tests' screenshots show boxes for every Chinese character.
if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  echo "Installing a Chinese font for the browser screenshots…"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq fonts-wqy-microhei >/dev/null || true
fi

PG_URL=${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
if [ "${SKIP_POSTGRES:-0}" != 1 ]; then
  if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    echo "Starting the local PostgreSQL server…"
    if ! command -v pg_ctlcluster >/dev/null; then
      DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
    fi
    version=$(ls /etc/postgresql | sort -n | tail -1)
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
fi

status=0
echo "== SQLite =="
env -u TEST_DATABASE_URL "$PY" -m pytest "$@" || status=$?
if [ "${SKIP_POSTGRES:-0}" != 1 ]; then
  echo "== PostgreSQL =="
  TEST_DATABASE_URL="$PG_URL" "$PY" -m pytest "$@" || status=$?
fi
exit $status
