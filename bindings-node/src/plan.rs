//! Rollout plans: `plan(current, desired, policy)` and the `Plan` class with the CLI's outputs.

use crate::error::{js_error, ErrorCode, ErrorDetails};
use crate::report::{saturating_u32, Diagnostic};
use crate::topology::Topology;
use napi::bindgen_prelude::Either;
use napi::{Env, Result};
use napi_derive::napi;
use rocketchat_topology::plan as core;
use rocketchat_topology::Layout;
use serde_json::{json, Map, Value};

/// The rules of a rollout; every field is optional (defaults: one instance at a time, no surge).
#[napi(object)]
pub struct PolicyInput {
    /// Instances out of service at once: a count (`1`) or a percentage of the current ones (`'25%'`).
    pub max_unavailable: Option<Either<u32, String>>,
    /// Extra instances started on spare ports before old ones stop: a count or a percentage.
    pub max_surge: Option<Either<u32, String>>,
    /// Instances restarted first, followed by a manual gate.
    pub canary: Option<u32>,
    pub health: Option<HealthPolicyInput>,
    /// Seconds between leaving the proxy and stopping, so WebSocket clients move.
    pub drain_delay_seconds: Option<u32>,
    /// `spread` (round-robin over hosts, the default) or `by_host`.
    #[napi(ts_type = "'spread' | 'by_host'")]
    pub order: Option<String>,
    /// Whether an upgrade dumps the database before its leader migrates it (default true).
    pub backup: Option<bool>,
}

/// How an instance proves it is ready before it joins the proxy.
#[napi(object)]
pub struct HealthPolicyInput {
    /// HTTP path to probe; by default the one the Rocket.Chat version offers.
    pub path: Option<String>,
    pub interval_seconds: Option<u32>,
    pub deadline_seconds: Option<u32>,
    pub min_healthy_seconds: Option<u32>,
}

fn budget(b: Either<u32, String>) -> Value {
    match b {
        Either::A(n) => json!(n),
        Either::B(s) => json!(s),
    }
}

/// The core's serde form (snake_case, absent fields take the core's defaults).
fn policy_value(p: PolicyInput) -> Value {
    let mut m = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            m.insert(k.to_string(), v);
        }
    };
    put("max_unavailable", p.max_unavailable.map(budget));
    put("max_surge", p.max_surge.map(budget));
    put("canary", p.canary.map(Value::from));
    put(
        "drain_delay_seconds",
        p.drain_delay_seconds.map(Value::from),
    );
    put("order", p.order.map(Value::from));
    put("backup", p.backup.map(Value::from));
    put("health", p.health.map(health_value));
    Value::Object(m)
}

fn health_value(h: HealthPolicyInput) -> Value {
    let mut m = Map::new();
    let fields = [
        ("path", h.path.map(Value::from)),
        ("interval_seconds", h.interval_seconds.map(Value::from)),
        ("deadline_seconds", h.deadline_seconds.map(Value::from)),
        (
            "min_healthy_seconds",
            h.min_healthy_seconds.map(Value::from),
        ),
    ];
    for (k, v) in fields {
        if let Some(v) = v {
            m.insert(k.to_string(), v);
        }
    }
    Value::Object(m)
}

/// Plans the rollout from `current` (null for a fresh install) to `desired`. Throws a
/// `PlanError` when the planner refuses (with the desired topology's error diagnostics when
/// those are the reason) or the policy is invalid.
#[napi(catch_unwind)]
pub fn plan(
    env: Env,
    current: Option<&Topology>,
    desired: &Topology,
    policy: Option<PolicyInput>,
) -> Result<Plan> {
    let policy: core::Policy = match policy.map(policy_value) {
        None => core::Policy::default(),
        Some(value) => core::Policy::from_value(value)
            .map_err(|e| plan_error(&env, e.to_string(), Vec::new()))?,
    };
    let desired = desired.core_layout();
    match core::plan(current.map(Topology::core_layout), desired, &policy) {
        Ok(plan) => Ok(Plan {
            plan,
            desired: desired.clone(),
        }),
        Err(e) => {
            let diagnostics = e.diagnostics().into_iter().map(Diagnostic::from).collect();
            Err(plan_error(&env, e.to_string(), diagnostics))
        }
    }
}

