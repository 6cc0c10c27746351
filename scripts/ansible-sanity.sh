#!/usr/bin/env bash
# `ansible-test sanity` on the rocketchat.topology collection as users install it: built with
# `ansible-galaxy collection build`, installed from the tarball, tested in its installed place.
#
# ansible-test creates a virtualenv per sanity test and bootstraps pip in it with get-pip.py,
# which it downloads from ci-files.testing.ansible.com: a host these machines cannot reach. It
# looks for that script in its cache first (~/.ansible/test/cache/get_pip_<version>.py), so this
# script puts a stand-in there: Python's own ensurepip, then pip installs the packages ansible-test
# asks for (its pinned sanity requirements) from the package registry. HOME points at a directory
# of this checkout (under target/) so the user's ~/.ansible is left alone and the venvs are reused between runs.
#
# Usage: scripts/ansible-sanity.sh [COLLECTION_TARBALL]   (builds one when none is given)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

venv=${RCTOPO_SANITY_VENV:-$root/target/ansible-sanity/venv}
if [ ! -x "$venv/bin/ansible-test" ]; then
  echo "ansible-sanity: creating $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "ansible-core>=2.17,<2.20"
fi
export HOME=${RCTOPO_SANITY_HOME:-$root/target/ansible-sanity/home}
# The pip versions ansible-test bootstraps (its infrastructure package table).
reqs_py=$("$venv/bin/python" -c 'import ansible_test, pathlib; print(pathlib.Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py")')
pip_versions=$(grep -ohE "pip='[0-9.]+'" "$reqs_py" | tr -dc "0-9.\n" | sort -u)
[ -n "$pip_versions" ] || { echo "ansible-sanity: cannot find the pip version ansible-test bootstraps" >&2; exit 1; }
mkdir -p "$HOME/.ansible/test/cache"
standin="$HOME/.ansible/test/cache/get-pip-standin.py"
cat > "$standin" <<'PY'
# Stand-in for get-pip.py (see scripts/ansible-sanity.sh): ensurepip, then pip itself installs
# what ansible-test asked for (pip==<version> and friends) from the package registry.
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
subprocess.check_call([sys.executable, "-m", "pip", "install", *args])
PY
for v in $pip_versions; do cp "$standin" "$HOME/.ansible/test/cache/get_pip_${v//./_}.py"; done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=${1:-}
if [ -z "$tarball" ]; then
  "$venv/bin/ansible-galaxy" collection build ansible-collection --output-path "$work" >/dev/null
  tarball=$(ls "$work"/rocketchat-topology-*.tar.gz)
fi
"$venv/bin/ansible-galaxy" collection install "$tarball" -p "$work/collections" >/dev/null
cd "$work/collections/ansible_collections/rocketchat/topology"
py=$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
# The module needs Python >= 3.9 (the rocketchat-topology package does): the sanity tests that
# compile and import it run on the venv's Python only.
PATH="$venv/bin:$PATH" "$venv/bin/ansible-test" sanity --local --python "$py" --color no
echo "ansible-sanity: ok"
