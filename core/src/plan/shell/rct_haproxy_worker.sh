# Prints the pid of the haproxy worker that answers on the admin SOCKET, nothing when none
# answers: rct_haproxy_worker SOCKET.
rct_haproxy_worker() {
  [ -S "$1" ] || return 0
  echo "show info" | socat -t 2 stdio "unix-connect:$1" 2>/dev/null | sed -n 's/^Pid: //p' || true
}
