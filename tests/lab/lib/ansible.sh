# shellcheck shell=bash
# The lab's Ansible scenario: examples/ansible/site.yml with the rocketchat.topology collection,
# run by a real ansible-playbook from a control node in the lab (the client namespace, this
# machine's filesystem) against every lab host over ssh (their sshd, the lab key), for a fresh
# install and then the rolling upgrade, each under load. Its end states must be those of the
# script-driven `install` and `upgrade` scenarios of the same run. Sourced after scenario.sh.
#
#   lab_ansible_prepare        ansible-core and the package (a venv), the collection (built, installed)
#   run_ansible PROXY FROM TO POLICY   the scenario; appends its rows to scenarios.jsonl

LAB_ANSIBLE_PLAYBOOK=${LAB_ANSIBLE_PLAYBOOK:-$LAB_DIR/../../examples/ansible/site.yml}

lab_ansible_prepare() {
  local dir=$LAB_STATE/ansible
  mkdir -p "$dir/collections" "$dir/home"
  LAB_ANSIBLE_BIN=$("$LAB_DIR/ansible/venv.sh") || lab_die "cannot prepare ansible-core (tests/lab/ansible/venv.sh)"
  "$LAB_ANSIBLE_BIN/ansible-galaxy" collection build "$LAB_DIR/../../ansible-collection" \
    --output-path "$dir" --force >/dev/null
  "$LAB_ANSIBLE_BIN/ansible-galaxy" collection install "$dir"/rocketchat-topology-*.tar.gz \
    -p "$dir/collections" --force >/dev/null 2>&1
  lab_log "ansible: $("$LAB_ANSIBLE_BIN/ansible-playbook" --version | sed -n 1p), collection rocketchat.topology installed"
}

# ansible_inventory TOPOLOGY: every machine of the topology under [rocketchat], named as in the
# topology, at its lab address; the control node logs in as root with the lab key.
ansible_inventory() {
  local topology=$1 host
  echo "[rocketchat]"
  for host in $(topology_field "$topology" '" ".join(h["name"] for h in t["hosts"])'); do
    echo "$host ansible_host=$(topology_address "$topology" "$host")"
  done
  echo "proxy ansible_host=$LAB_PROXY_ADDR"
  echo
  echo "[rocketchat:vars]"
  echo "ansible_user=root"
  echo "ansible_ssh_private_key_file=$LAB_STATE/ssh/id_ed25519"
  echo "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'"
  echo "ansible_python_interpreter=/usr/bin/python3"
  # The machine is shared and often loaded: ssh's 10 s default connect timeout was seen to expire.
  echo "ansible_ssh_timeout=60"
  # The lab's hosts have no sudo: root becomes root with su.
  echo "ansible_become_method=su"
}

# ansible_policy POLICY.toml: the lab's rollout policy as the playbook's `rollout_policy`, told
# that no MongoDB backup is taken (as the scripts' `rctopo plan --no-backup`).
ansible_policy() {
  python3 -c '
import json, sys, tomllib
policy = tomllib.load(open(sys.argv[1], "rb"))
policy["backup"] = False
print(json.dumps({"rollout_policy": policy}))' "$1"
}

