# Installs the keyfile of machine FROM here: from $RCTOPO_MONGO_KEYFILE when set, else
# read over ssh: rct_keyfile_pull FROM PATH OWNER.
rct_keyfile_pull() {
  if [ -n "${RCTOPO_MONGO_KEYFILE:-}" ]; then
    install -D -m 0400 -o "$3" -g "$3" "$RCTOPO_MONGO_KEYFILE" "$2"
  else
    ssh -o BatchMode=yes -- "$1" cat "$(printf '%q' "$2")" | install -D -m 0400 -o "$3" -g "$3" /dev/stdin "$2"
  fi
}
