# Stages a Rocket.Chat release once: rct_stage_release VERSION URL CHECKSUM DIR NODE OWNER.
# Fetches URL (https://, http://, file:// or a path), checks its SHA-256 when CHECKSUM is not
# empty, unpacks it, runs `npm install --production` in bundle/programs/server with the npm
# beside NODE, and moves it into DIR. A DIR already staged is left alone.
rct_stage_release() {
  if [ -f "$4/.rctopo-staged" ]; then
    echo "Rocket.Chat $1 is already staged in $4"
    return 0
  fi
  mkdir -p "$(dirname "$4")"
  local work
  work=$(mktemp -d "$(dirname "$4")/.staging.XXXXXX")
  case "$2" in
    http://* | https://*) curl -fsSL --retry 3 -o "$work/release.tgz" "$2" ;;
    file://*) cp -- "${2#file://}" "$work/release.tgz" ;;
    *) cp -- "$2" "$work/release.tgz" ;;
  esac
  if [ -n "$3" ] && ! printf '%s  %s\n' "$3" "$work/release.tgz" | sha256sum -c --status -; then
    rm -rf "$work"
    echo "error: $2 does not match its checksum $3" >&2
    exit 1
  fi
  mkdir "$work/release"
  tar -xzf "$work/release.tgz" -C "$work/release"
  if [ ! -f "$work/release/bundle/main.js" ]; then
    rm -rf "$work"
    echo "error: $2 holds no bundle/main.js" >&2
    exit 1
  fi
  (cd "$work/release/bundle/programs/server" && PATH="$(dirname "$5"):$PATH" npm install --production)
  touch "$work/release/.rctopo-staged"
  chown -R "$6" "$work/release"
  rm -rf "$4"
  mv "$work/release" "$4"
  rm -rf "$work"
}
