# Copies a rendered file to a machine: rct_put MACHINE MODE SOURCE DEST.
rct_put() {
  [ -f "$3" ] || { echo "error: rendered file $3 is missing (run rctopo render --target all --out DIR)" >&2; exit 1; }
  ssh -o BatchMode=yes -- "$1" "install -D -m $2 /dev/stdin $(printf '%q' "$4")" <"$3"
}
