#!/usr/bin/env bash
# The lab: runs what rctopo renders and plans on real Debian hosts (systemd-nspawn, each with
# its own systemd and overlay root, on a switch in a namespace of its own), with real nginx,
# HAProxy or Apache on a proxy machine, the Rocket.Chat stand-in as the bundle, the plans' own
# per-machine scripts run unchanged on each machine (through nsenter), and a load generator
# going through the proxy. Prints a table, writes JSON, exits 1 when a scenario misses a goal.
#
# scripts/lab.sh [--quick] [--proxy nginx|haproxy|apache] [--from A.toml --to B.toml] [--json OUT]
#               [--ssh] [--tls] [--ansible]
#   --quick     one proxy (nginx unless --proxy), the upgrade scenario, 2 hosts x 2 instances
#   --proxy     only this proxy kind (default: all three)
#   --ssh       run the plans' one `--ssh` script from the proxy machine, through a real sshd on
#               every host (a lab key), instead of each per-machine script on its machine
#   --tls       the site over TLS (`proxy.tls`, a self-signed certificate for chat.lab) and the
#               load as browsers send it there: HTTP/2 requests, WebSockets as HTTP/1.1 upgrades
#               (nginx and HAProxy; Apache's rendered site has no HTTP/2)
#   --ansible   only the Ansible scenario (examples/ansible/site.yml run by ansible-playbook over
#               ssh: a fresh install, then the upgrade, each under load) and the script-driven
#               install and upgrade its end states must equal (also LAB_SCENARIOS=ansible)
#   --from/--to one scenario of your own (at most 3 app hosts and 12 instances, addresses in
#               10.77.0.0/24 except .10 and .200); --from omitted: a fresh install
#   --json OUT  the report: {"scenarios": [{name, proxy, requests, non_2xx, resets, ...}]}
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
RCTOPO=${RCTOPO:-${CARGO_TARGET_DIR:-$root/target}/debug/rctopo}
# shellcheck source=tests/lab/lib/hosts.sh
. "$here/lib/hosts.sh"
# shellcheck source=tests/lab/lib/deploy.sh
. "$here/lib/deploy.sh"
# shellcheck source=tests/lab/lib/mongo.sh
. "$here/lib/mongo.sh"
# shellcheck source=tests/lab/lib/scenario.sh
. "$here/lib/scenario.sh"
# shellcheck source=tests/lab/lib/ansible.sh
. "$here/lib/ansible.sh"

quick="" proxies="nginx haproxy apache" from="" to="" json=""
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=yes ;;
    --proxy) proxies=$2; shift ;;
    --from) from=$2; shift ;;
    --to) to=$2; shift ;;
    --json) json=$2; shift ;;
    --ssh) export LAB_SSH=yes ;;
    --tls) export LAB_TLS=yes ;;
    --ansible) LAB_SCENARIOS="${LAB_SCENARIOS:-} ansible" ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *) lab_die "unknown option $1 (see --help)" ;;
  esac
  shift
done
[ -z "$quick" ] || [ "$proxies" != "nginx haproxy apache" ] || proxies=nginx
[ -z "$from" ] || [ -n "$to" ] || lab_die "--from needs --to"
[ -x "$RCTOPO" ] || lab_die "no rctopo at $RCTOPO: cargo build -p rctopo"
for p in $proxies; do
  case $p in nginx | haproxy | apache) ;; *) lab_die "--proxy $p: use nginx, haproxy or apache" ;; esac
  [ -z "${LAB_TLS:-}" ] || [ "$p" != apache ] || lab_die "--tls: Apache's rendered site has no HTTP/2; use --proxy nginx or haproxy"
done
# >= 200 requests/s and >= 50 WebSocket sessions; the full run sends more so that one rolling
# upgrade of 6 instances carries >= 100,000 requests.
LAB_RATE=${LAB_RATE:-$([ -n "$quick" ] && echo 250 || echo 1000)}
LAB_WS=${LAB_WS:-50}
# The goal of the full lab's rolling upgrade; --quick's shorter rollout (4 instances, 5 s drains)
# carries about a tenth.
LAB_MIN_REQUESTS=${LAB_MIN_REQUESTS:-$([ -n "$quick" ] && echo 10000 || echo 100000)}

lab_init
topologies=$LAB_STATE/topologies
mkdir -p "$topologies"

