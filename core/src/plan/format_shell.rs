//! The plan as bash: `set -euo pipefail`, one command per step from a [`CommandSet`], proxy
//! validation before every reload, and a health poll with a deadline that stops the script.
//!
//! Files are never embedded (env files hold secrets): a `write_file` installs
//! `$RCTOPO_DESIRED/<machine>/<path>` (or `$RCTOPO_CURRENT/...` in rollbacks), the directories
//! written by `rctopo render --target all --out DIR`.
//!
//! Two layouts: with `ssh`, one `plan.sh` runs every step from a control machine over ssh;
//! without, the steps are cut into scripts that each run on one machine (`01-app1.sh`,
//! `02-proxy.sh`, ... in order; a single `<machine>.sh` when every step runs on one machine).
//! Each wave's rollback comes as scripts of its own (`rollback-wave-<n>...`).

use super::action::{Action, EnvOverride, Side, Step};
use super::commands::{fill, shell_quote, CommandSet};
use super::summary::{RollbackKind, WaveSummary};
use super::Plan;
use crate::layout::Layout;
use crate::model::ProxyKind;
use crate::paths;
use std::fmt::Write;

/// How to write the scripts.
#[derive(Debug, Clone, Default)]
pub struct ShellOptions {
    /// One script that reaches every machine over ssh.
    pub ssh: bool,
    pub commands: CommandSet,
}

/// One script: its file name and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellScript {
    pub name: String,
    /// The machine it runs on; `None` for an ssh script run from a control machine.
    pub host: Option<String>,
    /// Whether it undoes a wave.
    pub rollback: bool,
    pub text: String,
}

