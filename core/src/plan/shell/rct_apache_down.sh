# Disables an instance in both balancers (http:// and ws:// members): rct_apache_down CONFIG ADDRESS.
rct_apache_down() {
  local re
  re=$(rct_re "$2")
  sed -i -E -e "s#^([[:space:]]*BalancerMember[[:space:]]+(http|ws)://${re}([[:space:]].*)?)[[:space:]]+status=\+D\$#\1#" \
    -e "s#^([[:space:]]*BalancerMember[[:space:]]+(http|ws)://${re}([[:space:]].*)?)\$#\1 status=+D#" "$1"
}
