# Calls the balancer-manager of the Apache site CONFIG on this machine, with CURL_ARGs:
# rct_apache_manager CONFIG [CURL_ARG...]. The site's last virtual host holds the balancers (its
# ServerName and port say where, SSLEngine whether over TLS: a certificate for the public name,
# so not verified on loopback), and the manager answers local clients only. mod_proxy_balancer
# ignores every parameter unless the Referer names the server the request is for.
rct_apache_manager() {
  local config=$1 name port scheme=http url
  shift
  name=$(sed -n -E 's/^[[:space:]]*ServerName[[:space:]]+([^[:space:]]+).*/\1/p' "$config" | tail -n 1)
  port=$(sed -n -E 's/^[[:space:]]*<VirtualHost[[:space:]][^>]*:([0-9]+)>.*/\1/p' "$config" | tail -n 1)
  if grep -Eq '^[[:space:]]*SSLEngine[[:space:]]+on' "$config"; then scheme=https; fi
  url="$scheme://$name:$port/balancer-manager"
  curl -fsS -k --max-time 5 --resolve "$name:$port:127.0.0.1" -H "Referer: $url" "$@" "$url"
}
