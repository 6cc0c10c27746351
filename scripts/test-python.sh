#!/usr/bin/env bash
# The Python package's tests, from a clean machine with python3, pip and cargo: builds the sdist
# with maturin, builds the wheel from that sdist (as pip does for a user without a prebuilt
# wheel) and installs it into a venv, then runs pytest, which covers the API, parity with the
# rctopo CLI, the redaction canary, the artifacts' metadata and LICENSE, mypy --strict, stubtest
# and pyright --strict on the stubs, and the Ansible collection (built, installed, run by a real
# ansible-playbook). Then `ansible-test sanity` on the collection (scripts/ansible-sanity.sh).
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
"$py" -m pip install -q --disable-pip-version-check "maturin>=1.9.4,<2" "pytest>=8,<10" "mypy>=1.10,<3" \
  "ansible-core>=2.17,<2.20" "pyright>=1.1.400,<2" "typing_extensions>=4.6" "mockupdb==1.8.1"

echo "test-python: building rctopo (parity oracle) and the wheel"
cargo build -q -p rctopo
export RCTOPO="${CARGO_TARGET_DIR:-$root/target}/debug/rctopo"
dist="$root/bindings-python/dist"
rm -rf "$dist"
echo "test-python: maturin sdist, then the wheel built from the sdist alone"
# maturin dates every file of the sdist 2006-07-24 unless SOURCE_DATE_EPOCH says otherwise; cargo
# would then find the sources older than the last build in this target dir and reuse it, and the
# tests would run the previous build's code. Dated now, the workspace's crates are rebuilt.
(cd bindings-python && SOURCE_DATE_EPOCH=$(date +%s) "$venv/bin/maturin" sdist --out "$dist" 2>&1 | grep -v '^🍹\|^🔗' || true)
ls "$dist"/rocketchat_topology-*.tar.gz >/dev/null
# The sdist's crates build in this checkout's own target dir, so its dependencies stay warm.
# The dev profile: what this proves is that the sdist alone builds and the wheel behaves; the
# tests time nothing, and an optimised, link-time-optimised build of the whole core took the
# suite past its time budget. Release wheels are scripts/build-wheels.sh's.
MATURIN_PEP517_ARGS="--profile dev" CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}" \
  "$py" -m pip wheel -q --disable-pip-version-check --no-deps --wheel-dir "$dist" "$dist"/rocketchat_topology-*.tar.gz
"$py" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$dist"/rocketchat_topology-*.whl
export RCTOPO_PYTHON_DIST="$dist"

(
  cd bindings-python
  # -p no:cacheprovider: leave no .pytest_cache in the tree. pytest prints its summary last.
  "$py" -m pytest tests -q -p no:cacheprovider -rs
)

echo "== ansible-test sanity (rocketchat.topology collection)"
"$root/scripts/ansible-sanity.sh"
