# shellcheck shell=bash
# One lab scenario: bring the lab to a starting topology (fresh install by the plan's own
# scripts), put it under load through the proxy, run the plan from the starting topology to the
# desired one, stop the load, and check the end state. Sourced after hosts.sh and deploy.sh.

LAB_PROXY_ADDR=10.77.0.10
LAB_CLIENT_ADDR=10.77.0.200
RCTOPO=${RCTOPO:-rctopo}
# Whether this rctopo stages releases (rocketchat.release_url, stage_release steps): then the
# lab serves stand-in release tarballs and upgrades switch code through the plan; before that,
# the new release is unpacked over `bundle` before the rollout, as an operator would.
lab_stages_releases() { "$RCTOPO" schema | grep -q '"release_url"'; }
# `rctopo plan ARGS`, told that no MongoDB runs here (nothing to back up) when it asks.
lab_plan() {
  local flags=()
  if "$RCTOPO" plan --help | grep -q -- '--no-backup'; then flags+=(--no-backup); fi
  "$RCTOPO" plan "${flags[@]}" "$@"
}

# The machines of a render directory (one folder per machine).
render_machines() { find "$1" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort; }

proxy_kind() { topology_field "$1" 't["proxy"]["kind"]'; }
proxy_service() {
  case $1 in
    nginx) echo nginx ;;
    haproxy) echo haproxy ;;
    apache) echo apache2 ;;
  esac
}

# lab_boot_topology TOPOLOGY: every application host at its address, the proxy machine, a client.
lab_boot_topology() {
  local topology=$1 host
  for host in $(topology_field "$topology" '" ".join(h["name"] for h in t["hosts"])'); do
    lab_host_up "$host" "$(topology_address "$topology" "$host")"
  done
  lab_host_up proxy "$LAB_PROXY_ADDR" "$(proxy_service "$(proxy_kind "$topology")")"
  lab_client_up client "$LAB_CLIENT_ADDR"
}

# publish_releases TOPOLOGY VERSION...: the stand-in release tarballs on every app host.
publish_releases() {
  local topology=$1 host version
  shift
  for host in $(topology_field "$topology" '" ".join(h["name"] for h in t["hosts"])'); do
    for version in "$@"; do publish_release "$host" "$version"; done
  done
}

# install_release TOPOLOGY: the stand-in release of TOPOLOGY's version unpacked as each app host's
# `bundle` (what a fresh install runs; upgrades stage their releases themselves).
install_release() {
  local topology=$1 host
  for host in $(topology_field "$topology" '" ".join(h["name"] for h in t["hosts"])'); do
    install_standin "$host" "$(topology_version "$topology")" "$(topology_bundle "$topology")"
  done
}

