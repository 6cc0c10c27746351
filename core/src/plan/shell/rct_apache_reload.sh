# Reloads Apache only when it is needed: when CONFIG differs from the file the running Apache
# loaded (a copy kept in LOADED, default /run/apache2/rctopo-loaded.conf) in more than members'
# `status=+D` marks, or when the balancer-manager reports member states other than the file's
# (rct_apache_down/up set them at runtime; a graceful reload would close idle keep-alive
# connections). rct_apache_reload CONFIG [LOADED].
rct_apache_reload() {
  local loaded=${2:-/run/apache2/rctopo-loaded.conf}
  if [ -f "$loaded" ] \
    && cmp -s <(sed -E 's/[[:space:]]+status=\+D$//' "$1") <(sed -E 's/[[:space:]]+status=\+D$//' "$loaded") \
    && cmp -s <(rct_apache_file_states "$1" | sort) \
      <(rct_apache_manager "$1" -G --data xml=1 2>/dev/null | rct_apache_states | sort); then
    cp -- "$1" "$loaded"
    echo "apache: only member states changed, applied through the balancer-manager: no reload"
    return 0
  fi
  systemctl reload apache2
  if [ -d "$(dirname "$loaded")" ]; then
    cp -- "$1" "$loaded"
  fi
}