/// Helper functions the commands may call; each is emitted only when used.
const HELPERS: &[(&str, &str)] = &[
    (
        "rct_re",
        r#"# Escapes text for a sed regular expression.
rct_re() { printf '%s' "$1" | sed -e 's/[][\.*^$/]/\\&/g'; }"#,
    ),
    (
        "rct_install",
        r#"# Installs a rendered file: rct_install MODE SOURCE DEST.
rct_install() {
  [ -f "$2" ] || { echo "error: rendered file $2 is missing (run rctopo render --target all --out DIR)" >&2; exit 1; }
  install -D -m "$1" "$2" "$3"
}"#,
    ),
    (
        "rct_fail",
        r#"# Fails with a message (set -e stops the script there): rct_fail MESSAGE.
rct_fail() { echo "error: $1" >&2; return 1; }"#,
    ),
    (
        "rct_set_env",
        r#"# Sets NAME="VALUE" in an environment file, as the renderer writes it: rct_set_env FILE NAME
# VALUE. Only port numbers are set this way (PORT, TCP_PORT), so no value needs sed escaping.
rct_set_env() {
  case "$3" in
    '' | *[!0-9]*) echo "error: $2 override '$3' is not a port number" >&2; exit 1 ;;
  esac
  sed -i -E "s/^$2=.*/$2=\"$3\"/" "$1"
}"#,
    ),
    (
        "rct_ready",
        r#"# Whether an instance is ready: URL answers 2xx and, when INFO_URL is given, GET INFO_URL
# (/api/info) reports VERSION or, as Rocket.Chat answers without login, its MAJOR.MINOR:
# rct_ready URL [INFO_URL VERSION MAJOR_MINOR].
rct_ready() {
  curl -fsS -o /dev/null --max-time 5 "$1" || return 1
  [ -n "${2:-}" ] || return 0
  local reported
  reported=$(curl -fsS --max-time 5 "$2" | grep -o '"version":"[^"]*"' | head -n 1 | cut -d'"' -f4) || return 1
  [ "$reported" = "$3" ] || [ "$reported" = "$4" ]
}"#,
    ),
    (
        "rct_wait_healthy",
        r#"# Polls until the instance is ready (rct_ready), then checks it again after MIN seconds;
# fails the script after DEADLINE seconds:
# rct_wait_healthy URL DEADLINE INTERVAL MIN [INFO_URL VERSION MAJOR_MINOR].
rct_wait_healthy() {
  local end=$((SECONDS + $2)) what="$1"
  if [ -n "${5:-}" ]; then what="$1 with Rocket.Chat $6 on $5"; fi
  until rct_ready "$1" "${5:-}" "${6:-}" "${7:-}"; do
    if [ "$SECONDS" -ge "$end" ]; then
      echo "error: $what not healthy after $2 s; stopping the rollout (see the wave's rollback script)" >&2
      exit 1
    fi
    sleep "$3"
  done
  sleep "$4"
  rct_ready "$1" "${5:-}" "${6:-}" "${7:-}" || { echo "error: $what failed again within $4 s of its first good answer" >&2; exit 1; }
}"#,
    ),
    (
        "rct_retry",
        r#"# Runs a command until it succeeds; fails the script after DEADLINE seconds:
# rct_retry DEADLINE INTERVAL COMMAND...
rct_retry() {
  local deadline=$1 interval=$2 end=$((SECONDS + $1))
  shift 2
  until "$@"; do
    if [ "$SECONDS" -ge "$end" ]; then
      echo "error: still failing after $deadline s: $*" >&2
      exit 1
    fi
    sleep "$interval"
  done
}"#,
    ),
    (
        "rct_stage_release",
        r#"# Stages a Rocket.Chat release once: rct_stage_release VERSION URL CHECKSUM DIR NODE OWNER.
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
}"#,
    ),
    (
        "rct_use_release",
        r#"# Makes one instance's unit run a staged release (a drop-in; reload systemd afterwards):
# rct_use_release UNIT BUNDLE_DIR NODE.
rct_use_release() {
  local dropin="${RCTOPO_SYSTEMD_DIR:-/etc/systemd/system}/$1.d"
  if [ ! -f "$2/main.js" ]; then
    echo "error: $2/main.js is missing: stage the release first" >&2
    exit 1
  fi
  mkdir -p "$dropin"
  printf '[Service]\nWorkingDirectory=%s\nExecStart=\nExecStart=%s %s/main.js\n' "$2" "$3" "$2" >"$dropin/release.conf"
}"#,
    ),
    (
        "rct_prune_releases",
        r#"# Keeps the KEEP most recently staged releases in DIR and every one named in PROTECT
# (space-separated): rct_prune_releases DIR KEEP PROTECT.
rct_prune_releases() {
  local n=0 release
  while IFS= read -r release; do
    n=$((n + 1))
    case " $3 " in *" $(basename "$release") "*) continue ;; esac
    if [ "$n" -gt "$2" ]; then rm -rf -- "$release"; fi
  done < <(find "$1" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%T@ %p\n' | sort -rn | cut -d' ' -f2-)
}"#,
    ),
    (
        "rct_mongo_config",
        r#"# Writes a mongodump/mongorestore --config file (mode 0600) holding the MONGO_URL of an
# environment file, so the password never shows in the process list: rct_mongo_config ENV OUT.
rct_mongo_config() {
  local uri
  uri=$(sed -n -E 's/^MONGO_URL="?([^"]*)"?$/\1/p' "$1" | head -n 1)
  if [ -z "$uri" ]; then
    echo "error: no MONGO_URL in $1" >&2
    exit 1
  fi
  (umask 077 && printf 'uri: "%s"\n' "$uri" >"$2")
}"#,
    ),
    (
        "rct_backup",
        r#"# Dumps the Rocket.Chat database (MONGO_URL of ENV) into a gzip archive:
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
}"#,
    ),
    (
        "rct_restore",
        r#"# Restores a gzip archive into the Rocket.Chat database (MONGO_URL of ENV), dropping what
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
}"#,
    ),
    (
        "rct_mongo_package",
        r#"# Installs the MongoDB server packages of a release series from MongoDB's Debian/Ubuntu
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
}"#,
    ),
    (
        "rct_gate",
        r#"# Waits for the operator (or RCTOPO_CONFIRM=yes): rct_gate REASON.
rct_gate() {
  echo "gate: $1" >&2
  if [ "${RCTOPO_CONFIRM:-}" = yes ]; then return 0; fi
  local answer=""
  read -r -p "type yes to continue: " answer </dev/tty || true
  [ "$answer" = yes ] || { echo "error: stopped at the gate" >&2; exit 1; }
}"#,
    ),
    (
        "rct_nginx_down",
        r#"# Marks an upstream server down: rct_nginx_down CONFIG ADDRESS.
rct_nginx_down() {
  local re
  re=$(rct_re "$2")
  sed -i -E -e "s/^([[:space:]]*server[[:space:]]+${re}([[:space:]][^;]*)?)[[:space:]]+down;/\1;/" \
    -e "s/^([[:space:]]*server[[:space:]]+${re}([[:space:]][^;]*)?);/\1 down;/" "$1"
}"#,
    ),
    (
        "rct_nginx_up",
        r#"# Puts an upstream server back, or adds it as rctopo renders it:
# rct_nginx_up CONFIG UPSTREAM ADDRESS.
rct_nginx_up() {
  local re
  re=$(rct_re "$3")
  if grep -Eq "^[[:space:]]*server[[:space:]]+${re}([[:space:]]|;)" "$1"; then
    sed -i -E "s/^([[:space:]]*server[[:space:]]+${re}([[:space:]][^;]*)?)[[:space:]]+down;/\1;/" "$1"
  else
    sed -i -E "/^[[:space:]]*upstream[[:space:]]+$(rct_re "$2")[[:space:]]*\{/a\\    server $3 max_fails=3 fail_timeout=30s;" "$1"
  fi
}"#,
    ),
    (
        "rct_apache_down",
        r#"# Disables an instance in both balancers (http:// and ws:// members): rct_apache_down CONFIG ADDRESS.
rct_apache_down() {
  local re
  re=$(rct_re "$2")
  sed -i -E -e "s#^([[:space:]]*BalancerMember[[:space:]]+(http|ws)://${re}([[:space:]].*)?)[[:space:]]+status=\+D\$#\1#" \
    -e "s#^([[:space:]]*BalancerMember[[:space:]]+(http|ws)://${re}([[:space:]].*)?)\$#\1 status=+D#" "$1"
}"#,
    ),
    (
        "rct_apache_up",
        r#"# Enables an instance in both balancers, or adds it to balancer://BALANCER-http and
# balancer://BALANCER-ws as rctopo renders it: rct_apache_up CONFIG BALANCER ADDRESS ROUTE.
rct_apache_up() {
  local re scheme
  re=$(rct_re "$3")
  if grep -Eq "^[[:space:]]*BalancerMember[[:space:]]+(http|ws)://${re}([[:space:]]|\$)" "$1"; then
    sed -i -E "s#^([[:space:]]*BalancerMember[[:space:]]+(http|ws)://${re}([[:space:]].*)?)[[:space:]]+status=\+D\$#\1#" "$1"
  else
    for scheme in http ws; do
      sed -i -E "/^[[:space:]]*<Proxy[[:space:]]+\"?balancer:\/\/$(rct_re "$2")-${scheme}\"?>/a\\        BalancerMember ${scheme}://$3 route=$4 retry=30" "$1"
    done
  fi
}"#,
    ),
    (
        "rct_haproxy_down",
        r#"# Takes a server out now (runtime API) and disables it in the file so restarts keep it out:
# rct_haproxy_down CONFIG BACKEND SERVER SOCKET. The runtime state is `maint`, what `disabled`
# means in the file: no new connection, cookie-persistent clients included, while open ones
# (WebSockets) stay until the instance stops.
rct_haproxy_down() {
  local re
  re=$(rct_re "$3")
  if [ -S "$4" ]; then
    echo "set server $2/$3 state maint" | socat stdio "unix-connect:$4" >/dev/null
  fi
  sed -i -E -e "s/^([[:space:]]*server[[:space:]]+${re}[[:space:]].*)[[:space:]]+disabled$/\1/" \
    -e "s/^([[:space:]]*server[[:space:]]+${re}[[:space:]].*)$/\1 disabled/" "$1"
}"#,
    ),
    (
        "rct_haproxy_up",
        r#"# Enables a server in the file, or adds it as rctopo renders it:
# rct_haproxy_up CONFIG BACKEND SERVER ADDRESS [SOCKET]; with SOCKET, a server the running
# haproxy knows is put back at once through the runtime API.
rct_haproxy_up() {
  local re
  re=$(rct_re "$3")
  if grep -Eq "^[[:space:]]*server[[:space:]]+${re}[[:space:]]" "$1"; then
    if [ -S "${5:-}" ]; then
      echo "set server $2/$3 state ready" | socat stdio "unix-connect:$5" >/dev/null
    fi
    sed -i -E "s/^([[:space:]]*server[[:space:]]+${re}[[:space:]].*)[[:space:]]+disabled$/\1/" "$1"
  else
    local cookie=""
    if grep -Eq "^[[:space:]]*cookie[[:space:]]" "$1"; then cookie=" cookie $3"; fi
    sed -i -E "/^[[:space:]]*backend[[:space:]]+$(rct_re "$2")[[:space:]]*$/a\\    server $3 $4 check${cookie}" "$1"
  fi
}"#,
    ),
    (
        "rct_haproxy_reload",
        r#"# Reloads HAProxy only when CONFIG differs from the one the running process loaded in more
# than servers' `disabled` marks, which rct_haproxy_down/up already applied through the runtime
# API: a reload closes idle keep-alive connections, the runtime API closes none.
# rct_haproxy_reload CONFIG SOCKET.
rct_haproxy_reload() {
  local loaded
  loaded="$(dirname "$2")/rctopo-loaded.cfg"
  if [ -S "$2" ] && [ -f "$loaded" ] \
    && cmp -s <(sed -E 's/[[:space:]]+disabled$//' "$1") <(sed -E 's/[[:space:]]+disabled$//' "$loaded"); then
    cp -- "$1" "$loaded"
    echo "haproxy: only server states changed, applied through the runtime API: no reload"
    return 0
  fi
  systemctl reload haproxy
  if [ -d "$(dirname "$2")" ]; then
    cp -- "$1" "$loaded"
  fi
}"#,
    ),
    (
        "rct_on",
        r#"# Runs a command on a machine over ssh, with these helpers: rct_on MACHINE COMMAND.
rct_on() {
  { declare -f; printf 'set -euo pipefail\n%s\n' "$2"; } | ssh -o BatchMode=yes -- "$1" bash -s
}"#,
    ),
    (
        "rct_put",
        r#"# Copies a rendered file to a machine: rct_put MACHINE MODE SOURCE DEST.
rct_put() {
  [ -f "$3" ] || { echo "error: rendered file $3 is missing (run rctopo render --target all --out DIR)" >&2; exit 1; }
  ssh -o BatchMode=yes -- "$1" "install -D -m $2 /dev/stdin $(printf '%q' "$4")" <"$3"
}"#,
    ),
];

