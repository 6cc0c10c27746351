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
        "rct_wait_healthy",
        r#"# Polls URL until it answers 2xx, then checks it again after MIN seconds; fails the script
# after DEADLINE seconds: rct_wait_healthy URL DEADLINE INTERVAL MIN.
rct_wait_healthy() {
  local end=$((SECONDS + $2))
  until curl -fsS -o /dev/null --max-time 5 "$1"; do
    if [ "$SECONDS" -ge "$end" ]; then
      echo "error: $1 not healthy after $2 s; stopping the rollout (see the wave's rollback script)" >&2
      exit 1
    fi
    sleep "$3"
  done
  sleep "$4"
  curl -fsS -o /dev/null --max-time 5 "$1" || { echo "error: $1 failed again within $4 s of its first good answer" >&2; exit 1; }
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
        r#"# Drains a server now (runtime API) and disables it in the file so reloads keep it out:
# rct_haproxy_down CONFIG BACKEND SERVER SOCKET.
rct_haproxy_down() {
  local re
  re=$(rct_re "$3")
  if [ -S "$4" ]; then
    echo "set server $2/$3 state drain" | socat stdio "unix-connect:$4" >/dev/null
  fi
  sed -i -E -e "s/^([[:space:]]*server[[:space:]]+${re}[[:space:]].*)[[:space:]]+disabled$/\1/" \
    -e "s/^([[:space:]]*server[[:space:]]+${re}[[:space:]].*)$/\1 disabled/" "$1"
}"#,
    ),
    (
        "rct_haproxy_up",
        r#"# Enables a server in the file, or adds it as rctopo renders it:
# rct_haproxy_up CONFIG BACKEND SERVER ADDRESS.
rct_haproxy_up() {
  local re
  re=$(rct_re "$3")
  if grep -Eq "^[[:space:]]*server[[:space:]]+${re}[[:space:]]" "$1"; then
    sed -i -E "s/^([[:space:]]*server[[:space:]]+${re}[[:space:]].*)[[:space:]]+disabled$/\1/" "$1"
  else
    local cookie=""
    if grep -Eq "^[[:space:]]*cookie[[:space:]]" "$1"; then cookie=" cookie $3"; fi
    sed -i -E "/^[[:space:]]*backend[[:space:]]+$(rct_re "$2")[[:space:]]*$/a\\    server $3 $4 check${cookie}" "$1"
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
        let writer = Writer {
            options,
            proxy: desired.topology.proxy.as_ref().map(|p| p.kind),
        };
        let mut scripts = writer.scripts(&self.steps, "", false, &self.summary_line());
        for wave in &self.summary.waves {
            if wave.rollback.is_empty() {
                continue;
            }
            let prefix = format!("rollback-wave-{}", wave.wave);
            let title = format!("rollback of wave {} ({:?})", wave.wave, wave.kind);
            scripts.extend(writer.scripts(&wave.rollback, &prefix, true, &title));
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
            Action::ProxyReload => {
                proxy.map_or_else(Vec::new, |(_, pc)| vec![remote(pc.reload.clone())])
            }
            Action::WaitHealthy {
                url,
                deadline_seconds,
                interval_seconds,
                min_healthy_seconds,
                ..
            } => vec![remote(format!(
                "rct_wait_healthy {} {deadline_seconds} {interval_seconds} {min_healthy_seconds}",
                shell_quote(url)
            ))],
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

/// Whether `body` calls helper `name` (as a word).
fn uses(body: &str, name: &str) -> bool {
    body.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|w| w == name)
}

/// Helpers other helpers call.
fn needed_by_others(body: &str, name: &str) -> bool {
    name == "rct_re"
        && [
            "rct_nginx_down",
            "rct_nginx_up",
            "rct_apache_down",
            "rct_apache_up",
            "rct_haproxy_down",
            "rct_haproxy_up",
        ]
        .iter()
        .any(|h| uses(body, h))
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
