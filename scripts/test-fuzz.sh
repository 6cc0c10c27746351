#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets) for RCTOPO_FUZZ_SECONDS each (default 60), from the
# seed corpus (fuzz/seed.py) and whatever earlier runs left in fuzz/corpus. A crash fails the run
# and leaves its input in fuzz/artifacts/<target>/ (replay: see docs/fuzzing.md).
# libFuzzer needs nightly compiler flags: the nightly toolchain when installed, else the
# installed toolchain with RUSTC_BOOTSTRAP=1. The build flags are docs/fuzzing.md's (no
# sanitizer, no comparison tracing); keeping them identical to the long runs' keeps the build in
# fuzz/target cached between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${RCTOPO_FUZZ_SECONDS:-60}

command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked --quiet
toolchain=()
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  toolchain=(+nightly)
else
  export RUSTC_BOOTSTRAP=1
fi

python3 fuzz/seed.py
cd fuzz
flags=(-s none --no-trace-compares)
cargo "${toolchain[@]}" fuzz build "${flags[@]}" 2>&1 | grep -E '^error' || true
for target in $(cargo "${toolchain[@]}" fuzz list); do
  log="${TMPDIR:-/tmp}/rctopo-fuzz-$target.log"
  # The largest input worth mutating: a URL pair, a topology file, the plan's structured input.
  case $target in
    mongo_url) args=(-max_len=1024 -dict=corpus/mongo_url.dict) ;;
    topology) args=(-max_len=4096 -dict=corpus/topology.dict) ;;
    *) args=(-max_len=256) ;;
  esac
  if ! cargo "${toolchain[@]}" fuzz run "${flags[@]}" "$target" -- "${args[@]}" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "fuzz $target: FAILED (log: $log, input in fuzz/artifacts/$target/)"
    exit 1
  fi
  runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  echo "fuzz $target: ok, ${runs:-?} executions in ${seconds}s, no crash"
done
