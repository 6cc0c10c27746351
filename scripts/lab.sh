#!/usr/bin/env bash
# The lab (tests/lab/lab.sh): rendered files and plans run on systemd-nspawn hosts under load.
# Needs root. scripts/lab.sh --help for the options; scripts/setup.sh installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p rctopo
export RCTOPO="${CARGO_TARGET_DIR:-$(pwd)/target}/debug/rctopo"
exec tests/lab/lab.sh "$@"
