# The members of the balancer-manager's XML page (standard input), one per line:
# `<balancer> <member> 1` when disabled (status D, shown as `Dis`), `0` otherwise.
rct_apache_states() {
  awk '/<httpd:worker>/ {in_worker = 1}
    /<\/httpd:worker>/ {in_worker = 0}
    /<httpd:name>/ {v = $0; sub(/.*<httpd:name>/, "", v); sub(/<\/httpd:name>.*/, "", v)
      if (in_worker) member = v; else balancer = v}
    /<httpd:status>/ {print tolower(balancer), tolower(member), (/Dis/ ? 1 : 0)}'
}
