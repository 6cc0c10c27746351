#!/usr/bin/env bash
# The CLI's integrations as their own tools see them (tests/integrations): `rctopo check
# --format sarif` validated against the SARIF 2.1.0 JSON schema with python-jsonschema, and the
# repository's pre-commit hook run by pre-commit (`pre-commit try-repo`) in a scratch repository.
# Uses the Python test venv of scripts/test-python.sh (created here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

venv=${RCTOPO_PYTHON_VENV:-$root/bindings-python/.venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check "pytest>=8,<10" \
  "jsonschema>=4.18,<5" "pre-commit>=4,<5"

cargo build -q -p rctopo
export RCTOPO="${CARGO_TARGET_DIR:-$root/target}/debug/rctopo"
# pre-commit is run as a command, the way users run it.
PATH="$venv/bin:$PATH" "$venv/bin/python" -m pytest tests/integrations -q -p no:cacheprovider -rs
