#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine (run as root, or with sudo):
# the real servers that validate rendered configs and run in the lab, shellcheck for plan scripts, and the Node
# `mongodb` driver that judges MongoDB URLs. Safe to run again: it skips what is present.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
# The lab (tests/lab) boots hosts with systemd-nspawn, wires them with ip, enters them with
# nsenter, runs node (the Rocket.Chat stand-in) and sshd in them.
for pair in nginx:nginx apache2:apache2 haproxy:haproxy shellcheck:shellcheck openssl:openssl curl:curl systemd-analyze:systemd socat:socat \
  systemd-nspawn:systemd-container ip:iproute2 nsenter:util-linux node:nodejs sshd:openssh-server; do
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
  # The servers are installed as configuration checkers only: keep their daemons from starting
  # (nginx and apache2 would fight over port 80 and fail the install) with a policy-rc.d that
  # denies starts for the duration of the install, unless the machine already has one.
  policy=/usr/sbin/policy-rc.d
  added_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee "$policy" >/dev/null
    $sudo_cmd chmod 755 "$policy"
    added_policy=yes
  fi
  status=0
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null || status=$?
  [ -z "$added_policy" ] || $sudo_cmd rm -f "$policy"
  [ "$status" -eq 0 ] || { echo "setup: apt-get install failed ($status)" >&2; exit "$status"; }
fi

# The Node driver Rocket.Chat uses: the oracle for MongoDB URL validity (tests/mongo-driver-oracle).
if [ -f tests/mongo-driver-oracle/package.json ]; then
  if [ ! -d tests/mongo-driver-oracle/node_modules/mongodb ]; then
    echo "setup: npm ci in tests/mongo-driver-oracle"
    (cd tests/mongo-driver-oracle && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
echo "setup: ok"