fn plan_error(env: &Env, message: String, diagnostics: Vec<Diagnostic>) -> napi::Error {
    let details = ErrorDetails {
        diagnostics,
        ..ErrorDetails::new(ErrorCode::PlanError)
    };
    js_error(env, message, details)
}

/// An ordered, simulated rollout.
#[napi]
pub struct Plan {
    plan: core::Plan,
    /// The layout shell scripts are written for.
    desired: Layout,
}

#[napi]
impl Plan {
    /// Every step, in order.
    #[napi(getter, catch_unwind)]
    pub fn steps(&self) -> Vec<Step> {
        self.plan.steps.iter().map(Step::from).collect()
    }

    /// The plan in figures, with its waves.
    #[napi(getter, catch_unwind)]
    pub fn summary(&self) -> Summary {
        Summary::from(&self.plan.summary)
    }

    /// The CLI's `rctopo plan --format json` document, byte for byte.
    #[napi(catch_unwind)]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.plan.to_json()).unwrap_or_default()
    }

    /// The CLI's `rctopo plan --format text`.
    #[napi(catch_unwind)]
    pub fn to_text(&self) -> String {
        self.plan.to_text()
    }

    /// Bash scripts: one per machine (or one over ssh with `ssh: true`), plus rollback scripts.
    #[napi(catch_unwind)]
    pub fn to_shell(
        &self,
        env: Env,
        options: Option<ShellOptionsInput>,
    ) -> Result<Vec<ShellScript>> {
        let options = options.unwrap_or(ShellOptionsInput {
            ssh: None,
            commands: None,
        });
        let commands = match options.commands {
            None => core::CommandSet::default(),
            Some(value) => core::CommandSet::from_value(value)
                .map_err(|e| plan_error(&env, e.to_string(), Vec::new()))?,
        };
        let options = core::ShellOptions {
            ssh: options.ssh.unwrap_or(false),
            commands,
        };
        let scripts = self.plan.to_shell(&self.desired, &options);
        Ok(scripts.into_iter().map(ShellScript::from).collect())
    }
}

/// How to write the shell scripts.
#[napi(object)]
pub struct ShellOptionsInput {
    /// One script that reaches every machine over ssh, instead of one per machine.
    pub ssh: Option<bool>,
    /// Commands replacing systemctl and the proxy helpers (fields as in `rctopo plan --commands`).
    #[napi(ts_type = "Record<string, unknown>")]
    pub commands: Option<Value>,
}

/// One shell script.
#[napi(object)]
pub struct ShellScript {
    /// File name, e.g. `app1.sh`.
    pub name: String,
    /// The machine it runs on; absent for an ssh script run from a control machine.
    pub host: Option<String>,
    /// Whether it undoes a wave.
    pub rollback: bool,
    pub text: String,
}

impl From<core::ShellScript> for ShellScript {
    fn from(s: core::ShellScript) -> Self {
        ShellScript {
            name: s.name,
            host: s.host,
            rollback: s.rollback,
            text: s.text,
        }
    }
}

/// One ordered step of a plan.
#[napi(object)]
pub struct Step {
    /// 1-based position in the plan (rollback steps number on their own).
    pub id: u32,
    pub wave: u32,
    /// The machine the step runs on.
    pub host: String,
    pub action: Action,
    pub description: String,
}

impl From<&core::Step> for Step {
    fn from(s: &core::Step) -> Self {
        Step {
            id: s.id,
            wave: s.wave,
            host: s.host.to_string(),
            action: Action::from(&s.action),
            description: s.description().to_string(),
        }
    }
}

