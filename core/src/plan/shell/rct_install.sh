# Installs a rendered file: rct_install MODE SOURCE DEST.
rct_install() {
  [ -f "$2" ] || { echo "error: rendered file $2 is missing (run rctopo render --target all --out DIR)" >&2; exit 1; }
  install -D -m "$1" "$2" "$3"
}