/// The source of one shell helper (`rct_nginx_down`, ...), for tests and for command sets that
/// call helpers from their own scripts.
pub fn helper(name: &str) -> Option<&'static str> {
    HELPERS
        .iter()
        .chain(super::mongo_auth::HELPERS)
        .find(|(n, _)| *n == name)
        .map(|(_, body)| *body)
}

impl Plan {
    /// The plan as bash scripts for `layout` (the desired one: it names the proxy kind).
    pub fn to_shell(&self, desired: &Layout, options: &ShellOptions) -> Vec<ShellScript> {
        let rc = &desired.topology.rocketchat;
        let writer = Writer {
            options,
            proxy: desired.topology.proxy.as_ref().map(|p| p.kind),
            owner: format!("{}:{}", rc.user, rc.group()),
            node: rc.node.clone(),
        };
        let mut scripts = writer.scripts(&self.steps, "", false, &self.summary_line());
        for wave in &self.summary.waves {
            if wave.rollback_kind == RollbackKind::Refused {
                scripts.push(refused_rollback(wave));
                continue;
            }
            if wave.rollback.is_empty() {
                continue;
            }
            let prefix = format!("rollback-wave-{}", wave.wave);
            let title = format!("rollback of wave {} ({:?})", wave.wave, wave.kind);
            scripts.extend(writer.scripts(&wave.rollback.steps(), &prefix, true, &title));
        }
        scripts
    }

