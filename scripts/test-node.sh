#!/usr/bin/env bash
# The Node package's tests, from a fresh clone: needs only node, npm and cargo.
# Builds the addon with napi (release), checks the committed binding.js/binding.d.ts are what the
# build generates, lints the package as published (publint, @arethetypeswrong/cli), type-checks a
# sample .ts under --strict, runs `node --test` (API, errors, CLI parity, redaction canary, the
# packed tarballs installed offline, the deploy example end to end) and prints its summary.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export CARGO_TERM_COLOR=never

echo "node: $(node --version), npm: $(npm --version)"

cd "$root/bindings-node"
npm ci --no-audit --no-fund --loglevel=error

echo "== napi build --release"
npx napi build --platform --release --js binding.js --dts binding.d.ts 2>&1 | grep -Ev '^\s+(Compiling|Checking|Downloaded|Downloading)' || true
ls rocketchat-topology.*.node >/dev/null

# The generated loader and types are committed so `npm install` users need no Rust; they must be
# exactly what this build generates.
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
  if ! git -C "$root" diff --exit-code -- bindings-node/binding.js bindings-node/binding.d.ts; then
    echo "bindings-node/binding.js or binding.d.ts differs from the generated one: run 'npm run build' there and commit them"
    exit 1
  fi
fi

echo "== publint, @arethetypeswrong/cli (the package as npm would publish it)"
npx publint --strict
npx attw --pack . --format ascii

echo "== tsc --noEmit --strict (sample deploy script against index.d.ts)"
npx tsc -p test/types/tsconfig.json
echo "tsc: ok"

# The CLI the parity tests compare against, built from the same core.
cargo build -q -p rctopo
export RCTOPO="${CARGO_TARGET_DIR:-$root/target}/debug/rctopo"

# The deploy example depends on the package as a user's project does (file: link here).
(cd "$root/examples/node" && npm ci --no-audit --no-fund --loglevel=error)

# The probe's tests run replica sets scripted with MockupDB.
export RCTOPO_MOCKUPDB_PYTHON=${RCTOPO_MOCKUPDB_PYTHON:-$("$root/tests/mockupdb/venv.sh")}

echo "== node --test"
npm test
