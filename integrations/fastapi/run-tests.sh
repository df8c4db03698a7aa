#!/usr/bin/env bash
# Tests of the FastAPI router against real FastAPI + SQLAlchemy on the local MariaDB/MySQL
# (root@127.0.0.1:3306, empty password). Needs `npm ci` done (the fixtures run bin/fitmatch).
# Python comes from Debian packages only; they are installed when an import fails.
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=/usr/bin/python3
PACKAGES=(python3-fastapi python3-sqlalchemy python3-pymysql python3-httpx python3-pytest)

if ! { [ -x "$PY" ] && "$PY" -c 'import fastapi, sqlalchemy, pymysql, httpx, pytest' 2>/dev/null; }; then
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi
  echo "[fastapi tests] installing ${PACKAGES[*]} (apt)" >&2
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${PACKAGES[@]}" >/dev/null
fi

exec "$PY" -m pytest integrations/fastapi/tests -q -p no:cacheprovider "$@"
