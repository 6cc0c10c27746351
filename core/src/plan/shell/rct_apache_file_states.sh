# The members of the Apache site CONFIG, one per line as rct_apache_states prints them:
# `<balancer> <member> 1` when the line ends in `status=+D`, `0` otherwise.
rct_apache_file_states() {
  awk '$1 ~ /^<Proxy$/ {balancer = $2; gsub(/[">]/, "", balancer)}
    $1 == "BalancerMember" {print tolower(balancer), tolower($2), (/[[:space:]]status=\+D$/ ? 1 : 0)}' "$1"
}
