# Polls until the instance is ready (rct_ready), then checks it again after MIN seconds;
# fails the script after DEADLINE seconds:
# rct_wait_healthy URL DEADLINE INTERVAL MIN [INFO_URL VERSION MAJOR_MINOR].
rct_wait_healthy() {
  local end=$((SECONDS + $2)) what="$1"
  if [ -n "${5:-}" ]; then what="$1 with Rocket.Chat $6 on $5"; fi
  until rct_ready "$1" "${5:-}" "${6:-}" "${7:-}"; do
    if [ "$SECONDS" -ge "$end" ]; then
      echo "error: $what not healthy after $2 s; stopping the rollout (see the wave's rollback script)" >&2
      exit 1
    fi
    sleep "$3"
  done
  sleep "$4"
  rct_ready "$1" "${5:-}" "${6:-}" "${7:-}" || { echo "error: $what failed again within $4 s of its first good answer" >&2; exit 1; }
}
