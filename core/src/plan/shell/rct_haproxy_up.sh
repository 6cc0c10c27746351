# Enables a server in the file, or adds it as rctopo renders it:
# rct_haproxy_up CONFIG BACKEND SERVER ADDRESS [SOCKET]; with SOCKET, a server the running
# haproxy knows is put back at once through the runtime API.
rct_haproxy_up() {
  local re
  re=$(rct_re "$3")
  if grep -Eq "^[[:space:]]*server[[:space:]]+${re}[[:space:]]" "$1"; then
    if [ -S "${5:-}" ]; then
      echo "set server $2/$3 state ready" | socat stdio "unix-connect:$5" >/dev/null
    fi
    sed -i -E "s/^([[:space:]]*server[[:space:]]+${re}[[:space:]].*)[[:space:]]+disabled$/\1/" "$1"
  else
    local cookie=""
    if grep -Eq "^[[:space:]]*cookie[[:space:]]" "$1"; then cookie=" cookie $3"; fi
    sed -i -E "/^[[:space:]]*backend[[:space:]]+$(rct_re "$2")[[:space:]]*$/a\\    server $3 $4 check${cookie}" "$1"
  fi
}
