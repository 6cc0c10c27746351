# shellcheck shell=bash
# Lab machines: real Debian hosts with their own systemd, made with systemd-nspawn, on a switch
# of their own. Sourced by the lab's scripts (bash, as root).
#
# A host's root is an overlay of this machine's / with a tmpfs upper layer: it sees every
# installed package (node, nginx, haproxy, apache2, sshd) while its /etc, /opt and /var are its
# own, and nothing it writes reaches the real filesystem. Its network namespace holds one veth
# whose peer sits on a bridge in the lab's switch namespace, so lab addresses never appear in
# this machine's own network namespace. Every process the lab starts is remembered by PID and
# ended by that PID only.
#
#   lab_init                      state directory and switch (call once; sets an EXIT trap)
#   lab_host_up NAME ADDR [SVC..] boot a host at ADDR (10.x.y.z, /24), SVC = services to keep
#   lab_client_up NAME ADDR       a bare namespace on the switch (for load generators)
#   lab_track_pid PID             a process started in a client, ended by lab_hosts_down
#   lab_in NAME CMD...            run CMD inside a booted host (all its namespaces)
#   lab_root NAME                 the host's root directory as seen from outside
#   lab_reboot NAME               reboot a host and wait until it runs again
#   lab_hosts_down                power every host off, remove the clients (the switch stays)
#   lab_down                      power every host off and remove every trace (the EXIT trap)
#   LAB_KEEP_LOGS=1               keep $LAB_STATE, with each host's journal and proxy logs in
#                                 logs/NAME (logs/SCENARIO-PROXY/NAME for the lab's scenarios)

LAB_PREFIX=${LAB_PREFIX:-rclab$$}
LAB_STATE=${LAB_STATE:-/run/rclab/$LAB_PREFIX}
# Servers of the machine that every host would otherwise start at boot.
LAB_OPTIONAL_SERVICES=(nginx apache2 haproxy ssh)
LAB_HOSTS=()
LAB_CLIENTS=()
# The switch-side end (v<n>) of each namespace's wire, by namespace.
declare -A LAB_WIRE_OF=()

lab_log() { printf 'lab: %s\n' "$*" >&2; }
lab_die() {
  lab_log "error: $*"
  exit 1
}

lab_require() {
  [ "$(id -u)" -eq 0 ] || lab_die "the lab needs root (namespaces, mounts, systemd-nspawn)"
  local bin
  for bin in systemd-nspawn nsenter ip mount; do
    command -v "$bin" >/dev/null || lab_die "$bin is missing: run scripts/setup.sh (it installs what the lab needs)"
  done
}

lab_switch() { echo "${LAB_PREFIX}-sw"; }

lab_init() {
  lab_require
  mkdir -p "$LAB_STATE"
  trap lab_down EXIT
  trap 'exit 130' INT TERM
  ip netns add "$(lab_switch)"
  ip -n "$(lab_switch)" link add br0 type bridge
  ip -n "$(lab_switch)" link set br0 up
  ip -n "$(lab_switch)" link set lo up
}

# Joins namespace $1 to the switch as $2/24 on interface eth0 (peer v<n> on the bridge).
lab_wire() {
  local ns=$1 addr=$2 n stale
  # Hosts of an earlier scenario take the same addresses: none of them may still be wired.
  stale=$(lab_switch_ports | grep -vxF -f <(printf '%s\n' "${LAB_WIRE_OF[@]}") || true)
  [ -z "$stale" ] || lab_die "the lab's switch still has ports of machines taken down: $(echo "$stale" | paste -sd' ')"
  LAB_WIRES=$((${LAB_WIRES:-0} + 1))
  n=$LAB_WIRES
  ip -n "$(lab_switch)" link add "v$n" type veth peer name eth0 netns "$ns"
  ip -n "$(lab_switch)" link set "v$n" master br0 up
  LAB_WIRE_OF[$ns]=v$n
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
}

