# Takes a server out now (runtime API) and disables it in the file so restarts keep it out:
# rct_haproxy_down CONFIG BACKEND SERVER SOCKET. The runtime state is `maint`, what `disabled`
# means in the file: no new connection, cookie-persistent clients included, while open ones
# (WebSockets) stay until the instance stops.
rct_haproxy_down() {
  local re
  re=$(rct_re "$3")
  if [ -S "$4" ]; then
    echo "set server $2/$3 state maint" | socat stdio "unix-connect:$4" >/dev/null
  fi
  sed -i -E -e "s/^([[:space:]]*server[[:space:]]+${re}[[:space:]].*)[[:space:]]+disabled$/\1/" \
    -e "s/^([[:space:]]*server[[:space:]]+${re}[[:space:]].*)$/\1 disabled/" "$1"
}