    fn summary_line(&self) -> String {
        let s = &self.summary;
        format!(
            "{} (Rocket.Chat {} -> {}), {} steps in {} waves",
            if s.changes.is_empty() {
                "no change".to_string()
            } else {
                s.changes.join(", ")
            },
            s.from_version.as_deref().unwrap_or("none"),
            s.to_version,
            self.steps.len(),
            s.waves.len()
        )
    }
}

struct Writer<'a> {
    options: &'a ShellOptions,
    proxy: Option<ProxyKind>,
    /// `user:group` staged releases belong to.
    owner: String,
    /// The Node.js binary (its directory holds the npm that installs a release).
    node: String,
}

impl Writer<'_> {
    /// Scripts for `steps`: one over ssh, or one per run of consecutive steps on a machine.
    fn scripts(
        &self,
        steps: &[Step],
        prefix: &str,
        rollback: bool,
        title: &str,
    ) -> Vec<ShellScript> {
        let join = |name: &str| {
            if prefix.is_empty() {
                name.to_string()
            } else if name.is_empty() {
                prefix.to_string()
            } else {
                format!("{prefix}-{name}")
            }
        };
        if self.options.ssh {
            return vec![ShellScript {
                name: format!("{}.sh", join(if prefix.is_empty() { "plan" } else { "" })),
                host: None,
                rollback,
                text: self.script(steps, None, title),
            }];
        }
        let mut runs: Vec<(&str, Vec<Step>)> = Vec::new();
        for step in steps {
            match runs.last_mut() {
                Some((host, run)) if *host == step.host => run.push(step.clone()),
                _ => runs.push((step.host.as_str(), vec![step.clone()])),
            }
        }
        let single = runs.len() == 1;
        runs.iter()
            .enumerate()
            .map(|(n, (host, run))| {
                let name = if single {
                    format!("{}.sh", join(&safe_file_name(host)))
                } else {
                    format!(
                        "{}.sh",
                        join(&format!("{:02}-{}", n + 1, safe_file_name(host)))
                    )
                };
                let title = format!("{title}; part {} of {} (run on {host})", n + 1, runs.len());
                ShellScript {
                    name,
                    host: Some(host.to_string()),
                    rollback,
                    text: self.script(run, Some(host), &title),
                }
            })
            .collect()
    }

    fn script(&self, steps: &[Step], local: Option<&str>, title: &str) -> String {
        let mut body = String::new();
        let mut wave = 0;
        for step in steps {
            if step.wave != wave {
                wave = step.wave;
                let _ = writeln!(body, "\n# --- wave {wave} ---");
            }
            let _ = writeln!(
                body,
                "echo {}",
                shell_quote(&format!(
                    "[{}] {}: {}",
                    step.id, step.host, step.description
                ))
            );
            for line in self.commands(step, local.is_none()) {
                let _ = writeln!(body, "{line}");
            }
        }
        let mut out = String::new();
        let _ = writeln!(out, "#!/usr/bin/env bash");
        let _ = writeln!(out, "# rctopo plan: {}", comment(title));
        match local {
            Some(host) => {
                let _ = writeln!(out, "# Run as root on {}.", comment(host));
            }
            None => {
                let _ = writeln!(
                    out,
                    "# Run from a machine that reaches every host with `ssh` as root."
                );
            }
        }
        let _ = writeln!(out, "set -euo pipefail\n");
        for (dir, var, what) in [
            ("DESIRED", "RCTOPO_DESIRED", "desired"),
            ("CURRENT", "RCTOPO_CURRENT", "current"),
        ] {
            if body.contains(&format!("\"${{{dir}}}\"")) {
                let _ = writeln!(
                    out,
                    "{dir}=${{{var}:?set {var} to the output of rctopo render --target all --out DIR for the {what} topology}}\n"
                );
            }
        }
        for (name, helper) in HELPERS.iter().chain(super::mongo_auth::HELPERS) {
            if uses(&body, name) || needed_by_others(&body, name) {
                let _ = writeln!(out, "{helper}\n");
            }
        }
        out.push_str(&body);
        let _ = writeln!(out, "\necho 'done'");
        out
    }

    /// The shell lines of one step; `ssh` wraps them for the step's machine.
    fn commands(&self, step: &Step, ssh: bool) -> Vec<String> {
        let c = &self.options.commands;
        let proxy = self.proxy.map(|k| (k, c.proxy(k)));
        let remote = |cmd: String| {
            if ssh {
                format!("rct_on {} {}", shell_quote(&step.host), shell_quote(&cmd))
            } else {
                cmd
            }
        };
        let unit = |template: &str, unit: &str| remote(fill(template, &[("unit", unit)]));
        match &step.action {
            Action::WriteFile {
                path, mode, source, ..
            } => {
                let dir = match source.side {
                    Side::Desired => "DESIRED",
                    Side::Current => "CURRENT",
                };
                let src = format!("\"${{{dir}}}\"/{}", shell_quote(&source.rendered));
                let mode = format!("{mode:04o}");
                let mut lines = vec![if ssh {
                    format!(
                        "rct_put {} {mode} {src} {}",
                        shell_quote(&step.host),
                        shell_quote(path)
                    )
                } else {
                    format!("rct_install {mode} {src} {}", shell_quote(path))
                }];
                for o in &source.overrides {
                    lines.push(match env_override(path, o) {
                        Ok(line) => remote(line),
                        Err(stop) => stop,
                    });
                }
                lines
            }
            Action::RemoveFile { path, .. } => vec![remote(format!("rm -f {}", shell_quote(path)))],
            Action::DaemonReload => vec![remote(c.daemon_reload.clone())],
            Action::EnableUnit { unit: u, .. } => vec![unit(&c.enable_unit, u)],
            Action::DisableUnit { unit: u, .. } => vec![unit(&c.disable_unit, u)],
            Action::StartUnit { unit: u, .. } => vec![unit(&c.start_unit, u)],
            Action::StopUnit { unit: u, .. } => vec![unit(&c.stop_unit, u)],
            Action::ProxyAdd {
                upstream, server, ..
            }
            | Action::ProxyRemove {
                upstream, server, ..
            } => {
                let Some((kind, pc)) = proxy else {
                    return vec![":".into()];
                };
                let template = if matches!(step.action, Action::ProxyAdd { .. }) {
                    &pc.add
                } else {
                    &pc.remove
                };
                vec![remote(fill(
                    template,
                    &[
                        ("config", paths::proxy_config(kind)),
                        ("backend", paths::BACKEND_NAME),
                        ("server", server),
                        ("upstream", upstream),
                        ("socket", &c.haproxy_socket),
                    ],
                ))]
            }
            Action::ProxyValidate => {
                proxy.map_or_else(Vec::new, |(_, pc)| vec![remote(pc.validate.clone())])
            }
            Action::ProxyReload => proxy.map_or_else(Vec::new, |(kind, pc)| {
                vec![remote(fill(
                    &pc.reload,
                    &[
                        ("config", paths::proxy_config(kind)),
                        ("socket", &c.haproxy_socket),
                    ],
                ))]
            }),
            Action::WaitHealthy {
                url,
                deadline_seconds,
                interval_seconds,
                min_healthy_seconds,
                expect_version,
                ..
            } => {
                let release = expect_version
                    .as_deref()
                    .map(|v| {
                        format!(
                            " {} {} {}",
                            shell_quote(&info_url(url)),
                            shell_quote(v),
                            shell_quote(&major_minor(v))
                        )
                    })
                    .unwrap_or_default();
                vec![remote(format!(
                    "rct_wait_healthy {} {deadline_seconds} {interval_seconds} {min_healthy_seconds}{release}",
                    shell_quote(url)
                ))]
            }
            Action::StageRelease {
                version,
                url,
                checksum,
                dir,
            } => vec![remote(fill(
                &c.stage_release,
                &[
                    ("version", version),
                    ("url", url),
                    ("checksum", checksum.as_deref().unwrap_or_default()),
                    ("dir", dir),
                    ("node", &self.node),
                    ("owner", &self.owner),
                ],
            ))],
            Action::UseRelease {
                unit: u, dir, node, ..
            } => vec![
                remote(fill(
                    &c.use_release,
                    &[("unit", u), ("dir", dir), ("node", node)],
                )),
                remote(c.daemon_reload.clone()),
            ],
            Action::PruneReleases { dir, keep, protect } => vec![remote(fill(
                &c.prune_releases,
                &[
                    ("dir", dir),
                    ("keep", &keep.to_string()),
                    ("protect", &protect.join(" ")),
                ],
            ))],
            Action::Backup { env_file, archive } => vec![remote(fill(
                &c.backup,
                &[("env_file", env_file), ("archive", archive)],
            ))],
            Action::Restore { env_file, archive } => vec![remote(fill(
                &c.restore,
                &[("env_file", env_file), ("archive", archive)],
            ))],
            Action::MongoInstall { version } => {
                vec![remote(fill(&c.mongo_install, &[("version", version)]))]
            }
            Action::MongoStepDown { member } => vec![remote(format!(
                "rct_retry 180 2 {}",
                fill(&c.mongo_eval, &[("host", member), ("script", STEP_DOWN_JS)])
            ))],
            Action::MongoWaitMember {
                member,
                deadline_seconds,
            } => vec![remote(format!(
                "rct_retry {deadline_seconds} 5 {}",
                fill(&c.mongo_eval, &[("host", member), ("script", CAUGHT_UP_JS)])
            ))],
            Action::MongoSetFcv {
                seeds,
                version,
                confirm,
                ..
            } => {
                let confirm = if *confirm { ", confirm: true" } else { "" };
                let script = format!(
                    "const r = db.adminCommand({{ setFeatureCompatibilityVersion: {}{confirm} }}); if (!r.ok) {{ printjson(r); quit(1); }}",
                    serde_json::Value::String(version.clone())
                );
                vec![remote(fill(
                    &c.mongo_eval,
                    &[("host", seeds), ("script", &script)],
                ))]
            }
            Action::WaitDrained { seconds } => vec![format!("sleep {seconds}")],
            Action::MongoInitiate {
                config,
                port,
                users,
                ..
            } => super::mongo_auth::initiate_lines(
                step,
                &c.mongo_initiate,
                config,
                *port,
                users,
                ssh,
            ),
            Action::MongoKeyfile { path, from } => {
                super::mongo_auth::keyfile_lines(step, path, from.as_deref(), ssh)
            }
            Action::Gate { reason } => vec![format!("rct_gate {}", shell_quote(reason))],
        }
    }
}