# Takes namespace $1 off the switch. Deleting the namespace is not enough: it lives on while
# anything still refers to it, and a powered-off proxy's orphaned TCP sockets do (FINs to app
# hosts already gone, retransmitted for a minute or more). Its eth0 would keep answering ARP for
# the address the next scenario gives its new host, and a machine whose ARP reply lost the race
# sends its packets there (the old namespace answers with resets). Deleting the switch's end
# deletes the pair at once, whatever holds the namespace.
lab_unwire() {
  local ns=$1
  [ -n "${LAB_WIRE_OF[$ns]:-}" ] || return 0
  ip -n "$(lab_switch)" link del "${LAB_WIRE_OF[$ns]}" 2>/dev/null || true
  unset "LAB_WIRE_OF[$ns]"
}

# The switch's ports, one name per line: one per host and client that is up.
lab_switch_ports() { ip -n "$(lab_switch)" -o link show master br0 | awk -F': ' '{print $2}' | cut -d@ -f1; }

lab_root() { echo "$LAB_STATE/$1/root"; }

# Mounts the overlay root of host $1: this machine's / below, a tmpfs of its own above.
lab_mount_root() {
  local dir=$LAB_STATE/$1
  mkdir -p "$dir/layer" "$dir/root"
  mount -t tmpfs -o size=1g,mode=0755 "${LAB_PREFIX}-$1" "$dir/layer"
  mkdir -p "$dir/layer/upper" "$dir/layer/work"
  mount -t overlay overlay -o "lowerdir=/,upperdir=$dir/layer/upper,workdir=$dir/layer/work" "$dir/root"
}

# Writes what makes the overlay a host of its own: its name, and which servers it starts.
lab_prepare_root() {
  local name=$1 root keep svc
  shift
  root=$(lab_root "$name")
  echo "$name" >"$root/etc/hostname"
  mkdir -p "$root/etc/systemd/system"
  for svc in "${LAB_OPTIONAL_SERVICES[@]}"; do
    keep=""
    for k in "$@"; do [ "$k" = "$svc" ] && keep=yes; done
    [ -n "$keep" ] || ln -sf /dev/null "$root/etc/systemd/system/$svc.service"
  done
}

lab_host_pid() { cat "$LAB_STATE/$1/init.pid"; }

lab_in() {
  local name=$1
  shift
  nsenter -t "$(lab_host_pid "$name")" -a "$@"
}

# Starts systemd-nspawn for host $1 and waits until its systemd has finished booting.
lab_boot() {
  local name=$1 dir=$LAB_STATE/$1 pid init=""
  systemd-nspawn -q -D "$dir/root" --register=no --keep-unit -M "$name" \
    --network-namespace-path="/run/netns/${LAB_PREFIX}-$name" --boot \
    </dev/null >>"$dir/console.log" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/nspawn.pid"
  for _ in $(seq 100); do
    # nspawn's first child is short-lived: the host's init is the child that runs systemd.
    init=$( (ps -o pid=,comm= --ppid "$pid" || true) | awk '$2 == "systemd" {print $1}' | head -n1)
    [ -n "$init" ] && break
    kill -0 "$pid" 2>/dev/null || lab_die "host $name did not boot: $(tail -n 5 "$dir/console.log")"
    sleep 0.1
  done
  [ -n "$init" ] || lab_die "host $name: no init process"
  echo "$init" >"$dir/init.pid"
  local state=""
  # `offline` until systemd opens its socket; then --wait blocks until boot is over.
  for _ in $(seq 120); do
    state=$(timeout 120 nsenter -t "$init" -a systemctl is-system-running --wait 2>/dev/null || true)
    [ "$state" = offline ] || [ -z "$state" ] || break
    sleep 0.5
  done
  case $state in
    running | degraded) ;;
    *) lab_die "host $name did not finish booting (state: ${state:-none})" ;;
  esac
}

lab_host_up() {
  local name=$1 addr=$2
  shift 2
  ip netns add "${LAB_PREFIX}-$name"
  LAB_HOSTS+=("$name")
  lab_wire "${LAB_PREFIX}-$name" "$addr"
  lab_mount_root "$name"
  lab_prepare_root "$name" "$@"
  lab_boot "$name"
  lab_log "host $name up at $addr (systemd pid $(lab_host_pid "$name"))"
}

lab_client_up() {
  local name=$1 addr=$2
  ip netns add "${LAB_PREFIX}-$name"
  LAB_CLIENTS+=("$name")
  lab_wire "${LAB_PREFIX}-$name" "$addr"
}