/// What a step does. `kind` says which fields are present (as in `rctopo plan --format json`).
#[napi(object)]
#[derive(Default)]
pub struct Action {
    #[napi(
        ts_type = "'write_file' | 'remove_file' | 'daemon_reload' | 'enable_unit' | 'disable_unit' | 'start_unit' | 'stop_unit' | 'proxy_remove' | 'proxy_add' | 'proxy_validate' | 'proxy_reload' | 'wait_healthy' | 'wait_drained' | 'mongo_initiate' | 'mongo_keyfile' | 'gate' | 'stage_release' | 'use_release' | 'prune_releases' | 'backup' | 'restore' | 'mongo_step_down' | 'mongo_install' | 'mongo_wait_member' | 'mongo_set_fcv'"
    )]
    pub kind: String,
    /// The instance (`app1:3001`) the action concerns, when it concerns one.
    pub instance: Option<String>,
    /// write_file, remove_file: the install path.
    pub path: Option<String>,
    /// write_file: permission bits.
    pub mode: Option<u32>,
    /// write_file: which rendered file to install.
    pub source: Option<FileSource>,
    /// enable/disable/start/stop_unit.
    pub unit: Option<String>,
    /// proxy_add, proxy_remove: the upstream (backend) and server entry.
    pub upstream: Option<String>,
    pub server: Option<String>,
    /// wait_healthy: the URL probed and its timing.
    pub url: Option<String>,
    pub deadline_seconds: Option<u32>,
    pub interval_seconds: Option<u32>,
    pub min_healthy_seconds: Option<u32>,
    /// wait_drained: seconds to wait.
    pub seconds: Option<u32>,
    /// mongo_initiate: the replica set and its `rs.initiate` document.
    pub replica_set: Option<String>,
    #[napi(ts_type = "Record<string, unknown>")]
    pub config: Option<Value>,
    /// gate: why the rollout waits for a person.
    pub reason: Option<String>,
    /// wait_healthy: the release `/api/info` must report; stage_release, use_release,
    /// mongo_install, mongo_set_fcv: the release or series.
    pub version: Option<String>,
    /// wait_healthy after a release change: the release the instance must report.
    pub expect_version: Option<String>,
    /// stage_release: the tarball URL and its SHA-256 when given.
    pub checksum: Option<String>,
    /// stage_release, use_release, prune_releases: the release (or releases) directory.
    pub dir: Option<String>,
    /// use_release: the Node.js binary.
    pub node: Option<String>,
    /// prune_releases: releases kept, and the ones never removed.
    pub keep: Option<u32>,
    pub protect: Option<Vec<String>>,
    /// backup, restore: the env file holding MONGO_URL, and the archive.
    pub env_file: Option<String>,
    pub archive: Option<String>,
    /// mongo_step_down, mongo_wait_member: the replica set member (`host:port`).
    pub member: Option<String>,
    /// mongo_set_fcv: the seed list, and whether `confirm: true` is sent.
    pub seeds: Option<String>,
    pub confirm: Option<bool>,
}

