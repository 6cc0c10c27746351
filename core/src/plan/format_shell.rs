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

use super::action::{Action, EnvOverride, FileSource, Side, Step};
use super::commands::{fill, shell_quote, CommandSet, ProxyCommands};
use super::summary::{RollbackKind, WaveSummary};
use super::Plan;
use crate::layout::Layout;
use crate::model::ProxyKind;
use crate::paths;
use std::collections::BTreeMap;
use std::fmt::Write;

/// How to write the scripts.
#[derive(Debug, Clone, Default)]
pub struct ShellOptions {
    /// One script that reaches every machine over ssh.
    pub ssh: bool,
    /// The commands each action becomes.
    pub commands: CommandSet,
}

/// One script: its file name and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellScript {
    /// Its file name (`01-app1.sh`, `plan.sh`, `rollback-wave-3.sh`, ...).
    pub name: String,
    /// The machine it runs on; `None` for an ssh script run from a control machine.
    pub host: Option<String>,
    /// Whether it undoes a wave.
    pub rollback: bool,
    /// The bash script.
    pub text: String,
}

pub use super::shell_helpers::{helper, helper_names};

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
        // The names of each wave's rollback scripts, for the waves that share them.
        let mut names: BTreeMap<u32, Vec<String>> = BTreeMap::new();
        for wave in &self.summary.waves {
            if wave.rollback_kind == RollbackKind::Refused {
                scripts.push(refused_rollback(wave));
                continue;
            }
            if let Some(first) = wave.rollback_same_as {
                let shared = names.get(&first).map(Vec::as_slice).unwrap_or_default();
                scripts.push(shared_rollback(wave, first, shared, options.ssh));
                continue;
            }
            if wave.rollback.is_empty() {
                continue;
            }
            let prefix = format!("rollback-wave-{}", wave.wave);
            let title = format!("rollback of wave {} ({:?})", wave.wave, wave.kind);
            let own = writer.scripts(&wave.rollback.steps(), &prefix, true, &title);
            names.insert(wave.wave, own.iter().map(|s| s.name.clone()).collect());
            scripts.extend(own);
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
                Some((host, run)) if *host == &*step.host => run.push(step.clone()),
                _ => runs.push((&*step.host, vec![step.clone()])),
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
                    step.id,
                    step.host,
                    step.description()
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
        for helper in super::shell_helpers::needed_by(&body) {
            let _ = writeln!(out, "{helper}\n");
        }
        out.push_str(&body);
        let _ = writeln!(out, "\necho 'done'");
        out
    }

    /// The shell lines of one step; `ssh` wraps those that run on the step's machine.
    fn commands(&self, step: &Step, ssh: bool) -> Vec<String> {
        let c = &self.options.commands;
        let on = |cmd: String| {
            if ssh {
                format!("rct_on {} {}", shell_quote(&step.host), shell_quote(&cmd))
            } else {
                cmd
            }
        };
        let unit = |template: &str, unit: &str| vec![on(fill(template, &[("unit", unit)]))];
        match &step.action {
            Action::WriteFile {
                path, mode, source, ..
            } => self.write_file(step, path, *mode, source, ssh, &on),
            Action::RemoveFile { path, .. } => vec![on(format!("rm -f {}", shell_quote(path)))],
            Action::DaemonReload => vec![on(c.daemon_reload.clone())],
            Action::EnableUnit { unit: u, .. } => unit(&c.enable_unit, u),
            Action::DisableUnit { unit: u, .. } => unit(&c.disable_unit, u),
            Action::StartUnit { unit: u, .. } => unit(&c.start_unit, u),
            Action::StopUnit { unit: u, .. } => unit(&c.stop_unit, u),
            Action::ProxyAdd {
                upstream, server, ..
            } => self.proxy_edit(true, upstream, server, &on),
            Action::ProxyRemove {
                upstream, server, ..
            } => self.proxy_edit(false, upstream, server, &on),
            Action::ProxyValidate => self
                .proxy_commands()
                .map_or_else(Vec::new, |(_, pc)| vec![on(pc.validate.clone())]),
            Action::ProxyReload => self.proxy_reload(&on),
            Action::WaitHealthy {
                url,
                deadline_seconds,
                interval_seconds,
                min_healthy_seconds,
                expect_version,
                ..
            } => vec![on(wait_healthy(
                url,
                [*deadline_seconds, *interval_seconds, *min_healthy_seconds],
                expect_version.as_deref(),
            ))],
            Action::StageRelease {
                version,
                url,
                checksum,
                dir,
            } => vec![on(self.stage_release(
                version,
                url,
                checksum.as_deref(),
                dir,
            ))],
            Action::UseRelease {
                unit: u, dir, node, ..
            } => vec![
                on(fill(
                    &c.use_release,
                    &[("unit", u), ("dir", dir), ("node", node)],
                )),
                on(c.daemon_reload.clone()),
            ],
            Action::PruneReleases { dir, keep, protect } => vec![on(fill(
                &c.prune_releases,
                &[
                    ("dir", dir),
                    ("keep", &keep.to_string()),
                    ("protect", &protect.join(" ")),
                ],
            ))],
            Action::Backup { env_file, archive } => vec![on(fill(
                &c.backup,
                &[("env_file", env_file), ("archive", archive)],
            ))],
            Action::Restore { env_file, archive } => vec![on(fill(
                &c.restore,
                &[("env_file", env_file), ("archive", archive)],
            ))],
            Action::MongoInstall { version } => {
                vec![on(fill(&c.mongo_install, &[("version", version)]))]
            }
            Action::MongoStepDown { member } => {
                vec![on(format!(
                    "rct_retry 180 2 {}",
                    self.mongo_eval(member, STEP_DOWN_JS)
                ))]
            }
            Action::MongoWaitMember {
                member,
                deadline_seconds,
            } => vec![on(format!(
                "rct_retry {deadline_seconds} 5 {}",
                self.mongo_eval(member, CAUGHT_UP_JS)
            ))],
            Action::MongoSetFcv {
                seeds,
                version,
                confirm,
                ..
            } => vec![on(self.mongo_eval(seeds, &set_fcv_js(version, *confirm)))],
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

    /// Installs a rendered file (copies it over ssh), then applies the port overrides of a
    /// surge instance's env file.
    fn write_file(
        &self,
        step: &Step,
        path: &str,
        mode: u32,
        source: &FileSource,
        ssh: bool,
        on: &dyn Fn(String) -> String,
    ) -> Vec<String> {
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
                Ok(line) => on(line),
                Err(stop) => stop,
            });
        }
        lines
    }

    /// The proxy kind and its commands, when the topology has a proxy.
    fn proxy_commands(&self) -> Option<(ProxyKind, &ProxyCommands)> {
        self.proxy.map(|k| (k, self.options.commands.proxy(k)))
    }

    /// Puts a server in the proxy's backend (`add`) or takes it out; a no-op without a proxy.
    fn proxy_edit(
        &self,
        add: bool,
        upstream: &str,
        server: &str,
        on: &dyn Fn(String) -> String,
    ) -> Vec<String> {
        let Some((kind, pc)) = self.proxy_commands() else {
            return vec![":".into()];
        };
        let template = if add { &pc.add } else { &pc.remove };
        vec![on(fill(
            template,
            &[
                ("config", paths::proxy_config(kind)),
                ("backend", paths::BACKEND_NAME),
                ("server", server),
                ("upstream", upstream),
                ("socket", &self.options.commands.haproxy_socket),
            ],
        ))]
    }

    fn proxy_reload(&self, on: &dyn Fn(String) -> String) -> Vec<String> {
        self.proxy_commands().map_or_else(Vec::new, |(kind, pc)| {
            vec![on(fill(
                &pc.reload,
                &[
                    ("config", paths::proxy_config(kind)),
                    ("socket", &self.options.commands.haproxy_socket),
                ],
            ))]
        })
    }

    fn stage_release(&self, version: &str, url: &str, checksum: Option<&str>, dir: &str) -> String {
        fill(
            &self.options.commands.stage_release,
            &[
                ("version", version),
                ("url", url),
                ("checksum", checksum.unwrap_or_default()),
                ("dir", dir),
                ("node", &self.node),
                ("owner", &self.owner),
            ],
        )
    }

    /// The command set's `mongo_eval` running `script` against `host`.
    fn mongo_eval(&self, host: &str, script: &str) -> String {
        fill(
            &self.options.commands.mongo_eval,
            &[("host", host), ("script", script)],
        )
    }
}