# ansible_run WORK LOG ARGS...: ansible-playbook site.yml ARGS from the control node.
ansible_run() {
  local work=$1 log=$2 status=0 socket
  shift 2
  lab_log "control node: ansible-playbook $(basename "$LAB_ANSIBLE_PLAYBOOK") $*"
  lab_client client env HOME="$LAB_STATE/ansible/home" ANSIBLE_HOME="$LAB_STATE/ansible/home" \
    ANSIBLE_COLLECTIONS_PATH="$LAB_STATE/ansible/collections" ANSIBLE_HOST_KEY_CHECKING=False \
    ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 PATH="$LAB_ANSIBLE_BIN:$PATH" \
    ansible-playbook -i "$work/inventory.ini" "$LAB_ANSIBLE_PLAYBOOK" -e "build=$work/build" \
    -e "@$work/policy.json" "$@" 2>&1 | timestamped >>"$log"
  status=${PIPESTATUS[0]}
  # Ansible's ssh masters outlive the run (ControlPersist): end them, they are the lab's.
  for socket in "$LAB_STATE"/ansible/home/cp/*; do
    [ -S "$socket" ] || continue
    lab_client client ssh -o ControlPath="$socket" -O exit lab >/dev/null 2>&1 || true
  done
  [ "$status" -eq 0 ] || tail -n 30 "$log" >&2
  return "$status"
}

# ansible_same_end ANSIBLE.end.json SCRIPTED.end.json: "ok", or what differs between the two.
ansible_same_end() {
  python3 - "$1" "$2" <<'PY'
import json, sys
def load(path):
    return json.loads("{" + open(path).read() + "}")
a, s = load(sys.argv[1]), load(sys.argv[2])
def connected(end):
    return {i: (m.get("state"), m.get("type"), m.get("set_name"), m.get("primary")) for i, m in end["mongo"].items()}
differs = [key for key, get in [
    ("versions", lambda e: e["final_versions"]), ("routing", lambda e: sorted(e["routed"])),
    ("proxy configuration", lambda e: e["proxy_config"]), ("units", lambda e: sorted(e["units"])),
    ("MongoDB connections", connected)] if get(a) != get(s)]
print("ok" if not differs else "ends unlike the script-driven run: " + ", ".join(differs))
PY
}

# ansible_step NAME PROXY TOPOLOGY RENDER POLICY [DEPLOYED]: one playbook run under load; its row.
ansible_step() {
  local name=$1 proxy=$2 topology=$3 render=$4 policy=$5 deployed=${6:-} work=$LAB_STATE/ansible-$2 goals=ok
  local scripted=${name#ansible-} args=(-e "topology=$topology")
  [ -z "$deployed" ] || args+=(-e "deployed=$deployed")
  load_start "$work/$name.load.json" --rate "$LAB_RATE" --ws "$LAB_WS" --max-seconds 1800
  sleep 5
  local t0=$SECONDS
  ansible_run "$work" "$work/$name.ansible.log" "${args[@]}" || goals="ansible-playbook failed"
  local took=$((SECONDS - t0))
  sleep 5
  load_stop
  check_end_state "$name-$proxy" "$topology" "$render" || [ "$goals" != ok ] || goals="end state differs"
  if [ "$goals" = ok ]; then
    if [ -f "$LAB_STATE/$scripted-$proxy.end.json" ]; then
      goals=$(ansible_same_end "$LAB_STATE/$name-$proxy.end.json" "$LAB_STATE/$scripted-$proxy.end.json")
    else
      goals="no script-driven $scripted scenario to compare with"
    fi
  fi
  LAB_EXECUTION="ansible-playbook over ssh" python3 "$LAB_DIR/lib/row.py" "$name" "$proxy" "$work/$name.load.json" \
    "$LAB_STATE/$name-$proxy.end.json" "$took" "$goals" "" "$(min_requests "$scripted")" 0 >>"$LAB_STATE/scenarios.jsonl"
}

run_ansible() {
  local proxy=$1 from=$2 to=$3 policy=$4 work=$LAB_STATE/ansible-$1
  mkdir -p "$work"
  "$RCTOPO" render "$from" --target all --out "$work/current" >/dev/null
  "$RCTOPO" render "$to" --target all --out "$work/desired" >/dev/null
  # Every host runs its sshd (the control node's way in), whatever the lab's own execution.
  LAB_SSH=yes lab_boot_topology "$to"
  publish_releases "$to" "$(topology_version "$to")" "$(topology_version "$from")"
  ansible_inventory "$to" >"$work/inventory.ini"
  ansible_policy "$policy" >"$work/policy.json"
  install_release "$from"
  ansible_step ansible-install "$proxy" "$from" "$work/current" "$policy"
  ansible_step ansible-upgrade "$proxy" "$to" "$work/desired" "$policy" "$from"
  for host in "${LAB_HOSTS[@]}"; do cp "$LAB_STATE/$host/console.log" "$work/$host.console.log" 2>/dev/null || true; done
  lab_hosts_down
}
