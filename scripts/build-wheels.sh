#!/usr/bin/env bash
# Builds the Python package's manylinux2014 wheel (glibc 2.17 baseline) the way the release does
# (.github/workflows/python-wheels.yml runs this script): maturin links with zig (PyPI
# `ziglang`), so the wheel depends on no newer glibc symbol than 2.17 whatever the build
# machine's glibc. Then `auditwheel show` must agree with the tag, and the wheel is installed
# into a fresh venv and used.
#
# Usage: scripts/build-wheels.sh [RUST_TARGET]   (default: the build machine's)
# Output: bindings-python/dist/wheels/*.whl
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
target=${1:-}

venv=${RCTOPO_WHEEL_VENV:-$root/target/wheel-venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check "maturin>=1.9.4,<2" ziglang auditwheel
export PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv"

out="$root/bindings-python/dist/wheels"
rm -rf "$out"
(
  cd bindings-python
  maturin build --release --zig --compatibility manylinux2014 ${target:+--target "$target"} --out "$out" \
    2>&1 | grep -vE '^\s+Compiling ' || true
)
wheel=$(ls "$out"/rocketchat_topology-*manylinux*.whl)
echo "build-wheels: $(basename "$wheel")"
case $(basename "$wheel") in
  *manylinux_2_17_*|*manylinux2014_*) ;;
  *) echo "build-wheels: the wheel is not tagged manylinux2014" >&2; exit 1 ;;
esac

audit=$(auditwheel show "$wheel")
echo "$audit"
# auditwheel wraps its sentences at any width: join the lines before matching.
tr -s ' \n' ' ' <<<"$audit" | grep -q 'consistent with the following platform tag: "manylinux_2_17_' || {
  echo "build-wheels: auditwheel does not find the wheel manylinux_2_17 (manylinux2014) compatible" >&2
  exit 1
}

# A wheel for another architecture cannot be imported here.
if [ -z "$target" ] || [[ $target == "$(uname -m)"-* ]]; then
  check_venv=$(mktemp -d)/venv
  python3 -m venv "$check_venv"
  "$check_venv/bin/pip" install -q --disable-pip-version-check "$wheel"
  "$check_venv/bin/python" - "$root/examples/howto.toml" <<'PY'
import sys
import rocketchat_topology as rt

report = rt.Topology.load(sys.argv[1]).report()
assert report["errors"] == 0, report
print(f"build-wheels: the installed wheel checks {sys.argv[1]}: {report['errors']} error(s), "
      f"{report['warnings']} warning(s)")
PY
  rm -rf "$(dirname "$check_venv")"
fi
echo "build-wheels: ok"
