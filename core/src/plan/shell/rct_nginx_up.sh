# Puts an upstream server back, or adds it as rctopo renders it:
# rct_nginx_up CONFIG UPSTREAM ADDRESS.
rct_nginx_up() {
  local re
  re=$(rct_re "$3")
  if grep -Eq "^[[:space:]]*server[[:space:]]+${re}([[:space:]]|;)" "$1"; then
    sed -i -E "s/^([[:space:]]*server[[:space:]]+${re}([[:space:]][^;]*)?)[[:space:]]+down;/\1;/" "$1"
  else
    sed -i -E "/^[[:space:]]*upstream[[:space:]]+$(rct_re "$2")[[:space:]]*\{/a\\    server $3 max_fails=3 fail_timeout=30s;" "$1"
  fi
}
