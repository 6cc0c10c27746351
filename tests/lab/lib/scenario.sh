# shellcheck shell=bash
# One lab scenario: bring the lab to a starting topology (fresh install by the plan's own
# scripts), put it under load through the proxy, run the plan from the starting topology to the
# desired one, stop the load, and check the end state. Sourced after hosts.sh and deploy.sh.

LAB_PROXY_ADDR=10.77.0.10
LAB_CLIENT_ADDR=10.77.0.200
# LAB_TLS=yes: lab topologies serve the site over TLS (`proxy.tls`, the file below on the proxy
# machine) and the load generator speaks HTTP/2 to it, as browsers do.
LAB_TLS_PEM=/etc/ssl/lab/chat.lab.pem
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
  local ssh=()
  [ -z "${LAB_SSH:-}" ] || ssh=(ssh)
  for host in $(topology_field "$topology" '" ".join(h["name"] for h in t["hosts"])'); do
    lab_host_up "$host" "$(topology_address "$topology" "$host")" "${ssh[@]}"
  done
  lab_host_up proxy "$LAB_PROXY_ADDR" "$(proxy_service "$(proxy_kind "$topology")")" "${ssh[@]}"
  [ -z "${LAB_TLS:-}" ] || lab_tls_install proxy
  lab_client_up client "$LAB_CLIENT_ADDR"
  lab_mongo_up "$topology"
  [ -z "${LAB_SSH:-}" ] || lab_ssh_setup "$topology"
}

# execute_plan PLAN_DIR DESIRED [CURRENT]: the plan as the lab runs it (LAB_SSH: over ssh).
execute_plan() {
  if [ -n "${LAB_SSH:-}" ]; then run_plan_ssh "$@"; else run_plan "$@"; fi
}

# shell_plan OUT ARGS...: `rctopo plan ARGS --format shell` into OUT, in the lab's layout.
shell_plan() {
  local out=$1
  shift
  lab_plan "$@" --format shell ${LAB_SSH:+--ssh} --out "$out" >/dev/null
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

# Each line of the input with the time it came (seconds since the epoch), to time the steps.
timestamped() {
  local line
  while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done
}

# run_plan PLAN_DIR DESIRED [CURRENT]: every per-machine script of the plan, in order, each on
# its machine; machines the lab does not run (the database hosts) are left out and reported.
run_plan() {
  local plan=$1 desired=$2 current=${3:-} script machine scripts
  # NN-MACHINE.sh in order; a plan for one machine is a single MACHINE.sh.
  scripts=$(find "$plan" -maxdepth 1 -name '*.sh' ! -name 'rollback-*' | sort)
  for script in $scripts; do
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
      bash "$(stage_dir "$machine" "$script")" 2>&1 | timestamped >>"$LAB_STATE/$machine/plan.log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || { tail -n 20 "$LAB_STATE/$machine/plan.log" >&2; return 1; }
  done
}

# The machine an operator runs `--ssh` plans from: the proxy machine, which reaches every host.
LAB_CONTROL=proxy

# lab_ssh_setup TOPOLOGY: a lab key authorised for root on every booted host (their sshd runs),
# and on the control machine the key and an ssh configuration naming each host's address.
lab_ssh_setup() {
  local topology=$1 key=$LAB_STATE/ssh/id_ed25519 host config root
  mkdir -p "$LAB_STATE/ssh"
  [ -f "$key" ] || ssh-keygen -q -t ed25519 -N '' -C rclab -f "$key"
  config="Host *\n  User root\n  IdentityFile /root/.ssh/rclab\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n"
  for host in "${LAB_HOSTS[@]}"; do
    root=$(lab_root "$host")
    install -d -m 0700 "$root/root/.ssh"
    install -m 0600 "$key.pub" "$root/root/.ssh/authorized_keys"
    case $host in
      "$LAB_CONTROL") config="Host $host\n  HostName $LAB_PROXY_ADDR\n$config" ;;
      *) config="Host $host\n  HostName $(topology_address "$topology" "$host")\n$config" ;;
    esac
  done
  root=$(lab_root "$LAB_CONTROL")
  install -m 0600 "$key" "$root/root/.ssh/rclab"
  printf '%b' "$config" >"$root/root/.ssh/config"
  chmod 0600 "$root/root/.ssh/config"
  for host in "${LAB_HOSTS[@]}"; do
    lab_in "$LAB_CONTROL" ssh -o BatchMode=yes -o ConnectTimeout=5 "$host" true \
      || lab_die "ssh from $LAB_CONTROL to $host fails"
  done
}

