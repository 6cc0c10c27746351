# Puts an instance back in both balancers, in the file and in the running Apache (through the
# balancer-manager), or adds it to balancer://BALANCER-http and balancer://BALANCER-ws as rctopo
# renders it (a new member needs the reload): rct_apache_up CONFIG BALANCER ADDRESS ROUTE.
rct_apache_up() {
  local re scheme
  re=$(rct_re "$3")
  if grep -Eq "^[[:space:]]*BalancerMember[[:space:]]+(http|ws)://${re}([[:space:]]|\$)" "$1"; then
    sed -i -E "s#^([[:space:]]*BalancerMember[[:space:]]+(http|ws)://${re}([[:space:]].*)?)[[:space:]]+status=\+D\$#\1#" "$1"
    for scheme in http ws; do
      rct_apache_member "$1" "$2-$scheme" "$scheme://$3" 0 2>/dev/null \
        || echo "apache: $scheme://$3 not enabled at runtime: the reload applies the file"
    done
  else
    for scheme in http ws; do
      sed -i -E "/^[[:space:]]*<Proxy[[:space:]]+\"?balancer:\/\/$(rct_re "$2")-${scheme}\"?>/a\\        BalancerMember ${scheme}://$3 route=$4 retry=30" "$1"
    done
  fi
}
