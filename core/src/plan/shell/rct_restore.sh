# Restores a gzip archive into the Rocket.Chat database (MONGO_URL of ENV), dropping what
# the newer release wrote: rct_restore ENV ARCHIVE.
rct_restore() {
  local config status=0
  if [ ! -f "$2" ]; then
    echo "error: backup $2 is missing" >&2
    exit 1
  fi
  config=$(mktemp)
  rct_mongo_config "$1" "$config"
  mongorestore --config="$config" --drop --gzip --archive="$2" || status=$?
  rm -f "$config"
  if [ "$status" -ne 0 ]; then
    echo "error: mongorestore failed ($status)" >&2
    exit 1
  fi
}