# run_plan_ssh PLAN_DIR DESIRED [CURRENT]: the plan's one `--ssh` script, unchanged, run by
# root on the control machine; it reaches every host through its sshd.
run_plan_ssh() {
  local plan=$1 d c=""
  d=$(stage_dir "$LAB_CONTROL" "$2")
  [ -z "${3:-}" ] || c=$(stage_dir "$LAB_CONTROL" "$3")
  lab_log "$LAB_CONTROL: running $(basename "$plan")/plan.sh over ssh"
  lab_in "$LAB_CONTROL" env RCTOPO_DESIRED="$d" RCTOPO_CURRENT="$c" \
    bash "$(stage_dir "$LAB_CONTROL" "$plan")/plan.sh" 2>&1 | timestamped >>"$LAB_STATE/$LAB_CONTROL/plan.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || { tail -n 20 "$LAB_STATE/$LAB_CONTROL/plan.log" >&2; return 1; }
}

# The site's certificate: a self-signed one for chat.lab, made once per lab run; its
# certificate alone is what the load generator trusts.
lab_tls_certificate() {
  local dir=$LAB_STATE/tls
  [ -f "$dir/chat.lab.pem" ] && return
  mkdir -p "$dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=chat.lab \
    -addext subjectAltName=DNS:chat.lab -keyout "$dir/key.pem" -out "$dir/certificate.pem" 2>/dev/null \
    || lab_die "openssl could not make the lab's certificate"
  cat "$dir/certificate.pem" "$dir/key.pem" >"$dir/chat.lab.pem"
}

# lab_tls_install HOST: the certificate and key, in one file (nginx and HAProxy both read it), at
# LAB_TLS_PEM on HOST.
lab_tls_install() {
  local root
  lab_tls_certificate
  root=$(lab_root "$1")
  install -D -m 0600 "$LAB_STATE/tls/chat.lab.pem" "$root$LAB_TLS_PEM"
}

