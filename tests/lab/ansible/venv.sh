#!/usr/bin/env bash
# Prints the directory of a venv's bin/ holding ansible-core and the rocketchat-topology Python
# package built from this checkout, for the lab's Ansible scenario (the control node's tools):
# `bin=$(tests/lab/ansible/venv.sh)`. Creates the venv when missing; rebuilds the package from
# bindings-python/ every time (cargo keeps it quick when nothing changed), so the lab runs the
# module over the code under test.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
venv=${RCTOPO_LAB_ANSIBLE_VENV:-$target/lab-ansible-venv}
if [ ! -x "$venv/bin/ansible-playbook" ]; then
  python3 -m venv "$venv" >&2 || {
    echo "lab ansible venv: python3 -m venv failed; on Debian/Ubuntu install python3-venv" >&2
    exit 1
  }
  # The same ansible-core range the collection is tested with (scripts/test-python.sh).
  "$venv/bin/pip" install -q --disable-pip-version-check "ansible-core>=2.17,<2.20" "maturin>=1.9.4,<2" >&2
fi
# maturin builds the wheel in this checkout's target directory, so it stays warm.
wheels=$venv/wheels
rm -rf "$wheels"
(cd "$root/bindings-python" && CARGO_TARGET_DIR=$target "$venv/bin/maturin" build --release -q \
  --interpreter "$venv/bin/python" --out "$wheels" >&2)
"$venv/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps "$wheels"/rocketchat_topology-*.whl >&2
echo "$venv/bin"
