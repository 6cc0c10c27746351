# shellcheck shell=bash
# Deploying into lab hosts what an operator would: the rendered files, the plan's own scripts,
# and the Rocket.Chat stand-in as the bundle. Sourced after hosts.sh.

LAB_DIR=${LAB_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

# topology_field FILE EXPR: a value of a topology file (TOML), EXPR in Python over `t`.
topology_field() {
  python3 -c 'import sys, tomllib; t = tomllib.load(open(sys.argv[1], "rb")); print(eval(sys.argv[2]))' "$1" "$2"
}
topology_version() { topology_field "$1" 't["rocketchat"]["version"]'; }
topology_bundle() { topology_field "$1" 't["rocketchat"].get("bundle", "/opt/rocket.chat/bundle")'; }
topology_address() { topology_field "$1" "next(h['address'] for h in t['hosts'] if h['name'] == '$2')"; }
# The ports of HOST's instances, from the rendered environment files under RENDER_DIR.
rendered_ports() {
  local f
  for f in "$1/$2"/etc/rocketchat/*.env; do
    [ -e "$f" ] && basename "$f" .env
  done
}

# The Node `mongodb` driver the stand-in connects with (Rocket.Chat's; scripts/setup.sh installs it).
LAB_MONGO_DRIVER=${LAB_MONGO_DRIVER:-$LAB_DIR/../mongo-driver-oracle/node_modules}

# install_standin_dir DIR VERSION: the stand-in release VERSION in DIR (this machine's path),
# with the driver under DIR/node_modules. STANDIN_MONGO=required: it serves only once connected
# to its MONGO_URL (the lab runs MockupDB at the members); otherwise it only reports.
install_standin_dir() {
  local dest=$1 version=$2
  mkdir -p "$dest/node_modules"
  cp "$LAB_DIR/standin/main.js" "$LAB_DIR/standin/ws.js" "$dest/"
  [ -d "$LAB_MONGO_DRIVER/mongodb" ] || lab_die "no mongodb driver in $LAB_MONGO_DRIVER: run scripts/setup.sh"
  cp -a "$LAB_MONGO_DRIVER"/. "$dest/node_modules/"
  rm -rf "$dest/node_modules/@types"
  printf '{"version": "%s", "ready_delay_ms": %s, "mongo": "%s"}\n' "$version" "${STANDIN_READY_DELAY_MS:-1500}" \
    "${STANDIN_MONGO:-report}" >"$dest/release.json"
  chmod -R a+rX "$dest"
}

# install_standin HOST VERSION DIR: the stand-in release VERSION unpacked in DIR on HOST.
install_standin() {
  install_standin_dir "$(lab_root "$1")$3" "$2"
}

# publish_release HOST VERSION: the stand-in release VERSION as a release tarball on HOST, at
# /srv/lab-releases/VERSION.tar.gz (lab topologies' `release_url`), shaped like Rocket.Chat's:
# bundle/main.js and bundle/programs/server/package.json (its dependencies: none, so the plan's
# `npm install --production` needs no registry).
publish_release() {
  local host=$1 version=$2 tmp dest
  tmp=$(mktemp -d "$LAB_STATE/release.XXXXXX")
  install_standin_dir "$tmp/bundle" "$version"
  mkdir -p "$tmp/bundle/programs/server"
  printf '{"name": "rocketchat-standin-server", "version": "%s", "private": true}\n' "$version" \
    >"$tmp/bundle/programs/server/package.json"
  printf 'audit=false\nfund=false\noffline=true\n' >"$tmp/bundle/programs/server/.npmrc"
  dest=$(lab_root "$host")/srv/lab-releases
  mkdir -p "$dest"
  tar -czf "$dest/$version.tar.gz" -C "$tmp" bundle
  rm -rf "$tmp"
}

# stage_dir HOST SRC: copies a render or plan directory into HOST; prints its path there.
stage_dir() {
  local host=$1 src=$2 name
  name=/root/rctopo/$(basename "$src")
  mkdir -p "$(lab_root "$host")/root/rctopo"
  rm -rf "$(lab_root "$host")$name"
  cp -a "$src" "$(lab_root "$host")$name"
  echo "$name"
}

# run_host_scripts HOST PLAN_DIR DESIRED_DIR [CURRENT_DIR]: runs, unchanged and in order, the
# plan's scripts meant for HOST (NN-HOST.sh), as root on HOST. Stops at the first failure.
run_host_scripts() {
  local host=$1 plan=$2 desired current="" script
  desired=$(stage_dir "$host" "$3")
  [ -z "${4:-}" ] || current=$(stage_dir "$host" "$4")
  for script in "$plan"/[0-9][0-9]-"$host".sh; do
    [ -e "$script" ] || continue
    lab_log "$host: running $(basename "$script")"
    lab_in "$host" env RCTOPO_DESIRED="$desired" RCTOPO_CURRENT="$current" \
      bash "$(stage_dir "$host" "$script")" >>"$LAB_STATE/$host/plan.log" 2>&1 \
      || { tail -n 20 "$LAB_STATE/$host/plan.log" >&2; return 1; }
  done
}