# load_start OUT [ARGS]: the load generator in the client namespace, in the background.
load_start() {
  local out=$1 site=(--url "http://chat.lab/")
  shift
  [ -z "${LAB_TLS:-}" ] || site=(--url "https://chat.lab/" --ca "$LAB_STATE/tls/certificate.pem")
  # Not through lab_client: a backgrounded function would be a subshell, and its PID not node's
  # (ip netns exec runs node in its own process).
  ip netns exec "${LAB_PREFIX}-client" node "$LAB_DIR/loadgen.js" "${site[@]}" \
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
      # The runtime state wins over the file: the HTTP balancer's members the balancer-manager
      # does not report disabled (`Dis`).
      lab_in proxy curl -fsS --max-time 5 --resolve chat.lab:80:127.0.0.1 \
        -H 'Referer: http://chat.lab/balancer-manager' 'http://chat.lab/balancer-manager?xml=1' \
        | awk '/<httpd:name>balancer:/ {http = /rocketchat-http</}
          /<httpd:name>http:/ {m = $0; sub(/.*<httpd:name>http:\/\//, "", m); sub(/<.*/, "", m)}
          /<httpd:status>/ {if (http && m != "" && !/Dis/) print m; m = ""}'
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

# check_end_state NAME TOPOLOGY RENDER [CONTROL]: versions, routing, the proxy's configuration (the
# rendered bytes), enabled units and each instance's MongoDB connection (when MockupDB serves the
# members); prints JSON pieces into $LAB_STATE/NAME.end.json and returns non-zero when one
# differs from the topology.
check_end_state() {
  local name=$1 topology=$2 render=$3 control=${4:-} version kind ok=0 instance answer host port
  version=$(topology_version "$topology")
  kind=$(proxy_kind "$topology")
  local versions="" routed="" desired mongo="" enabled="" proxy_config=rendered
  desired=$(desired_instances "$render")
  for instance in $desired; do
    answer=$(lab_mongo_check "$instance")
    mongo+="\"$instance\": $answer, "
    if [ "${STANDIN_MONGO:-}" = required ] && [[ $answer != *'"state":"connected"'* ]]; then
      lab_log "$name: $instance is not connected to MongoDB: $answer"
      ok=1
    fi
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
  local file files=""
  # The control installs nothing: its proxy keeps the starting topology's configuration.
  [ -n "$control" ] || files=$(cd "$render/proxy" && find . -type f | sed 's|^\.||')
  for file in $files; do
    if ! cmp -s "$render/proxy$file" "$(lab_root proxy)$file"; then
      lab_log "$name: the proxy's $file is not the rendered one"
      proxy_config=differs
      ok=1
    fi
  done
  for host in $(render_machines "$render"); do
    [ -d "$render/$host/etc/rocketchat" ] || continue
    for port in $(rendered_ports "$render" "$host"); do
      enabled+="\"$host:rocketchat@$port.service $(lab_in "$host" systemctl is-enabled "rocketchat@$port.service" 2>&1)\", "
      if [ "$(lab_in "$host" systemctl is-enabled "rocketchat@$port.service" 2>&1)" != enabled ]; then
        lab_log "$name: rocketchat@$port.service is not enabled on $host"
        ok=1
      fi
    done
    enabled+="\"$host:rocketchat.target $(lab_in "$host" systemctl is-enabled rocketchat.target 2>&1)\", "
    if [ "$(lab_in "$host" systemctl is-enabled rocketchat.target 2>&1)" != enabled ]; then
      lab_log "$name: rocketchat.target is not enabled on $host"
      ok=1
    fi
  done
  printf '"final_versions": {%s}, "routed": [%s], "proxy_config": "%s", "units": [%s], "mongo": {%s}, "mongodb_commands": %s' \
    "${versions%, }" "${routed%, }" "$proxy_config" "${enabled%, }" "${mongo%, }" "$(lab_mongo_commands)" >"$LAB_STATE/$name.end.json"
  return $ok
}

# The plan's estimated duration in seconds (0 when the scenario ran no plan).
plan_estimate() {
  [ -s "$1.json" ] || { echo 0; return; }
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["summary"]["estimated_seconds"])' "$1.json"
}

# The requests a scenario's load must carry: LAB_MIN_REQUESTS for the rolling upgrade (100,000
# in the full lab, 10,000 in --quick), no minimum for the others.
min_requests() {
  case $1 in
    upgrade) echo "${LAB_MIN_REQUESTS:-100000}" ;;
    *) echo 0 ;;
  esac
}

