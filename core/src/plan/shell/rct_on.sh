# Runs a command on a machine over ssh, with these helpers: rct_on MACHINE COMMAND.
rct_on() {
  { declare -f; printf 'set -euo pipefail\n%s\n' "$2"; } | ssh -o BatchMode=yes -- "$1" bash -s
}
