#!/usr/bin/env bash
# Prints the path of a Python that can import MockupDB, creating a small venv for it when needed:
# `RCTOPO_MOCKUPDB_PYTHON=$(tests/mockupdb/venv.sh)`. The probe's tests (Rust, Node, Python) run
# their scripted replica sets (tests/mockupdb/replset.py) with it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv=${RCTOPO_MOCKUPDB_VENV:-${CARGO_TARGET_DIR:-$root/target}/mockupdb-venv}
if ! "$venv/bin/python" -c 'import mockupdb' 2>/dev/null; then
  python3 -m venv "$venv" >&2 || {
    echo "mockupdb venv: python3 -m venv failed; on Debian/Ubuntu install python3-venv" >&2
    exit 1
  }
  # mockupdb 1.8.1 is MongoDB's wire-protocol test server; it brings pymongo (for bson).
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "mockupdb==1.8.1" >&2
fi
echo "$venv/bin/python"