# variant NAME PROXY PYTHON: tests/lab/topologies/lab.toml for PROXY, edited by a line of Python
# over `t` (the parsed topology), written back as TOML.
variant() {
  local name=$1 proxy=$2 edit=$3 out=$topologies/$1-$2.toml
  ! lab_stages_releases || edit="t['rocketchat']['release_url'] = '/srv/lab-releases/{version}.tar.gz'; $edit"
  [ -z "${LAB_TLS:-}" ] || edit="t['site']['root_url'] = 'https://chat.lab'; t['proxy']['tls'] = {'certificate': '$LAB_TLS_PEM'}; $edit"
  python3 "$here/lib/variant.py" "$here/topologies/lab.toml" "$proxy" "$edit" "${quick:+quick}" >"$out"
  echo "$out"
}

policy=$here/policy.toml
[ -z "$quick" ] || policy=$here/policy-quick.toml
# lab_policy FILE: FILE with the estimate's cost of an ordinary step, as the lab runs plans:
# over ssh each step opens a connection (0.6-1.2 s measured here), run locally it takes about
# 0.1 s. The lab's policies end in their [estimate] table.
lab_policy() {
  local out
  out=$LAB_STATE/$(basename "$1")
  { cat "$1"; echo "step_millis = ${LAB_STEP_MILLIS:-$([ -n "${LAB_SSH:-}" ] && echo 1000 || echo 100)}"; } >"$out"
  echo "$out"
}
policy=$(lab_policy "${LAB_POLICY:-$policy}")
: >"$LAB_STATE/scenarios.jsonl"
for proxy in $proxies; do
  if [ -n "$to" ]; then
    custom_to=$(python3 "$here/lib/variant.py" "$to" "$proxy" "" "" >"$topologies/to-$proxy.toml" && echo "$topologies/to-$proxy.toml")
    custom_from=""
    if [ -n "$from" ]; then
      python3 "$here/lib/variant.py" "$from" "$proxy" "" "" >"$topologies/from-$proxy.toml"
      custom_from=$topologies/from-$proxy.toml
    fi
    run_scenario custom "$proxy" "$custom_from" "$custom_to" "$policy"
    continue
  fi
  # LAB_SCENARIOS="upgrade control ..." runs only those (default: all of the mode).
  want() { [ -z "${LAB_SCENARIOS:-}" ] || [[ " $LAB_SCENARIOS " == *" $1 "* ]]; }
  base=$(variant base "$proxy" "")
  upgraded=$(variant upgraded "$proxy" 't["rocketchat"]["version"] = "7.11.0"')
  ! want upgrade || run_scenario upgrade "$proxy" "$base" "$upgraded" "$policy"
  ! want control || run_scenario control "$proxy" "$base" "$upgraded" "$policy" control
  # Ansible: asked for (--ansible, LAB_SCENARIOS), or in the full run; its end states are
  # compared with the script-driven install and upgrade, run first when not asked for.
  if [[ " ${LAB_SCENARIOS:-} " == *" ansible "* ]] || [ -z "$quick${LAB_SCENARIOS:-}" ]; then
    [ -n "${LAB_ANSIBLE_BIN:-}" ] || lab_ansible_prepare
    [ -f "$LAB_STATE/install-$proxy.end.json" ] || run_scenario install "$proxy" "" "$base" "$policy"
    [ -f "$LAB_STATE/upgrade-$proxy.end.json" ] || run_scenario upgrade "$proxy" "$base" "$upgraded" "$policy"
    run_ansible "$proxy" "$base" "$upgraded" "$policy"
  fi
  [ -z "$quick" ] || continue
  ! want install || [ -f "$LAB_STATE/install-$proxy.end.json" ] || run_scenario install "$proxy" "" "$base" "$policy"
  ! want upgrade-25pct || run_scenario upgrade-25pct "$proxy" "$base" "$upgraded" "$(lab_policy "$here/policy-25pct.toml")"
  ! want upgrade-surge || run_scenario upgrade-surge "$proxy" "$base" "$upgraded" "$(lab_policy "$here/policy-surge.toml")"
  ! want scale-out || run_scenario scale-out "$proxy" "$base" "$(variant scaled-out "$proxy" 't["hosts"][1]["instances"] = 3 if t["hosts"][1]["instances"] == 2 else 4')" "$policy"
  ! want scale-in || run_scenario scale-in "$proxy" "$base" "$(variant scaled-in "$proxy" 't["hosts"][1]["instances"] = 1')" "$policy"
  ! want proxy-only || run_scenario proxy-only "$proxy" "$base" "$(variant no-affinity "$proxy" 't["proxy"]["affinity"] = "none"')" "$policy"
  ! want port-move || run_scenario port-move "$proxy" "$base" "$(variant moved "$proxy" 't["hosts"][1]["base_port"] = 3100')" "$policy"
done

python3 "$here/lib/report.py" "$LAB_STATE/scenarios.jsonl" "${json:-}"
