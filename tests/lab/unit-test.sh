#!/usr/bin/env bash
# The rendered systemd unit in a real systemd: boots one lab host (systemd-nspawn, overlay root),
# installs the rendered rocketchat@.service, rocketchat.target, their helper files and the
# environment files with the fresh-install plan's own script for that host, unchanged, with the
# Rocket.Chat stand-in as the bundle, and passes only when every instance is `active (running)`,
# answers on INSTANCE_IP:PORT from another machine of the lab, and does so again after a reboot.
#
# Usage: tests/lab/unit-test.sh [TOPOLOGY]   (root; RCTOPO=path of rctopo, else target/debug)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
topology=${1:-$here/topologies/unit.toml}
rctopo=${RCTOPO:-${CARGO_TARGET_DIR:-$root/target}/debug/rctopo}
# shellcheck source=tests/lab/lib/hosts.sh
. "$here/lib/hosts.sh"
# shellcheck source=tests/lab/lib/deploy.sh
. "$here/lib/deploy.sh"

[ -x "$rctopo" ] || lab_die "no rctopo at $rctopo: cargo build -p rctopo"
lab_init
work=$LAB_STATE/work
mkdir -p "$work"

"$rctopo" render "$topology" --target all --out "$work/desired" >/dev/null
"$rctopo" plan --to "$topology" --policy "$here/policy.toml" --format shell --out "$work/plan" >/dev/null
version=$(topology_version "$topology")

lab_host_up app1 "$(topology_address "$topology" app1)" nginx
lab_client_up client 10.77.0.200
install_standin app1 "$version" "$(topology_bundle "$topology")"
run_host_scripts app1 "$work/plan" "$work/desired" || echo "FAIL: the plan's script for app1 stopped"

failures=0
check_instances() {
  local when=$1 port state answer
  for port in $(rendered_ports "$work/desired" app1); do
    state=$(lab_in app1 systemctl show -p ActiveState,SubState --value "rocketchat@$port.service" | paste -sd' ')
    answer=$(lab_client client curl -sS --max-time 5 "http://$(topology_address "$topology" app1):$port/api/info" 2>&1 || true)
    if [ "$state" = "active running" ] && [[ $answer == *"\"version\":\"$version\""* ]]; then
      echo "ok: $when: rocketchat@$port.service active (running), /api/info answers $version"
    else
      echo "FAIL: $when: rocketchat@$port.service is '$state', /api/info: $answer"
      lab_in app1 journalctl -u "rocketchat@$port.service" --no-pager -n 15 || true
      failures=$((failures + 1))
    fi
  done
}

check_instances "after the install"
enabled=$(lab_in app1 systemctl is-enabled rocketchat.target 2>&1 || true)
if [ "$enabled" = enabled ]; then
  echo "ok: rocketchat.target is enabled"
else
  echo "FAIL: rocketchat.target is $enabled: nothing starts the instances after a reboot"
  failures=$((failures + 1))
fi
lab_reboot app1
check_instances "after a reboot"

if [ "$failures" -gt 0 ]; then
  echo "unit-test: $failures failure(s)"
  exit 1
fi
echo "unit-test: the rendered unit runs in a real systemd, before and after a reboot"