impl From<&core::Action> for Action {
    fn from(a: &core::Action) -> Self {
        use core::Action as A;
        let base = Action {
            kind: a.kind().to_string(),
            instance: a.instance().map(str::to_string),
            ..Action::default()
        };
        // Every kind the core has today has its arm; `Action` is non-exhaustive, so a kind it
        // adds later shows its `kind` and `instance` until its fields get an arm here.
        match a {
            A::WriteFile {
                path, mode, source, ..
            } => Action {
                path: Some(path.to_string()),
                mode: Some(*mode),
                source: Some(FileSource::from(source)),
                ..base
            },
            A::RemoveFile { path, .. } => Action {
                path: Some(path.to_string()),
                ..base
            },
            A::EnableUnit { unit, .. }
            | A::DisableUnit { unit, .. }
            | A::StartUnit { unit, .. }
            | A::StopUnit { unit, .. } => Action {
                unit: Some(unit.to_string()),
                ..base
            },
            A::ProxyRemove {
                upstream, server, ..
            }
            | A::ProxyAdd {
                upstream, server, ..
            } => Action {
                upstream: Some(upstream.to_string()),
                server: Some(server.to_string()),
                ..base
            },
            A::WaitHealthy {
                url,
                deadline_seconds,
                interval_seconds,
                min_healthy_seconds,
                expect_version,
                ..
            } => Action {
                url: Some(url.to_string()),
                deadline_seconds: Some(*deadline_seconds),
                interval_seconds: Some(*interval_seconds),
                min_healthy_seconds: Some(*min_healthy_seconds),
                expect_version: expect_version.as_deref().map(str::to_string),
                ..base
            },
            A::StageRelease {
                version,
                url,
                checksum,
                dir,
            } => Action {
                version: Some(version.clone()),
                url: Some(url.clone()),
                checksum: checksum.clone(),
                dir: Some(dir.clone()),
                ..base
            },
            A::UseRelease {
                unit,
                version,
                dir,
                node,
                ..
            } => Action {
                unit: Some(unit.to_string()),
                version: Some(version.to_string()),
                dir: Some(dir.to_string()),
                node: Some(node.to_string()),
                ..base
            },
            A::PruneReleases { dir, keep, protect } => Action {
                dir: Some(dir.clone()),
                keep: Some(*keep),
                protect: Some(protect.clone()),
                ..base
            },
            A::Backup { env_file, archive } | A::Restore { env_file, archive } => Action {
                env_file: Some(env_file.clone()),
                archive: Some(archive.clone()),
                ..base
            },
            A::MongoStepDown { member } => Action {
                member: Some(member.clone()),
                ..base
            },
            A::MongoInstall { version } => Action {
                version: Some(version.clone()),
                ..base
            },
            A::MongoWaitMember {
                member,
                deadline_seconds,
            } => Action {
                member: Some(member.clone()),
                deadline_seconds: Some(*deadline_seconds),
                ..base
            },
            A::MongoSetFcv {
                replica_set,
                seeds,
                version,
                confirm,
            } => Action {
                replica_set: Some(replica_set.clone()),
                seeds: Some(seeds.clone()),
                version: Some(version.clone()),
                confirm: Some(*confirm),
                ..base
            },
            A::WaitDrained { seconds } => Action {
                seconds: Some(*seconds),
                ..base
            },
            A::MongoInitiate {
                replica_set,
                config,
                ..
            } => Action {
                replica_set: Some(replica_set.clone()),
                config: Some((**config).clone()),
                ..base
            },
            A::MongoKeyfile { path, .. } => Action {
                path: Some(path.clone()),
                ..base
            },
            A::Gate { reason } => Action {
                reason: Some(reason.clone()),
                ..base
            },
            A::DaemonReload | A::ProxyValidate | A::ProxyReload => base,
            _ => base,
        }
    }
}

/// Where a written file comes from: `<render dir of side>/<rendered>`.
#[napi(object)]
pub struct FileSource {
    /// `desired` for the rollout, `current` for rollbacks.
    #[napi(ts_type = "'current' | 'desired'")]
    pub side: String,
    /// Path relative to the render directory: `<machine>/<install path>`.
    pub rendered: String,
    /// Non-secret variables rewritten in a copied environment file (surge instances).
    pub overrides: Vec<EnvOverride>,
}

#[napi(object)]
pub struct EnvOverride {
    pub name: String,
    pub value: String,
}

impl From<&core::FileSource> for FileSource {
    fn from(s: &core::FileSource) -> Self {
        FileSource {
            side: match s.side {
                core::Side::Current => "current",
                core::Side::Desired => "desired",
            }
            .to_string(),
            rendered: s.rendered.to_string(),
            overrides: s
                .overrides
                .iter()
                .map(|o| EnvOverride {
                    name: o.name.clone(),
                    value: o.value.clone(),
                })
                .collect(),
        }
    }
}

