# Reloads HAProxy only when CONFIG differs from the one the running process loaded in more
# than servers' `disabled` marks, which rct_haproxy_down/up already applied through the runtime
# API: a reload closes idle keep-alive connections, the runtime API closes none.
# rct_haproxy_reload CONFIG SOCKET.
rct_haproxy_reload() {
  local loaded
  loaded="$(dirname "$2")/rctopo-loaded.cfg"
  if [ -S "$2" ] && [ -f "$loaded" ] \
    && cmp -s <(sed -E 's/[[:space:]]+disabled$//' "$1") <(sed -E 's/[[:space:]]+disabled$//' "$loaded"); then
    cp -- "$1" "$loaded"
    echo "haproxy: only server states changed, applied through the runtime API: no reload"
    return 0
  fi
  systemctl reload haproxy
  if [ -d "$(dirname "$2")" ]; then
    cp -- "$1" "$loaded"
  fi
}
