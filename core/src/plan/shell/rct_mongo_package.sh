# Installs the MongoDB server packages of a release series from MongoDB's Debian/Ubuntu
# repository (running mongod processes keep their binary until restarted):
# rct_mongo_package SERIES.
rct_mongo_package() {
  local id codename component version p
  local -a packages=()
  # shellcheck source=/dev/null
  id=$(. /etc/os-release && echo "$ID")
  # shellcheck source=/dev/null
  codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
  case "$id" in
    ubuntu) component=multiverse ;;
    debian) component=main ;;
    *)
      echo "error: no MongoDB package rule for $id: set mongo_install in the command set" >&2
      exit 1
      ;;
  esac
  curl -fsSL "https://www.mongodb.org/static/pgp/server-$1.asc" | gpg --dearmor --yes -o "/usr/share/keyrings/mongodb-server-$1.gpg"
  echo "deb [ signed-by=/usr/share/keyrings/mongodb-server-$1.gpg ] https://repo.mongodb.org/apt/$id $codename/mongodb-org/$1 $component" >/etc/apt/sources.list.d/mongodb-org.list
  apt-get update -q
  version=$(apt-cache madison mongodb-org-server | awk -v s="$1." 'index($3, s) == 1 { print $3; exit }')
  if [ -z "$version" ]; then
    echo "error: the repository has no mongodb-org-server $1.x" >&2
    exit 1
  fi
  for p in mongodb-org mongodb-org-database mongodb-org-server mongodb-org-mongos mongodb-org-tools; do
    if [ "$p" = mongodb-org-server ] || dpkg -s "$p" >/dev/null 2>&1; then packages+=("$p=$version"); fi
  done
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --allow-downgrades "${packages[@]}"
}