/// A rollback the plan refuses: a script that says why and fails.
fn refused_rollback(wave: &WaveSummary) -> ShellScript {
    let reason = wave
        .rollback_reason
        .as_deref()
        .unwrap_or("no safe way back");
    let text = format!(
        "#!/usr/bin/env bash\n# rctopo plan: rollback of wave {} ({:?}): refused\nset -euo pipefail\n\n{}\n\n{}\n",
        wave.wave,
        wave.kind,
        helper("rct_fail").unwrap_or_default(),
        format_args!("rct_fail {}", shell_quote(&format!("no rollback of wave {}: {}", wave.wave, comment(reason))))
    );
    ShellScript {
        name: format!("rollback-wave-{}.sh", wave.wave),
        host: None,
        rollback: true,
        text,
    }
}

/// The `rct_set_env` line of an override, or, for anything but a variable name set to a port
/// number, a line that stops the script: the value goes into a sed expression and an env file.
fn env_override(path: &str, o: &EnvOverride) -> Result<String, String> {
    let name_ok = o
        .name
        .starts_with(|c: char| c.is_ascii_uppercase() || c == '_')
        && o.name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    let value_ok = !o.value.is_empty() && o.value.bytes().all(|b| b.is_ascii_digit());
    if name_ok && value_ok {
        Ok(format!(
            "rct_set_env {} {} {}",
            shell_quote(path),
            o.name,
            o.value
        ))
    } else {
        Err(format!(
            "rct_fail {}",
            shell_quote(&format!(
                "refusing to set {} in {path}: overrides set port numbers only",
                comment(&o.name)
            ))
        ))
    }
}

