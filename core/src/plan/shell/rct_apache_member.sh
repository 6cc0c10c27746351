# Sets the disabled flag (D) of one member of the running Apache through the balancer-manager
# and checks that the manager reports it: rct_apache_member CONFIG BALANCER MEMBER 1|0, e.g.
# rct_apache_member CONFIG rocketchat-ws ws://10.0.0.1:3000 1. A disabled member takes no new
# request, sticky ones included; open connections (WebSockets) stay until the instance stops. The
# manager applies a change only with the balancer's nonce, read from its page.
rct_apache_member() {
  local nonce
  nonce=$(rct_apache_manager "$1" | sed -n -E "s/.*[?]b=$(rct_re "$2")&amp;nonce=([^\"&]+)\".*/\1/p")
  nonce=${nonce%%$'\n'*}
  [ -n "$nonce" ] || return 1
  rct_apache_manager "$1" --data-urlencode "b=$2" --data-urlencode "w=$3" --data-urlencode "nonce=$nonce" \
    --data "w_status_D=$4" --data xml=1 | rct_apache_states \
    | grep -Fx >/dev/null "$(printf 'balancer://%s %s %s' "$2" "$3" "$4" | tr '[:upper:]' '[:lower:]')"
}
