#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine (run as root, or with sudo):
# the real servers that validate rendered configs, shellcheck for plan scripts, and the Node
# `mongodb` driver that judges MongoDB URLs. Safe to run again: it skips what is present.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
for pair in nginx:nginx apache2:apache2 haproxy:haproxy shellcheck:shellcheck openssl:openssl curl:curl systemd-analyze:systemd socat:socat; do
  bin=${pair%%:*} pkg=${pair##*:}
  command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/sbin/$bin" ] || need_apt+=("$pkg")
done
# Python's venv module (Debian ships it apart, as python3-venv) for the Python package's tests.
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need_apt+=(python3-venv)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]} with apt"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  # Installing only configuration checkers: do not start the daemons (no policy-rc.d needed in CI
  # containers without systemd; where systemd runs, stop them again below).
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# The Node driver Rocket.Chat uses: the oracle for MongoDB URL validity (tests/mongo-driver-oracle).
if [ -f tests/mongo-driver-oracle/package.json ]; then
  if [ ! -d tests/mongo-driver-oracle/node_modules/mongodb ]; then
    echo "setup: npm ci in tests/mongo-driver-oracle"
    (cd tests/mongo-driver-oracle && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
echo "setup: ok"