# Runs CMD in the network namespace of client $1 (this machine's filesystem, lab addresses).
lab_client() {
  local name=$1
  shift
  ip netns exec "${LAB_PREFIX}-$name" "$@"
}

# Waits for the nspawn process of host $1 to end, up to $2 seconds.
lab_wait_exit() {
  local pid
  pid=$(cat "$LAB_STATE/$1/nspawn.pid")
  for _ in $(seq $(($2 * 10))); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

lab_reboot() {
  local name=$1
  # systemd-nspawn --boot ends when its container reboots (there is no --restart here):
  # boot the same root again, as the machine would.
  lab_in "$name" systemctl reboot || true
  lab_wait_exit "$name" 60 || lab_die "host $name did not shut down for the reboot"
  lab_boot "$name"
  lab_log "host $name rebooted (systemd pid $(lab_host_pid "$name"))"
}

# With LAB_KEEP_LOGS set, a host's journal and its proxies' logs are copied out of its tmpfs
# layer into $LAB_STATE/logs/[LAB_LOG_GROUP/]NAME before it powers off (the layer goes with it).
lab_keep_host_logs() {
  local name=$1 out=$LAB_STATE/logs/${LAB_LOG_GROUP:+$LAB_LOG_GROUP/}$1 log
  mkdir -p "$out"
  lab_in "$name" journalctl --no-pager -o short-precise >"$out/journal.txt" 2>&1 || true
  for log in nginx apache2 haproxy.log; do
    [ ! -e "$(lab_root "$name")/var/log/$log" ] || cp -r "$(lab_root "$name")/var/log/$log" "$out/"
  done
}

lab_host_down() {
  local name=$1 dir=$LAB_STATE/$1 pid
  if [ -f "$dir/nspawn.pid" ]; then
    pid=$(cat "$dir/nspawn.pid")
    if kill -0 "$pid" 2>/dev/null; then
      [ -z "${LAB_KEEP_LOGS:-}" ] || lab_keep_host_logs "$name"
      lab_in "$name" systemctl poweroff >/dev/null 2>&1 || true
      if ! lab_wait_exit "$name" 60; then
        kill -TERM "$pid" 2>/dev/null || true
        lab_wait_exit "$name" 20 || kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
  fi
  lab_unwire "${LAB_PREFIX}-$name"
  mountpoint -q "$dir/root" && umount "$dir/root"
  mountpoint -q "$dir/layer" && umount "$dir/layer"
  ip netns del "${LAB_PREFIX}-$name" 2>/dev/null || true
}

# lab_track_pid PID: a process the lab started in a client namespace, ended with the hosts.
lab_track_pid() { echo "$1" >>"$LAB_STATE/client.pids"; }

# Powers every host off and removes the clients; the switch and the state directory stay.
lab_hosts_down() {
  local name pid
  if [ -f "$LAB_STATE/client.pids" ]; then
    while read -r pid; do kill -TERM "$pid" 2>/dev/null || true; done <"$LAB_STATE/client.pids"
    rm -f "$LAB_STATE/client.pids"
  fi
  for name in "${LAB_HOSTS[@]}"; do lab_host_down "$name"; done
  for name in "${LAB_CLIENTS[@]}"; do
    lab_unwire "${LAB_PREFIX}-$name"
    ip netns del "${LAB_PREFIX}-$name" 2>/dev/null || true
  done
  LAB_HOSTS=()
  LAB_CLIENTS=()
}

# Whether NAME is a booted lab host.
lab_is_host() {
  local name
  for name in "${LAB_HOSTS[@]}"; do [ "$name" = "$1" ] && return 0; done
  return 1
}

lab_down() {
  [ ! -f "$LAB_STATE/loadgen.pid" ] || kill -TERM "$(cat "$LAB_STATE/loadgen.pid")" 2>/dev/null || true
  lab_hosts_down
  ip netns del "$(lab_switch)" 2>/dev/null || true
  if [ -n "${LAB_KEEP_LOGS:-}" ]; then
    lab_log "logs kept in $LAB_STATE"
  else
    # --one-file-system: never through a mount that failed to come off.
    rm -rf --one-file-system "$LAB_STATE"
  fi
}
