# Waits for the operator (or RCTOPO_CONFIRM=yes): rct_gate REASON.
rct_gate() {
  echo "gate: $1" >&2
  if [ "${RCTOPO_CONFIRM:-}" = yes ]; then return 0; fi
  local answer=""
  read -r -p "type yes to continue: " answer </dev/tty || true
  [ "$answer" = yes ] || { echo "error: stopped at the gate" >&2; exit 1; }
}