# run_scenario NAME PROXY FROM TO POLICY [CONTROL]: one scenario on a freshly booted lab; appends
# its JSON object to $LAB_STATE/scenarios.jsonl. FROM may be empty (a fresh install under load).
run_scenario() {
  local name=$1 proxy=$2 from=$3 to=$4 policy=$5 control=${6:-}
  local work=$LAB_STATE/$name-$proxy goals=ok host
  mkdir -p "$work"
  export LAB_LOG_GROUP=$name-$proxy  # where lab_keep_host_logs puts this scenario's logs
  "$RCTOPO" render "$to" --target all --out "$work/desired" >/dev/null
  lab_boot_topology "$to"
  publish_releases "$to" "$(topology_version "$to")" ${from:+"$(topology_version "$from")"}
  if [ -n "$from" ]; then
    "$RCTOPO" render "$from" --target all --out "$work/current" >/dev/null
    shell_plan "$work/install" --to "$from" --policy "$policy"
    install_release "$from"
    execute_plan "$work/install" "$work/current" || lab_die "$name: installing the starting topology failed"
    # The rollout's estimate from the start and step times the install just measured.
    local logs=()
    for host in "${LAB_HOSTS[@]}"; do [ ! -f "$LAB_STATE/$host/plan.log" ] || logs+=("$LAB_STATE/$host/plan.log"); done
    python3 "$LAB_DIR/lib/calibrate.py" "$policy" "${logs[@]}" >"$work/policy.toml"
    policy=$work/policy.toml
  fi
  if [ -z "$control" ]; then
    local sides=(--to "$to")
    [ -z "$from" ] || sides=(--from "$from" --to "$to")
    shell_plan "$work/plan" "${sides[@]}" --policy "$policy"
    lab_plan "${sides[@]}" --policy "$policy" --format json >"$work/plan.json"
  fi
  load_start "$work/load.json" --rate "$LAB_RATE" --ws "$LAB_WS" --max-seconds 1800
  sleep 5
  local t0=$SECONDS
  if [ -n "$control" ] || [ -z "$from" ] || ! lab_stages_releases; then
    install_release "$to"
  fi
  if [ -n "$control" ]; then
    control_restarts "$to" "$work/desired"
  else
    execute_plan "$work/plan" "$work/desired" "${from:+$work/current}" || goals="plan failed"
  fi
  local took=$((SECONDS - t0))
  sleep 5
  load_stop
  [ -s "$work/load.json" ] || lab_die "$name: the load generator wrote no report ($(cat "$work/load.json.err"))"
  check_end_state "$name-$proxy" "$to" "$work/desired" "$control" || goals="end state differs"
  python3 "$LAB_DIR/lib/row.py" "$name" "$proxy" "$work/load.json" "$LAB_STATE/$name-$proxy.end.json" \
    "$took" "$goals" "${control:+yes}" "$(min_requests "$name")" "$(plan_estimate "$work/plan")" \
    >>"$LAB_STATE/scenarios.jsonl"
  for host in "${LAB_HOSTS[@]}"; do mv "$LAB_STATE/$host/plan.log" "$work/$host.plan.log" 2>/dev/null || true; done
  lab_hosts_down
}

# rocketchat_target VERB HOST...: `systemctl VERB rocketchat.target` on every host at once. Waits
# for those commands by PID: a bare `wait` would also wait for the load generator, which runs
# until it is stopped.
rocketchat_target() {
  local verb=$1 host pids=() pid
  shift
  for host in "$@"; do
    lab_in "$host" systemctl "$verb" rocketchat.target &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || lab_die "control: systemctl $verb rocketchat.target failed"; done
}

# The control: the same release switch done without a plan: every instance stopped at once, no
# drain, no proxy change, and started again after LAB_CONTROL_DOWN_SECONDS (5; Rocket.Chat itself
# needs 30-90 s to start). The stand-in starts in a second, which HAProxy's retries of a refused
# connection and Apache's failover to another member hide when instances restart one at a time
# or even all at once (Apache's quick control one at a time: 5,163 requests, HAProxy's all at
# once: 3,348, no failure seen by either).
control_restarts() {
  local topology=$1 render=$2 host port hosts=()
  for host in $(render_machines "$render"); do
    [ -d "$render/$host/etc/rocketchat" ] && hosts+=("$host")
  done
  rocketchat_target stop "${hosts[@]}"
  sleep "${LAB_CONTROL_DOWN_SECONDS:-5}"
  rocketchat_target start "${hosts[@]}"
  for host in "${hosts[@]}"; do
    for port in $(rendered_ports "$render" "$host"); do
      for _ in $(seq 60); do
        lab_in "$host" curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/api/info" 2>/dev/null && break
        sleep 0.5
      done
    done
  done
}
