# Enables an instance in both balancers, or adds it to balancer://BALANCER-http and
# balancer://BALANCER-ws as rctopo renders it: rct_apache_up CONFIG BALANCER ADDRESS ROUTE.
rct_apache_up() {
  local re scheme
  re=$(rct_re "$3")
  if grep -Eq "^[[:space:]]*BalancerMember[[:space:]]+(http|ws)://${re}([[:space:]]|\$)" "$1"; then
    sed -i -E "s#^([[:space:]]*BalancerMember[[:space:]]+(http|ws)://${re}([[:space:]].*)?)[[:space:]]+status=\+D\$#\1#" "$1"
  else
    for scheme in http ws; do
      sed -i -E "/^[[:space:]]*<Proxy[[:space:]]+\"?balancer:\/\/$(rct_re "$2")-${scheme}\"?>/a\\        BalancerMember ${scheme}://$3 route=$4 retry=30" "$1"
    done
  fi
}