/// `rct_wait_healthy URL DEADLINE INTERVAL MIN`, with the release `/api/info` must report when
/// one is expected.
fn wait_healthy(url: &str, [deadline, interval, min]: [u32; 3], version: Option<&str>) -> String {
    let release = version
        .map(|v| {
            format!(
                " {} {} {}",
                shell_quote(&info_url(url)),
                shell_quote(v),
                shell_quote(&major_minor(v))
            )
        })
        .unwrap_or_default();
    format!(
        "rct_wait_healthy {} {deadline} {interval} {min}{release}",
        shell_quote(url)
    )
}

/// Sets the feature compatibility version, with `confirm: true` when the step asks for it.
fn set_fcv_js(version: &str, confirm: bool) -> String {
    let confirm = if confirm { ", confirm: true" } else { "" };
    format!(
        "const r = db.adminCommand({{ setFeatureCompatibilityVersion: {}{confirm} }}); if (!r.ok) {{ printjson(r); quit(1); }}",
        serde_json::Value::String(version.to_string())
    )
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

/// The rollback of a wave that shares an earlier wave's (the database restore of every wave
/// from the upgrade's leader on): written once, for that wave. Over ssh this script runs it; per
/// machine it names the scripts to run, each on its machine, and fails.
fn shared_rollback(wave: &WaveSummary, first: u32, shared: &[String], ssh: bool) -> ShellScript {
    let head = format!(
        "#!/usr/bin/env bash\n# rctopo plan: rollback of wave {} ({:?}): the same as the rollback of wave {first}\nset -euo pipefail\n\n",
        wave.wave, wave.kind
    );
    let body = match shared {
        [one] if ssh => format!("exec bash \"$(dirname \"$0\")\"/{}\n", shell_quote(one)),
        _ => format!(
            "{}\n\nrct_fail {}\n",
            helper("rct_fail").unwrap_or_default(),
            shell_quote(&format!(
                "the rollback of wave {} is the rollback of wave {first}: run {} in order, each on the machine its name ends with",
                wave.wave,
                shared.join(", ")
            ))
        ),
    };
    ShellScript {
        name: format!("rollback-wave-{}.sh", wave.wave),
        host: None,
        rollback: true,
        text: head + &body,
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