/// One check of a member about to be upgraded: a primary steps down (and the check fails, to be
/// retried); it passes once the member is not primary and another member is.
const STEP_DOWN_JS: &str = "const h = db.hello(); if (h.isWritablePrimary) { try { rs.stepDown(120, 10); } catch (e) { print(e); } quit(1); } quit(h.primary ? 0 : 1);";

/// One check of a restarted member: an arbiter is up; a data member is SECONDARY (or PRIMARY)
/// and within 10 s of the primary's last write.
const CAUGHT_UP_JS: &str = "const h = db.hello(); if (h.arbiterOnly) { quit(0); } if (!(h.secondary || h.isWritablePrimary)) { quit(1); } const s = rs.status(); const me = s.members.find((m) => m.self); const p = s.members.find((m) => m.state === 1); quit(me && p && (me.state === 1 || p.optimeDate - me.optimeDate <= 10000) ? 0 : 1);";

/// `http://host:port/readyz` -> `http://host:port/api/info`.
fn info_url(health_url: &str) -> String {
    let after_scheme = health_url.find("://").map_or(0, |n| n + 3);
    let end = health_url[after_scheme..]
        .find('/')
        .map_or(health_url.len(), |n| after_scheme + n);
    format!("{}/api/info", &health_url[..end])
}

