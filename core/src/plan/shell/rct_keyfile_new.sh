# Generates the replica set keyfile unless present (random, never printed): rct_keyfile_new PATH OWNER.
rct_keyfile_new() {
  if [ ! -s "$1" ]; then
    install -d -m 0755 "$(dirname "$1")"
    (umask 077 && head -c 756 /dev/urandom | base64 -w 0 >"$1.new") && mv "$1.new" "$1"
  fi
  chown "$2:$2" "$1" && chmod 0400 "$1"
}
