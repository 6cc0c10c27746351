# Takes an instance out of both balancers (http:// and ws:// members) of the running Apache
# through the balancer-manager, and marks it `status=+D` in the file so a reload or restart
# keeps it out: rct_apache_down CONFIG BALANCER ADDRESS (BALANCER is the stem: rocketchat).
rct_apache_down() {
  local re scheme
  re=$(rct_re "$3")
  sed -i -E -e "s#^([[:space:]]*BalancerMember[[:space:]]+(http|ws)://${re}([[:space:]].*)?)[[:space:]]+status=\+D\$#\1#" \
    -e "s#^([[:space:]]*BalancerMember[[:space:]]+(http|ws)://${re}([[:space:]].*)?)\$#\1 status=+D#" "$1"
  for scheme in http ws; do
    rct_apache_member "$1" "$2-$scheme" "$scheme://$3" 1 2>/dev/null \
      || echo "apache: $scheme://$3 not disabled at runtime: the reload applies the file"
  done
}