# run_plan PLAN_DIR DESIRED [CURRENT]: every per-machine script of the plan, in order, each on
# its machine; machines the lab does not run (the database hosts) are left out and reported.
run_plan() {
  local plan=$1 desired=$2 current=${3:-} script machine
  for script in "$plan"/[0-9][0-9]-*.sh; do
    [ -e "$script" ] || continue
    machine=$(basename "$script" .sh)
    machine=${machine#[0-9][0-9]-}
    if ! lab_is_host "$machine"; then
      lab_log "skipping $(basename "$script"): $machine is not a lab host (no MongoDB runs here)"
      continue
    fi
    lab_log "$machine: running $(basename "$script")"
    local d c=""
    d=$(stage_dir "$machine" "$desired")
    [ -z "$current" ] || c=$(stage_dir "$machine" "$current")
    lab_in "$machine" env RCTOPO_DESIRED="$d" RCTOPO_CURRENT="$c" \
      bash "$(stage_dir "$machine" "$script")" >>"$LAB_STATE/$machine/plan.log" 2>&1 \
      || { tail -n 20 "$LAB_STATE/$machine/plan.log" >&2; return 1; }
  done
}

# load_start OUT [ARGS]: the load generator in the client namespace, in the background.
load_start() {
  local out=$1
  shift
  # Not through lab_client: a backgrounded function would be a subshell, and its PID not node's
  # (ip netns exec runs node in its own process).
  ip netns exec "${LAB_PREFIX}-client" node "$LAB_DIR/loadgen.js" --url "http://chat.lab/" \
    --connect "$LAB_PROXY_ADDR" --out "$out" "$@" >/dev/null 2>"$out.err" &
  echo $! >"$LAB_STATE/loadgen.pid"
}

load_stop() {
  local pid
  pid=$(cat "$LAB_STATE/loadgen.pid")
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$LAB_STATE/loadgen.pid"
}

# The instances (host:port as the proxy names them) a proxy configuration routes to now.
routed_instances() {
  local kind=$1 file
  case $kind in
    nginx)
      file=/etc/nginx/conf.d/rocketchat.conf
      lab_in proxy cat "$file" | awk '$1 == "server" && $2 ~ /:[0-9]+$/ && !/ down;/ {print $2}'
      ;;
    haproxy)
      # The runtime state wins over the file: no maintenance bit in the admin state (FMAINT 1,
      # IMAINT 2, RMAINT 32; CMAINT 4 only says the loaded file had `disabled`), no drain (8).
      lab_in proxy sh -c 'echo "show servers state rocketchat" | socat stdio unix-connect:/run/haproxy/admin.sock' \
        | awk 'NF > 10 && $1 ~ /^[0-9]+$/ {a = $7; if (a % 2 == 0 && int(a / 2) % 2 == 0 && int(a / 8) % 2 == 0 && int(a / 32) % 2 == 0) print $5 ":" $19}'
      ;;
    apache)
      file=/etc/apache2/sites-available/rocketchat.conf
      lab_in proxy cat "$file" | awk '$1 == "BalancerMember" && $2 ~ /^http:/ && !/status=\+D/ {sub("http://", "", $2); print $2}'
      ;;
  esac | sort -u
}

# The instances TOPOLOGY's render routes to (its upstreams).
desired_instances() {
  local render=$1 host port address
  for host in $(render_machines "$render"); do
    for port in $(rendered_ports "$render" "$host"); do
      address=$(sed -n 's/^INSTANCE_IP="\(.*\)"$/\1/p' "$render/$host/etc/rocketchat/$port.env")
      echo "$address:$port"
    done
  done | sort -u
}

# check_end_state NAME TOPOLOGY RENDER: versions, routing and enabled units; prints JSON pieces
# into $LAB_STATE/NAME.end.json and returns non-zero when one differs from the topology.
check_end_state() {
  local name=$1 topology=$2 render=$3 version kind ok=0 instance answer host port
  version=$(topology_version "$topology")
  kind=$(proxy_kind "$topology")
  local versions="" routed="" desired
  desired=$(desired_instances "$render")
  for instance in $desired; do
    answer=$(lab_client client curl -sS --max-time 5 "http://$instance/api/info" 2>/dev/null \
      | sed -n 's/.*"version":"\([^"]*\)".*/\1/p')
    versions+="\"$instance\": \"${answer:-none}\", "
    if [ "$answer" != "$version" ]; then
      lab_log "$name: $instance answers version '${answer:-none}', not $version"
      ok=1
    fi
  done
  local now
  now=$(routed_instances "$kind")
  for instance in $now; do routed+="\"$instance\", "; done
  if [ "$now" != "$desired" ]; then
    lab_log "$name: the proxy routes to [$(echo "$now" | paste -sd' ')], the topology to [$(echo "$desired" | paste -sd' ')]"
    ok=1
  fi
  for host in $(render_machines "$render"); do
    [ -d "$render/$host/etc/rocketchat" ] || continue
    for port in $(rendered_ports "$render" "$host"); do
      if [ "$(lab_in "$host" systemctl is-enabled "rocketchat@$port.service" 2>&1)" != enabled ]; then
        lab_log "$name: rocketchat@$port.service is not enabled on $host"
        ok=1
      fi
    done
    if [ "$(lab_in "$host" systemctl is-enabled rocketchat.target 2>&1)" != enabled ]; then
      lab_log "$name: rocketchat.target is not enabled on $host"
      ok=1
    fi
  done
  printf '"final_versions": {%s}, "routed": [%s]' "${versions%, }" "${routed%, }" >"$LAB_STATE/$name.end.json"
  return $ok
}

