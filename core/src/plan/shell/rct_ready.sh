# Whether an instance is ready: URL answers 2xx and, when INFO_URL is given, GET INFO_URL
# (/api/info) reports VERSION or, as Rocket.Chat answers without login, its MAJOR.MINOR:
# rct_ready URL [INFO_URL VERSION MAJOR_MINOR].
rct_ready() {
  curl -fsS -o /dev/null --max-time 5 "$1" || return 1
  [ -n "${2:-}" ] || return 0
  local reported
  reported=$(curl -fsS --max-time 5 "$2" | grep -o '"version":"[^"]*"' | head -n 1 | cut -d'"' -f4) || return 1
  [ "$reported" = "$3" ] || [ "$reported" = "$4" ]
}
