# Runs a command until it succeeds; fails the script after DEADLINE seconds:
# rct_retry DEADLINE INTERVAL COMMAND...
rct_retry() {
  local deadline=$1 interval=$2 end=$((SECONDS + $1))
  shift 2
  until "$@"; do
    if [ "$SECONDS" -ge "$end" ]; then
      echo "error: still failing after $deadline s: $*" >&2
      exit 1
    fi
    sleep "$interval"
  done
}
