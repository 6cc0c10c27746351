# Writes a mongodump/mongorestore --config file (mode 0600) holding the MONGO_URL of an
# environment file, so the password never shows in the process list: rct_mongo_config ENV OUT.
rct_mongo_config() {
  local uri
  uri=$(sed -n -E 's/^MONGO_URL="?([^"]*)"?$/\1/p' "$1" | head -n 1)
  if [ -z "$uri" ]; then
    echo "error: no MONGO_URL in $1" >&2
    exit 1
  fi
  (umask 077 && printf 'uri: "%s"\n' "$uri" >"$2")
}