# run_scenario NAME PROXY FROM TO POLICY [CONTROL]: one scenario on a freshly booted lab; appends
# its JSON object to $LAB_STATE/scenarios.jsonl. FROM may be empty (a fresh install under load).
run_scenario() {
  local name=$1 proxy=$2 from=$3 to=$4 policy=$5 control=${6:-}
  local work=$LAB_STATE/$name-$proxy goals=ok host
  mkdir -p "$work"
  "$RCTOPO" render "$to" --target all --out "$work/desired" >/dev/null
  lab_boot_topology "$to"
  publish_releases "$to" "$(topology_version "$to")" ${from:+"$(topology_version "$from")"}
  if [ -n "$from" ]; then
    "$RCTOPO" render "$from" --target all --out "$work/current" >/dev/null
    lab_plan --to "$from" --policy "$policy" --format shell --out "$work/install" >/dev/null
    install_release "$from"
    run_plan "$work/install" "$work/current" || lab_die "$name: installing the starting topology failed"
  fi
  if [ -z "$control" ]; then
    if [ -n "$from" ]; then
      lab_plan --from "$from" --to "$to" --policy "$policy" --format shell --out "$work/plan" >/dev/null
    else
      lab_plan --to "$to" --policy "$policy" --format shell --out "$work/plan" >/dev/null
    fi
  fi
  load_start "$work/load.json" --rate "$LAB_RATE" --ws "$LAB_WS" --max-seconds 1800
  sleep 5
  local t0=$SECONDS
  if [ -n "$control" ] || ! lab_stages_releases; then
    install_release "$to"
  fi
  if [ -n "$control" ]; then
    control_restarts "$to" "$work/desired"
  else
    run_plan "$work/plan" "$work/desired" "${from:+$work/current}" || goals="plan failed"
  fi
  local took=$((SECONDS - t0))
  sleep 5
  load_stop
  [ -s "$work/load.json" ] || lab_die "$name: the load generator wrote no report ($(cat "$work/load.json.err"))"
  check_end_state "$name-$proxy" "$to" "$work/desired" || goals="end state differs"
  local load
  load=$(cat "$work/load.json")
  python3 - "$name" "$proxy" "$load" "$LAB_STATE/$name-$proxy.end.json" "$took" "$goals" "${control:+yes}" >>"$LAB_STATE/scenarios.jsonl" <<'EOF'
import json, sys
name, proxy, load, end, took, goals, control = sys.argv[1:8]
load = json.loads(load)
end = json.loads("{" + open(end).read() + "}")
row = {
    "name": name, "proxy": proxy, "requests": load["requests"], "non_2xx": load["non_2xx"],
    "resets": load["resets"], "errors": load["errors"], "ws_sessions": load["ws_sessions"],
    "ws_dropped": load["ws_dropped"], "ws_not_reconnected": load["ws_not_reconnected"],
    "ws_reconnect_max_ms": load["ws_reconnect_max_ms"], "duration_s": load["duration_s"],
    "rollout_s": int(took), "final_versions": end["final_versions"], "routed": end["routed"],
}
if control:
    # A control run must show the failures a rollout without drain causes.
    row["control"] = True
    row["goals_met"] = goals == "ok" and (load["non_2xx"] + load["resets"] + load["errors"] + load["ws_dropped"]) > 0
else:
    row["goals_met"] = goals == "ok" and load["non_2xx"] == 0 and load["ws_not_reconnected"] == 0
row["note"] = goals
print(json.dumps(row))
EOF
  for host in "${LAB_HOSTS[@]}"; do cp "$LAB_STATE/$host/plan.log" "$work/$host.plan.log" 2>/dev/null || true; done
  lab_hosts_down
}

# The control: the same release switch with plain restarts, no drain, no proxy change.
control_restarts() {
  local topology=$1 render=$2 host port
  for host in $(render_machines "$render"); do
    [ -d "$render/$host/etc/rocketchat" ] || continue
    for port in $(rendered_ports "$render" "$host"); do
      lab_in "$host" systemctl restart "rocketchat@$port.service"
      for _ in $(seq 60); do
        lab_in "$host" curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/api/info" 2>/dev/null && break
        sleep 0.5
      done
    done
  done
}