/// What `/api/info` reports without login: `major.minor` (`7.11.0` -> `7.11`).
fn major_minor(version: &str) -> String {
    version
        .parse::<crate::Version>()
        .map(|v| format!("{}.{}", v.major, v.minor))
        .unwrap_or_else(|_| version.to_string())
}

/// Whether `body` calls helper `name` (as a word).
fn uses(body: &str, name: &str) -> bool {
    body.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|w| w == name)
}

/// Helpers other helpers call, with their callers.
const HELPER_CALLERS: &[(&str, &[&str])] = &[
    (
        "rct_re",
        &[
            "rct_nginx_down",
            "rct_nginx_up",
            "rct_apache_down",
            "rct_apache_up",
            "rct_haproxy_down",
            "rct_haproxy_up",
        ],
    ),
    ("rct_ready", &["rct_wait_healthy"]),
    ("rct_mongo_config", &["rct_backup", "rct_restore"]),
];

/// Whether a helper `body` calls needs helper `name`.
fn needed_by_others(body: &str, name: &str) -> bool {
    HELPER_CALLERS
        .iter()
        .filter(|(helper, _)| *helper == name)
        .any(|(_, callers)| callers.iter().any(|h| uses(body, h)))
}

/// Text for a comment line: control characters become spaces.
fn comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A machine name as a file name part.
fn safe_file_name(host: &str) -> String {
    host.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
