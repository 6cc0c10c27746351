# Reloads HAProxy only when CONFIG differs from the one the running process loaded in more
# than servers' `disabled` marks, which rct_haproxy_down/up already applied through the runtime
# API: a reload closes idle keep-alive connections, the runtime API closes none.
# rct_haproxy_reload CONFIG SOCKET.
#
# `systemctl reload haproxy` returns once the master is signalled, before the new worker has
# read CONFIG. A runtime API command sent in that window reaches the old worker, which is
# leaving, while the new one keeps the state CONFIG had when it read it: a server taken out
# right after a reload stayed in rotation and answered 503 once stopped. So the reload returns
# only when a new worker answers on SOCKET (the master reads CONFIG before it binds SOCKET).
rct_haproxy_reload() {
  local loaded before now waited=0
  loaded="$(dirname "$2")/rctopo-loaded.cfg"
  if [ -S "$2" ] && [ -f "$loaded" ] \
    && cmp -s <(sed -E 's/[[:space:]]+disabled$//' "$1") <(sed -E 's/[[:space:]]+disabled$//' "$loaded"); then
    cp -- "$1" "$loaded"
    echo "haproxy: only server states changed, applied through the runtime API: no reload"
    return 0
  fi
  before=$(rct_haproxy_worker "$2")
  systemctl reload haproxy
  if [ -d "$(dirname "$2")" ]; then
    while now=$(rct_haproxy_worker "$2"); [ -z "$now" ] || [ "$now" = "$before" ]; do
      if [ "$waited" -ge 300 ]; then
        rct_fail "haproxy: no new worker answers on $2 30 s after the reload (journalctl -u haproxy says why); the rollout stops before the runtime API reaches the old one"
        return 1
      fi
      sleep 0.1
      waited=$((waited + 1))
    done
    cp -- "$1" "$loaded"
  fi
}