/// The plan in figures.
#[napi(object)]
pub struct Summary {
    /// `install`, `upgrade`, `config`, `scale_out`, `scale_in`, `port_move`, `proxy`; empty when
    /// nothing changes.
    pub changes: Vec<String>,
    pub from_version: Option<String>,
    pub to_version: String,
    pub instances_before: u32,
    pub instances_after: u32,
    /// Instances that go out of service once.
    pub instances_to_restart: u32,
    pub max_unavailable: u32,
    pub max_surge: u32,
    /// Instances restarted at once.
    pub parallelism: u32,
    /// Waves that take instances out of service (canary + rolling).
    pub restart_waves: u32,
    /// Serving instances never drop below this.
    pub min_serving: u32,
    pub waves: Vec<Wave>,
    /// Expected duration in seconds.
    pub estimated_seconds: f64,
    /// Duration if every health check takes its full deadline.
    pub worst_case_seconds: f64,
    /// The instance that starts a new release first, alone, and migrates the database.
    pub leader: Option<String>,
    /// The database dump taken before the leader starts.
    pub backup: Option<String>,
    /// MongoDB release series from the running one through each upgrade.
    pub mongo_path: Vec<String>,
    /// What the operator should know before running the plan.
    pub notes: Vec<String>,
}

/// One wave: its kind, the instances it takes out of or puts into service, and its rollback.
#[napi(object)]
pub struct Wave {
    pub wave: u32,
    #[napi(
        ts_type = "'replica_set' | 'prepare' | 'scale_out' | 'surge_up' | 'canary' | 'rolling' | 'scale_in' | 'cleanup' | 'proxy' | 'mongo_upgrade' | 'mongo_fcv'"
    )]
    pub kind: String,
    pub instances: Vec<String>,
    /// The steps that restore the state before this wave; empty when `rollbackSameAs` names
    /// the earlier wave that holds them (a shared restore is written once).
    pub rollback: Vec<Step>,
    /// `restart` (the wave's own steps undone), `restore` (after a migration: stop everything,
    /// restore the backup, start the old release) or `refused`.
    #[napi(ts_type = "'restart' | 'restore' | 'refused'")]
    pub rollback_kind: String,
    /// Why a rollback restores or is refused.
    pub rollback_reason: Option<String>,
    /// The earlier wave whose `rollback` is this wave's too.
    pub rollback_same_as: Option<u32>,
}

impl From<&core::Summary> for Summary {
    fn from(s: &core::Summary) -> Self {
        Summary {
            changes: s.changes.iter().map(|c| c.to_string()).collect(),
            from_version: s.from_version.clone(),
            to_version: s.to_version.clone(),
            instances_before: saturating_u32(s.instances_before),
            instances_after: saturating_u32(s.instances_after),
            instances_to_restart: saturating_u32(s.instances_to_restart),
            max_unavailable: saturating_u32(s.max_unavailable),
            max_surge: saturating_u32(s.max_surge),
            parallelism: saturating_u32(s.parallelism),
            restart_waves: saturating_u32(s.restart_waves),
            min_serving: saturating_u32(s.min_serving),
            waves: s.waves.iter().map(Wave::from).collect(),
            // Seconds fit a JavaScript number exactly far beyond any rollout's length.
            estimated_seconds: s.estimated_seconds as f64,
            worst_case_seconds: s.worst_case_seconds as f64,
            leader: s.leader.clone(),
            backup: s.backup.clone(),
            mongo_path: s.mongo_path.clone(),
            notes: s.notes.clone(),
        }
    }
}

impl From<&core::WaveSummary> for Wave {
    fn from(w: &core::WaveSummary) -> Self {
        Wave {
            wave: w.wave,
            kind: serde_json::to_value(w.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            instances: w.instances.clone(),
            rollback: match w.rollback_same_as {
                Some(_) => Vec::new(),
                None => w.rollback.steps().iter().map(Step::from).collect(),
            },
            rollback_kind: serde_json::to_value(w.rollback_kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            rollback_reason: w.rollback_reason.clone(),
            rollback_same_as: w.rollback_same_as,
        }
    }
}
