# Like rct_on, with the named variables of this shell exported there (through ssh's input,
# never written to a file): rct_on_env MACHINE "NAME ..." COMMAND.
rct_on_env() {
  local exports="" name
  for name in $2; do
    [ -n "${!name:-}" ] || { echo "error: set $name in the environment" >&2; return 1; }
    exports+="export $name=$(printf '%q' "${!name}")"$'\n'
  done
  { declare -f; printf 'set -euo pipefail\n%s%s\n' "$exports" "$3"; } | ssh -o BatchMode=yes -- "$1" bash -s
}
