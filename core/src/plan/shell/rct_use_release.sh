# Makes one instance's unit run a staged release (a drop-in; reload systemd afterwards):
# rct_use_release UNIT BUNDLE_DIR NODE.
rct_use_release() {
  local dropin="${RCTOPO_SYSTEMD_DIR:-/etc/systemd/system}/$1.d"
  if [ ! -f "$2/main.js" ]; then
    echo "error: $2/main.js is missing: stage the release first" >&2
    exit 1
  fi
  mkdir -p "$dropin"
  printf '[Service]\nWorkingDirectory=%s\nExecStart=\nExecStart=%s %s/main.js\n' "$2" "$3" "$2" >"$dropin/release.conf"
}
