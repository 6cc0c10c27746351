#!/usr/bin/env bash
# Every test of the project, from a fresh clone: installs what it needs, then runs the Rust
# checks and tests, the crates' release dry runs, the Python package's tests (sdist and wheel,
# pytest, mypy, stubtest, pyright, the Ansible collection with ansible-test sanity) and the Node
# package's tests (publint, attw, node --test, tsc), the CLI's integrations (SARIF schema,
# pre-commit hook) and the fuzz targets. Prints each runner's summary lines.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# Each stage's wall time, printed when it ends and together at the end, so that a slow run shows
# which stage it was slow in. CI's budget is the whole run's.
stage_name="setup (toolchains, system packages, venvs)"
stage_start=$SECONDS
stage_times=()
stage() {
  local took=$((SECONDS - stage_start))
  stage_times+=("$(printf '%5ds  %s' "$took" "$stage_name")")
  echo "-- ${took}s: $stage_name"
  stage_name=$1
  stage_start=$SECONDS
  echo "== $1"
}
# A failing run says which stage failed, and after how long.
trap 'status=$?; [ "$status" -eq 0 ] || echo "-- FAILED after $((SECONDS - stage_start))s in: $stage_name (exit $status)"' EXIT

./scripts/setup.sh

# MongoDB's Connection String spec tests live beside the project (never copied into it).
export RCTOPO_SPEC_TESTS=${RCTOPO_SPEC_TESTS:-$root/../shared/conformance/connection-string}
export CARGO_TERM_COLOR=never

# The probe's tests run replica sets scripted with MockupDB (PyPI `mockupdb`) in a small venv.
export RCTOPO_MOCKUPDB_PYTHON=${RCTOPO_MOCKUPDB_PYTHON:-$(tests/mockupdb/venv.sh)}

stage "rustfmt, clippy"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
# The core alone builds without the `live` feature (the workspace build turns it on for rctopo):
# that build must be warning-free too.
cargo clippy -p rocketchat-topology-mongo-url -p rocketchat-topology --all-targets -- -D warnings

stage "cargo test (mongo-url, core, cli)"
# With pipefail the pipeline fails with cargo's status; grep finding nothing is not a failure.
cargo_status=0
cargo test -p rocketchat-topology-mongo-url -p rocketchat-topology -p rctopo 2>&1 | tee "${TMPDIR:-/tmp}/rctopo-cargo-test.log" \
  | { grep -E '^(test result:|running [0-9]+ tests?|---- |thread .* panicked|failures:|SKIP)' || true; } \
  || cargo_status=$?
test "$cargo_status" -eq 0 || { echo "cargo test failed; full log: ${TMPDIR:-/tmp}/rctopo-cargo-test.log"; exit 1; }

stage "lab: the rendered systemd unit in a real systemd (systemd-nspawn)"
if [ "$(id -u)" -eq 0 ]; then
  cargo build -q -p rctopo
  # One lab at a time on a machine: its namespaces and addresses are fixed.
  flock /tmp/rctopo-lab.lock tests/lab/switch-test.sh
  RCTOPO="${CARGO_TARGET_DIR:-$root/target}/debug/rctopo" flock /tmp/rctopo-lab.lock tests/lab/unit-test.sh
  stage "lab --quick: the nginx upgrade under load, and its no-drain control"
  RCTOPO="${CARGO_TARGET_DIR:-$root/target}/debug/rctopo" flock /tmp/rctopo-lab.lock tests/lab/lab.sh --quick
else
  echo "SKIP: the lab needs root (namespaces, mounts, systemd-nspawn)"
fi

stage "release dry runs (crates, MSRV)"
./scripts/release-check.sh

for part in python node; do
  if [ -x "scripts/test-$part.sh" ]; then
    stage "$part package"
    "scripts/test-$part.sh"
  fi
done

stage "CLI integrations (SARIF schema, pre-commit hook)"
scripts/test-integrations.sh

stage "fuzzing (each target ${RCTOPO_FUZZ_SECONDS:-60}s)"
scripts/test-fuzz.sh

stage "all tests passed"
echo "stage times (wall):"
printf '  %s\n' "${stage_times[@]}"
echo "  total: $((SECONDS / 60)) min $((SECONDS % 60)) s"
