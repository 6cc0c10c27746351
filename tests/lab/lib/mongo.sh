# shellcheck shell=bash
# MongoDB in the lab: MockupDB at the replica-set member addresses of a topology's mongo.url, in
# a database namespace of its own on the lab's switch, so that the instances' rendered MONGO_URL
# is really connected to (by the Node `mongodb` driver in the stand-in). No MongoDB server runs
# here; MockupDB (PyPI `mockupdb`) is MongoDB's wire-protocol test server and answers as a
# replica set (lib/mockupdb_replset.py). Sourced after hosts.sh and deploy.sh.
#
#   lab_mongo_up TOPOLOGY   MockupDB at the members, their names in every lab host's /etc/hosts
#   lab_mongo_check HOST:PORT   what the instance's driver reports (JSON), from the client
#   lab_mongo_commands      the commands the members received, counted (JSON object)

# Where member names without a lab address are placed: 10.77.0.21, .22, ...
LAB_MONGO_FIRST=21
LAB_MONGO_PYTHON=${RCTOPO_MOCKUPDB_PYTHON:-}

# The members of TOPOLOGY's mongo.url as "NAME:PORT ADDRESS" lines and the set name as the first
# line; nothing when the URL is not one the lab can serve (SRV, or addresses outside the lab).
lab_mongo_members() {
  python3 - "$1" "$LAB_MONGO_FIRST" <<'PY'
import ipaddress, sys, tomllib, urllib.parse
t = tomllib.load(open(sys.argv[1], "rb"))
url = t["mongo"]["url"]
if not url.startswith("mongodb://"):
    sys.exit(0)
rest = url[len("mongodb://"):].split("/", 1)
hosts = rest[0].rsplit("@", 1)[-1].split(",")
query = urllib.parse.parse_qs(rest[1].split("?", 1)[1]) if len(rest) > 1 and "?" in rest[1] else {}
set_name = query.get("replicaSet", [""])[0]
lab = ipaddress.ip_network("10.77.0.0/24")
members, n = [], int(sys.argv[2])
for h in hosts:
    name, _, port = h.partition(":")
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        address, n = f"10.77.0.{n}", n + 1
    if ipaddress.ip_address(str(address)) not in lab:
        sys.exit(0)
    members.append(f"{name}:{port or 27017} {address}")
if set_name:
    print(set_name)
    print("\n".join(members))
PY
}

# Describes the MongoDB of the current scenario, for the report.
export LAB_MONGODB="none: no MongoDB runs in the lab"

lab_mongo_up() {
  local topology=$1 members set_name name address pairs=() host first="" release
  members=$(lab_mongo_members "$topology")
  if [ -z "$members" ]; then
    export LAB_MONGODB="external: mongo.url is not served in the lab (instances only report what they reach)"
    export STANDIN_MONGO=report
    return 0
  fi
  [ -n "$LAB_MONGO_PYTHON" ] || LAB_MONGO_PYTHON=$("$LAB_DIR/../mockupdb/venv.sh")
  set_name=$(echo "$members" | head -n1)
  while read -r name address; do
    [ -n "$name" ] || continue
    pairs+=("$name=$address")
    if [ -z "$first" ]; then
      first=$name
      lab_client_up db "$address"
    else
      ip -n "${LAB_PREFIX}-db" addr add "$address/24" dev eth0 2>/dev/null || true
    fi
    # Every machine resolves the member names as its DNS would (names only; an address is itself).
    [[ ${name%:*} =~ ^[0-9.]+$ ]] || for host in "${LAB_HOSTS[@]}"; do
      echo "$address ${name%:*}" >>"$(lab_root "$host")/etc/hosts"
    done
  done <<<"$(echo "$members" | tail -n +2)"
  lab_mockupdb_start "$set_name" "$first" "${pairs[@]}" || {
    # Seen twice on a machine busy with builds, each at a run's second scenario: an empty log
    # after 60 s, cause not found yet. What the process was doing is logged, then it starts anew.
    lab_log "MockupDB did not start within 60 s; starting it again. $(lab_mockupdb_state)"
    kill -KILL "$LAB_MOCKUPDB_PID" 2>/dev/null || true
    lab_mockupdb_start "$set_name" "$first" "${pairs[@]}" \
      || lab_die "MockupDB did not start within 60 s, twice: $(tail -n 5 "$LAB_STATE/mongo.log"); $(lab_mockupdb_state)"
  }
  release=$("$LAB_MONGO_PYTHON" -c 'import importlib.metadata as m; print(m.version("mockupdb"))')
  export LAB_MONGODB="MockupDB $release (PyPI mockupdb, MongoDB's wire-protocol test server) answering as replica set $set_name at ${pairs[*]}, primary $first; no MongoDB server runs in the lab"
  export STANDIN_MONGO=required
  lab_log "MongoDB: $LAB_MONGODB"
}

# Starts MockupDB (SET PRIMARY MEMBER=ADDRESS...) in the database namespace and waits up to
# 60 s for its `ready`; fails when it does not come.
lab_mockupdb_start() {
  ip netns exec "${LAB_PREFIX}-db" "$LAB_MONGO_PYTHON" -u "$LAB_DIR/lib/mockupdb_replset.py" \
    "$@" >"$LAB_STATE/mongo.log" 2>&1 &
  LAB_MOCKUPDB_PID=$!
  lab_track_pid "$LAB_MOCKUPDB_PID"
  # Python imports pymongo's bson and mockupdb first: seconds on a machine busy with builds.
  for _ in $(seq 600); do
    grep -qx ready "$LAB_STATE/mongo.log" && return 0
    kill -0 "$LAB_MOCKUPDB_PID" 2>/dev/null || break
    sleep 0.1
  done
  grep -qx ready "$LAB_STATE/mongo.log"
}

# What the MockupDB process is doing, for a report: alive or not, its state, where it waits.
lab_mockupdb_state() {
  local pid=$LAB_MOCKUPDB_PID
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "process $pid has exited; log: $(tail -c 300 "$LAB_STATE/mongo.log" | tr -d '\0')"
    return
  fi
  echo "process $pid: state $(awk '{print $3}' "/proc/$pid/stat"), waiting in $(cat "/proc/$pid/wchan"), \
threads $(awk '/^Threads:/ {print $2}' "/proc/$pid/status"), log $(stat -c %s "$LAB_STATE/mongo.log") bytes, \
kernel stack: $(tr '\n' ' ' <"/proc/$pid/stack" 2>/dev/null)"
}

lab_mongo_check() {
  lab_client client curl -sS --max-time 5 "http://$1/standin/mongo" 2>/dev/null || echo '{"state": "no answer"}'
}

lab_mongo_commands() {
  [ -f "$LAB_STATE/mongo.log" ] || { echo '{}'; return; }
  python3 -c '
import collections, json, sys
seen = collections.Counter(line.split()[1] for line in open(sys.argv[1]) if len(line.split()) == 2)
print(json.dumps(dict(sorted(seen.items()))))' "$LAB_STATE/mongo.log"
}
