# Marks an upstream server down: rct_nginx_down CONFIG ADDRESS.
rct_nginx_down() {
  local re
  re=$(rct_re "$2")
  sed -i -E -e "s/^([[:space:]]*server[[:space:]]+${re}([[:space:]][^;]*)?)[[:space:]]+down;/\1;/" \
    -e "s/^([[:space:]]*server[[:space:]]+${re}([[:space:]][^;]*)?);/\1 down;/" "$1"
}
