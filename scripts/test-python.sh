#!/usr/bin/env bash
# The Python package's tests, from a clean machine with python3, pip and cargo: builds the wheel
# through maturin (`pip install ./bindings-python`) into a venv, then runs pytest, which covers the
# API, parity with the rctopo CLI, the redaction canary, mypy --strict on a sample script and the
# Ansible module under a real ansible-playbook.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

venv=${RCTOPO_PYTHON_VENV:-$root/bindings-python/.venv}
if [ ! -x "$venv/bin/python" ]; then
  echo "test-python: creating $venv"
  python3 -m venv "$venv" || {
    echo "test-python: python3 -m venv failed; on Debian/Ubuntu install python3-venv" >&2
    exit 1
  }
fi
py="$venv/bin/python"
# Majors pinned: a new major of a test tool should be a deliberate upgrade, not a red CI.
"$py" -m pip install -q --disable-pip-version-check "maturin>=1.9.4,<2" "pytest>=8,<10" "mypy>=1.10,<3" "ansible-core>=2.17,<2.20" \
  "mockupdb==1.8.1"

echo "test-python: building rctopo (parity oracle) and the wheel"
cargo build -q -p rctopo
export RCTOPO="${CARGO_TARGET_DIR:-$root/target}/debug/rctopo"
"$py" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps ./bindings-python

cd bindings-python
# -p no:cacheprovider: leave no .pytest_cache in the tree. pytest prints its summary last.
exec "$py" -m pytest tests -q -p no:cacheprovider -rs
