# Dumps the Rocket.Chat database (MONGO_URL of ENV) into a gzip archive:
# rct_backup ENV ARCHIVE.
rct_backup() {
  local config status=0
  config=$(mktemp)
  rct_mongo_config "$1" "$config"
  mkdir -p "$(dirname "$2")"
  mongodump --config="$config" --gzip --archive="$2.partial" || status=$?
  rm -f "$config"
  if [ "$status" -ne 0 ]; then
    echo "error: mongodump failed ($status); nothing was migrated yet" >&2
    exit 1
  fi
  mv "$2.partial" "$2"
}
