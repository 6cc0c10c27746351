//! The simulator: runs a plan's steps on a model of units, env files, unit templates, proxy
//! membership (pending and live) and versions, and checks the rollout's promises at every step.

use super::action::{Action, FileSource, Side, Step};
use super::budget;
use super::diff::{fingerprint, Diff, Fingerprints};
use super::id_hash::IdHash;
use super::items;
use super::planner::min_serving;
use super::policy::Policy;
use super::sim_index::{at, Index, Numbered};
use super::sim_instances::{side_index, text_order, EnvFile, Instances, Placed, Running, Set};
use super::sim_mongo::ReplicaSet;
use super::sim_release::{Database, Releases, RunningReleases};
use super::summary::RollbackKind;
use super::Plan;
use crate::layout::{Instance, Layout};
use crate::paths;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::sync::Arc;

/// Which promise a step broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ViolationKind {
    /// Fewer instances serving and in the proxy than the current capacity minus max_unavailable.
    Capacity,
    /// The proxy routes to an instance that is stopped, unhealthy or not yet started.
    RoutesToUnready,
    /// Two running instances share a host and port (HTTP or TCP_PORT).
    PortClash,
    /// A unit started without its env file (or with one written for another port).
    MissingEnvFile,
    /// A unit started before systemd loaded its template, or with the other side's template.
    UnitNotLoaded,
    /// An instance started before the replica set was initiated.
    MongoNotReady,
    /// Several Rocket.Chat versions run outside a rolling upgrade.
    MixedVersions,
    /// A step refers to something that does not exist (an unknown instance or rendered file).
    Inconsistent,
    /// An instance selects a release that is not staged on its host.
    ReleaseNotStaged,
    /// An instance runs (or reports) another release than its environment or gate expects.
    WrongRelease,
    /// An instance starts while another holds Rocket.Chat's migration lock.
    MigrationLock,
    /// The database is migrated (or restored) without a backup.
    NoBackup,
    /// An older release starts on a database a newer one migrated.
    MigratedDatabase,
    /// The database is restored while instances run.
    RestoreWhileRunning,
    /// A MongoDB upgrade step breaks MongoDB's procedure (primary stopped, two members down,
    /// a binary too new for the FCV, FCV raised too early or without `confirm`).
    MongoUpgrade,
    /// The wave's rollback is refused (see its `rollback_reason`).
    RollbackRefused,
    /// The end state differs from the desired layout.
    EndState,
}

/// A broken promise: the step (0 = after the last step), what broke and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("step {step}: {message}")]
pub struct Violation {
    /// The step's id (0: after the last step).
    pub step: u32,
    /// Which promise broke.
    pub kind: ViolationKind,
    /// How, in words.
    pub message: String,
}

/// What the model looked like after one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Frame {
    /// The step's id.
    pub step: u32,
    /// Instances healthy and routed to by the proxy (or healthy, without a proxy).
    pub serving: usize,
    /// Instances whose unit runs.
    pub running: usize,
}

/// The run of a plan: one frame per step, and the floor it kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    /// The fewest serving instances the policy allows.
    pub floor: usize,
    /// The fewest that served at any step.
    pub lowest_serving: usize,
    /// One frame per step.
    pub frames: Vec<Frame>,
}

impl fmt::Display for Timeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} steps, serving never below {} (floor {})",
            self.frames.len(),
            self.lowest_serving,
            self.floor
        )
    }
}

/// Unit templates on a machine: written, and loaded by systemd.
#[derive(Debug, Clone, Copy, Default)]
struct Units {
    written: Option<Side>,
    loaded: Option<Side>,
}

struct World<'a> {
    current: Option<&'a Layout>,
    desired: &'a Layout,
    /// The [`Fingerprints`] of the desired layout, for the end state.
    desired_prints: Cow<'a, Fingerprints>,
    has_proxy: bool,
    mongo_ready: bool,
    unit_differs: bool,
    version_changed: bool,
    /// Machine and instance numbers: the state below is indexed by them.
    index: Index<'a>,
    /// The numbers of the current (the desired on a fresh install) and desired instances.
    numbered: [Numbered; 2],
    /// Every instance's env file, unit, enablement and proxy membership.
    instances: Instances,
    /// Unit templates by machine number.
    units: Vec<Units>,
    /// (machine, mongod configuration path) written.
    mongod_conf: HashSet<(String, String), IdHash>,
    /// (machine, mongod unit) running.
    mongod_running: HashSet<(String, String), IdHash>,
    serving: usize,
    /// Running instances per Rocket.Chat version, kept up to date so every step can check it.
    versions: RunningReleases,
    releases: Releases,
    /// The release an instance runs without a selection of its own: what `bundle` holds, the
    /// running deployment's release (or the desired one on a fresh install).
    bundle: Arc<str>,
    database: Database,
    backup_required: bool,
    /// The replica set of a running deployment (MongoDB upgrades).
    replica_set: Option<ReplicaSet>,
}

impl Plan {
    /// Runs the plan on a model of the deployment and checks, after every step: capacity,
    /// proxy routing, port uniqueness, env files, unit templates, replica set readiness and
    /// versions; at the end, that the deployment equals `desired`.
    pub fn simulate(
        &self,
        current: Option<&Layout>,
        desired: &Layout,
        policy: &Policy,
    ) -> Result<Timeline, Violation> {
        let floor = floor(current, desired, policy)?;
        self.simulate_above(current, desired, policy, floor, None)
    }

    /// [`Plan::simulate`] with the serving floor given: the planner resolved it from the same
    /// diff, work and budget, and working those out a second time was a fifth of the simulation.
    /// `prints`: the [`Fingerprints`] of `current` and `desired` when the caller has them.
    pub(crate) fn simulate_above(
        &self,
        current: Option<&Layout>,
        desired: &Layout,
        policy: &Policy,
        floor: usize,
        prints: Option<&[Fingerprints; 2]>,
    ) -> Result<Timeline, Violation> {
        let mut world = World::new(current, desired, policy, prints);
        let mut timeline = Timeline::new(floor, world.serving);
        run(&self.steps, &mut world, &mut timeline)?;
        world
            .end_state()
            .map_err(|m| violation(0, ViolationKind::EndState, m))?;
        Ok(timeline)
    }

    /// Runs the plan up to the end of `wave`, then that wave's rollback, with the same checks
    /// after every step; at the end, every instance the wave touched is back as `current` has it
    /// (running, healthy, with its old version and environment, in the proxy) or gone if it was
    /// new.
    pub fn simulate_rollback(
        &self,
        current: &Layout,
        desired: &Layout,
        policy: &Policy,
        wave: u32,
    ) -> Result<Timeline, Violation> {
        let Some(summary) = self.summary.waves.iter().find(|w| w.wave == wave) else {
            return Err(violation(
                0,
                ViolationKind::Inconsistent,
                format!("the plan has no wave {wave}"),
            ));
        };
        if summary.rollback_kind == RollbackKind::Refused {
            return Err(violation(
                0,
                ViolationKind::RollbackRefused,
                summary.rollback_reason.clone().unwrap_or_default(),
            ));
        }
        // A restore is an announced outage: it stops every instance on purpose.
        let restore = summary.rollback_kind == RollbackKind::Restore;
        let floor = if restore {
            0
        } else {
            floor(Some(current), desired, policy)?
        };
        // The steps outlive the world: its index keys them by address.
        let forward: Vec<Step> = self
            .steps
            .iter()
            .filter(|s| s.wave <= wave)
            .cloned()
            .collect();
        let rollback = summary.rollback.steps();
        let mut world = World::new(Some(current), desired, policy, None);
        let mut timeline = Timeline::new(floor, world.serving);
        run(&forward, &mut world, &mut timeline)?;
        run(&rollback, &mut world, &mut timeline)?;
        let touched: Vec<String> = if restore {
            current
                .instances
                .iter()
                .chain(&desired.instances)
                .map(|i| i.id.clone())
                .collect()
        } else {
            summary.instances.clone()
        };
        world
            .restored(&touched)
            .map_err(|m| violation(0, ViolationKind::EndState, m))?;
        Ok(timeline)
    }
}

impl Timeline {
    fn new(floor: usize, serving: usize) -> Timeline {
        Timeline {
            floor,
            lowest_serving: serving,
            frames: Vec::new(),
        }
    }
}

/// Applies `steps`, checking the floor and versions after each.
fn run<'a>(
    steps: &'a [Step],
    world: &mut World<'a>,
    timeline: &mut Timeline,
) -> Result<(), Violation> {
    let floor = timeline.floor;
    timeline.frames.reserve(steps.len());
    for step in steps {
        world
            .apply(step)
            .map_err(|(kind, message)| violation(step.id, kind, message))?;
        if world.serving < floor {
            return Err(violation(
                step.id,
                ViolationKind::Capacity,
                format!(
                    "{} instance(s) serving, below the floor of {floor} (current capacity minus max_unavailable)",
                    world.serving
                ),
            ));
        }
        world
            .versions_ok()
            .map_err(|m| violation(step.id, ViolationKind::MixedVersions, m))?;
        timeline.lowest_serving = timeline.lowest_serving.min(world.serving);
        timeline.frames.push(Frame {
            step: step.id,
            serving: world.serving,
            running: world.instances.len(Set::Running),
        });
    }
    Ok(())
}

fn violation(step: u32, kind: ViolationKind, message: String) -> Violation {
    Violation {
        step,
        kind,
        message,
    }
}

/// The serving floor for this change and policy, resolved as the planner resolves it.
fn floor(current: Option<&Layout>, desired: &Layout, policy: &Policy) -> Result<usize, Violation> {
    let diff = Diff::between(current, desired);
    let budget = items::work(&diff, current, policy.order)
        .map_err(|e| e.to_string())
        .and_then(|w| {
            budget::resolve(policy, current, desired, w.items.len()).map_err(|e| e.to_string())
        })
        .map_err(|m| violation(0, ViolationKind::Inconsistent, m))?;
    let before = current.map_or(0, |c| c.instances.len());
    Ok(min_serving(
        before,
        desired.instances.len(),
        budget.max_unavailable,
    ))
}

type StepResult = Result<(), (ViolationKind, String)>;

fn fail<T>(kind: ViolationKind, message: String) -> Result<T, (ViolationKind, String)> {
    Err((kind, message))
}

impl<'a> World<'a> {
    /// The deployment as `current` describes it: every instance running, healthy, in the proxy.
    /// `prints`: the [`Fingerprints`] of `current` and `desired`, worked out here when not given.
    fn new(
        current: Option<&'a Layout>,
        desired: &'a Layout,
        policy: &Policy,
        prints: Option<&'a [Fingerprints; 2]>,
    ) -> World<'a> {
        let given = |n: usize| prints.map(|p| Cow::Borrowed(&p[n]));
        let desired_prints = given(1).unwrap_or_else(|| Cow::Owned(Fingerprints::of(desired)));
        // Without a current layout the desired prints serve both sides: borrowed, not copied.
        let current_prints =
            current.map(|c| given(0).unwrap_or_else(|| Cow::Owned(Fingerprints::of(c))));
        let unit_differs = current.is_some_and(|c| {
            let (a, b) = (&c.topology.rocketchat, &desired.topology.rocketchat);
            (&a.bundle, &a.node, &a.user, &a.group, &a.uploads_path)
                != (&b.bundle, &b.node, &b.user, &b.group, &b.uploads_path)
        });
        let mut index = Index::with_capacity(desired.instances.len());
        let numbered_current = index.number(current.unwrap_or(desired));
        let numbered_desired = match current {
            Some(_) => index.number(desired),
            None => numbered_current.clone(),
        };
        let instances = Instances::with_capacity(index.len());
        let mut w = World {
            current,
            desired,
            desired_prints,
            has_proxy: desired.topology.proxy.is_some(),
            // An external replica set (no mongod places) is ready before the plan starts.
            mongo_ready: current.is_some() || paths::mongod_places(&desired.topology).is_empty(),
            unit_differs,
            version_changed: current.is_some_and(|c| {
                c.topology.rocketchat.version != desired.topology.rocketchat.version
            }),
            index,
            numbered: [numbered_current, numbered_desired],
            instances,
            units: Vec::new(),
            mongod_conf: HashSet::default(),
            mongod_running: HashSet::default(),
            serving: 0,
            versions: RunningReleases::default(),
            releases: Releases::default(),
            bundle: current
                .unwrap_or(desired)
                .topology
                .rocketchat
                .version
                .as_str()
                .into(),
            database: Database::at(current.and_then(Layout::rocketchat_version)),
            backup_required: policy.backup,
            replica_set: current.and_then(|c| ReplicaSet::running(&c.topology)),
        };
        let prints = current_prints.as_deref().unwrap_or(&w.desired_prints);
        let [numbered_current, numbered_desired] = &w.numbered;
        let first = current.unwrap_or(desired);
        place(
            &mut w.instances,
            first,
            numbered_current,
            Side::Current,
            prints,
        );
        place(
            &mut w.instances,
            desired,
            numbered_desired,
            Side::Desired,
            &w.desired_prints,
        );
        if let (Some(c), Some(current_prints)) = (current, current_prints) {
            for p in paths::mongod_places(&c.topology) {
                w.mongod_conf.insert((p.machine.clone(), p.conf));
                w.mongod_running.insert((p.machine, p.unit));
            }
            w.run_current(c, &current_prints);
        }
        w
    }

    /// The running deployment: its env files written, units loaded and enabled, every instance
    /// healthy and (with a proxy) routed to.
    fn run_current(&mut self, c: &Layout, prints: &Fingerprints) {
        let [numbered, _] = &self.numbered;
        for (n, i) in c.instances.iter().enumerate() {
            let (place, fingerprint) = (numbered.places[n], prints.get(n));
            let env = EnvFile {
                side: Side::Current,
                port: i.port,
                tcp: i.tcp_port,
                fingerprint,
            };
            self.instances.write_env(place, env);
            let units = at(&mut self.units, numbered.hosts[n]);
            if units.written.is_none() {
                *units = Units {
                    written: Some(Side::Current),
                    loaded: Some(Side::Current),
                };
            }
            let running = Running {
                healthy: true,
                tcp: i.tcp_port,
                fingerprint,
                version: self.bundle.clone(),
            };
            self.instances.start(place, running);
            let id = numbered.ids[n];
            self.instances.mark(Set::Enabled, id, true);
            if self.has_proxy {
                self.instances.mark(Set::Pending, id, true);
                self.instances.mark(Set::Live, id, true);
            }
        }
        self.serving = c.instances.len();
        // `bundle` is the current layout's release.
        self.versions.set(self.bundle.clone(), c.instances.len());
    }

    fn layout(&self, side: Side) -> &'a Layout {
        match side {
            Side::Current => self.current.unwrap_or(self.desired),
            Side::Desired => self.desired,
        }
    }

    fn apply(&mut self, step: &'a Step) -> StepResult {
        let host = &*step.host;
        match &step.action {
            Action::WriteFile { path, source, .. } => self.write(&step.host, path, source),
            Action::RemoveFile { path, .. } => {
                self.remove(&step.host, path);
                Ok(())
            }
            Action::DaemonReload => {
                let units = at(&mut self.units, self.index.host(&step.host));
                units.loaded = units.written;
                Ok(())
            }
            Action::EnableUnit { unit, .. } => {
                if let Some(n) = self.index.unit(&step.host, unit) {
                    self.instances.mark(Set::Enabled, n, true);
                }
                Ok(())
            }
            Action::DisableUnit { unit, .. } => {
                if let Some(n) = self.index.unit(&step.host, unit) {
                    self.instances.mark(Set::Enabled, n, false);
                }
                Ok(())
            }
            Action::StartUnit { unit, .. } => self.start(&step.host, unit),
            Action::StopUnit { unit, .. } => self.stop(&step.host, unit),
            Action::WaitHealthy {
                instance,
                expect_version,
                ..
            } => {
                let n = self.index.instance(instance);
                self.wait_healthy(n, instance, expect_version.as_deref())
            }
            Action::ProxyAdd { instance, .. } => {
                let n = self.index.instance(instance);
                self.instances.mark(Set::Pending, n, true);
                self.instances.touch(n);
                Ok(())
            }
            Action::ProxyRemove { instance, .. } => {
                let n = self.index.instance(instance);
                self.instances.mark(Set::Pending, n, false);
                self.instances.touch(n);
                Ok(())
            }
            Action::ProxyReload => self.reload(),
            Action::MongoInitiate { .. } => {
                let missing: Vec<String> = paths::mongod_places(&self.desired.topology)
                    .into_iter()
                    .map(|p| (p.machine, p.unit))
                    .filter(|run| !self.mongod_running.contains(run))
                    .map(|(machine, unit)| format!("{machine} ({unit})"))
                    .collect();
                if !missing.is_empty() {
                    return fail(
                        ViolationKind::MongoNotReady,
                        format!("rs.initiate before mongod runs on {missing:?}"),
                    );
                }
                self.mongo_ready = true;
                Ok(())
            }
            Action::ProxyValidate
            | Action::WaitDrained { .. }
            | Action::Gate { .. }
            | Action::MongoKeyfile { .. } => Ok(()),
            Action::StageRelease { version, .. } => {
                self.releases.stage(self.index.host(&step.host), version);
                Ok(())
            }
            Action::UseRelease { unit, version, .. } => match self.index.unit(&step.host, unit) {
                Some(n) => {
                    let (h, port) = self.index.place_of(n).expect("a unit's instance is placed");
                    self.releases.select((h, host), (n, port), version)
                }
                None => fail(ViolationKind::Inconsistent, format!("unknown unit {unit}")),
            },
            Action::PruneReleases { protect, .. } => {
                let h = self.index.host(&step.host);
                // Sorted only to name the first unprotected release, should there be one.
                let unprotected = |v: &str| !protect.iter().any(|p| p == v);
                let mut on_host: Vec<_> = running_on(&self.index, &self.instances, h).collect();
                if on_host.iter().any(|(_, r)| unprotected(&r.version)) {
                    on_host.sort_unstable_by_key(|(port, _)| text_order(*port));
                }
                let running: Vec<&str> = on_host.iter().map(|(_, r)| &*r.version).collect();
                self.releases.prune((h, host), protect, &running)
            }
            Action::Backup { .. } => self.database.back_up(),
            Action::Restore { .. } => self.database.restore(self.instances.len(Set::Running)),
            Action::MongoStepDown { member } => self.replica_set()?.step_down(member),
            Action::MongoInstall { version } => self.replica_set()?.install(host, version),
            Action::MongoWaitMember { member, .. } => self.replica_set()?.wait_member(member),
            Action::MongoSetFcv {
                version, confirm, ..
            } => self.replica_set()?.set_fcv(version, *confirm),
        }
    }

    /// Instance `n` (named `instance`) passes its health gate, which may expect a release.
    fn wait_healthy(&mut self, n: u32, instance: &str, expect: Option<&str>) -> StepResult {
        match self.instances.running_mut(n) {
            Some(r) if expect.is_some_and(|v| *v != *r.version) => fail(
                ViolationKind::WrongRelease,
                format!(
                    "{instance} reports {} where the gate expects {}",
                    r.version,
                    expect.unwrap_or_default()
                ),
            ),
            Some(r) => {
                self.database.healthy(instance, &r.version);
                // Without a proxy, a healthy instance serves; with one, only after a reload.
                if !r.healthy && !self.has_proxy {
                    self.serving += 1;
                }
                r.healthy = true;
                self.instances.touch(n);
                Ok(())
            }
            None => fail(
                ViolationKind::Inconsistent,
                format!("waits for {instance}, which is not running"),
            ),
        }
    }

    fn replica_set(&mut self) -> Result<&mut ReplicaSet, (ViolationKind, String)> {
        self.replica_set.as_mut().ok_or((
            ViolationKind::Inconsistent,
            "a MongoDB upgrade step without a running replica set".into(),
        ))
    }

    fn write(&mut self, host: &'a Arc<str>, path: &Arc<str>, source: &FileSource) -> StepResult {
        if **path == *paths::UNIT_TEMPLATE {
            at(&mut self.units, self.index.host(host)).written = Some(source.side);
        } else if paths::is_mongod_conf(path) {
            self.mongod_conf
                .insert((host.to_string(), path.to_string()));
        } else if let Some(n) = self.index.env_file(host, path) {
            let file = self.env_file(source, host, n)?;
            self.instances.write_env(n, file);
        } else if self.is_proxy_config(path) {
            self.route_to(source.side);
        }
        Ok(())
    }

    /// A new proxy configuration: the pending set becomes `side`'s instances, and every
    /// instance that joins or leaves it is touched.
    fn route_to(&mut self, side: Side) {
        let mut routed = vec![false; self.index.len()];
        for n in &self.numbered[side_index(side)].ids {
            routed[*n as usize] = true;
        }
        for (n, routed) in (0..).zip(routed) {
            if self.instances.has(Set::Pending, n) != routed {
                self.instances.mark(Set::Pending, n, routed);
                self.instances.touch(n);
            }
        }
    }

    fn is_proxy_config(&self, path: &str) -> bool {
        self.desired
            .topology
            .proxy
            .as_ref()
            .is_some_and(|p| paths::proxy_config(p.kind) == path)
    }

    /// The env file a source installs on `host` for instance `n`: the instance of that side it
    /// was rendered for, with the overrides applied.
    fn env_file(
        &mut self,
        source: &FileSource,
        host: &str,
        n: u32,
    ) -> Result<EnvFile, (ViolationKind, String)> {
        let (h, _) = self
            .index
            .place_of(n)
            .expect("an env file's instance is placed");
        let placed = self
            .index
            .rendered(&source.rendered, (host, h))
            .and_then(|n| self.instances.placed(n, source.side));
        let Some(placed) = placed else {
            return fail(
                ViolationKind::Inconsistent,
                format!("no instance renders {}", source.rendered),
            );
        };
        let mut file = EnvFile {
            side: source.side,
            port: placed.port,
            tcp: placed.tcp,
            fingerprint: placed.fingerprint,
        };
        for o in &source.overrides {
            match o.name.as_str() {
                "PORT" => file.port = o.value.parse().unwrap_or(0),
                "TCP_PORT" => file.tcp = o.value.parse().unwrap_or(0),
                _ => {}
            }
        }
        Ok(file)
    }

    fn remove(&mut self, host: &'a Arc<str>, path: &Arc<str>) {
        if **path == *paths::UNIT_TEMPLATE {
            at(&mut self.units, self.index.host(host)).written = None;
        } else if let Some(n) = self.index.env_file(host, path) {
            self.instances.remove_env(n);
        }
    }

    fn start(&mut self, host: &'a Arc<str>, unit: &'a Arc<str>) -> StepResult {
        if paths::is_mongod_unit(unit) {
            return self.start_mongod(host, unit);
        }
        let Some(n) = self.index.unit(host, unit) else {
            return fail(ViolationKind::Inconsistent, format!("unknown unit {unit}"));
        };
        let (h, port) = self.index.place_of(n).expect("a unit's instance is placed");
        let env = self.env_to_start(n, h, port)?;
        self.can_start(n, h, &env)?;
        let version = self.release_to_start(n, &env)?;
        let id = self.index.id(n);
        self.database.start(id, &version, self.backup_required)?;
        self.versions.start(&version);
        self.instances.touch(n);
        self.instances.start(
            n,
            Running {
                healthy: false,
                tcp: env.tcp,
                fingerprint: env.fingerprint,
                version,
            },
        );
        Ok(())
    }

    /// A mongod starts once its configuration is written; a replica set member rejoins its set.
    fn start_mongod(&mut self, host: &str, unit: &str) -> StepResult {
        let conf = paths::mongod_places(&self.desired.topology)
            .into_iter()
            .find(|p| p.machine == host && p.unit == unit)
            .map(|p| p.conf)
            .unwrap_or_else(|| paths::MONGOD_CONF.to_string());
        if !self.mongod_conf.contains(&(host.to_string(), conf.clone())) {
            return fail(
                ViolationKind::MissingEnvFile,
                format!("{unit} starts on {host} without {conf}"),
            );
        }
        self.mongod_running
            .insert((host.to_string(), unit.to_string()));
        if let Some(set) = self.replica_set.as_mut() {
            if let Some(member) = set.member_of(host, unit) {
                set.start(host, &member)?;
            }
        }
        Ok(())
    }

    /// The env file instance `n` (at `port` of machine `h`) starts with: present, for its
    /// port, and from the same side as the unit template systemd loaded.
    fn env_to_start(&self, n: u32, h: u32, port: u16) -> Result<EnvFile, (ViolationKind, String)> {
        let id = self.index.id(n);
        let Some(env) = self.instances.env(n).cloned() else {
            return fail(
                ViolationKind::MissingEnvFile,
                format!("{id} starts without {}", paths::env_file(port)),
            );
        };
        if env.port != port {
            return fail(
                ViolationKind::MissingEnvFile,
                format!("{id} starts with an env file that sets PORT={}", env.port),
            );
        }
        match self.units.get(h as usize).and_then(|u| u.loaded) {
            None => fail(
                ViolationKind::UnitNotLoaded,
                format!("{id} starts before systemd loaded {}", paths::UNIT_TEMPLATE),
            ),
            Some(side) if self.unit_differs && side != env.side => fail(
                ViolationKind::UnitNotLoaded,
                format!(
                    "{id} starts with the {side:?} unit template but the {:?} env file",
                    env.side
                ),
            ),
            Some(_) => Ok(env),
        }
    }

    /// Whether instance `n` (on machine `h`) may start now: the replica set is initiated, and
    /// neither its place nor its TCP_PORT is taken on its machine.
    fn can_start(&self, n: u32, h: u32, env: &EnvFile) -> StepResult {
        let id = self.index.id(n);
        if !self.mongo_ready {
            return fail(
                ViolationKind::MongoNotReady,
                format!("{id} starts before the replica set is initiated"),
            );
        }
        if self.instances.has(Set::Running, n) {
            return fail(ViolationKind::PortClash, format!("{id} is already running"));
        }
        if env.tcp == 0 {
            return Ok(());
        }
        // The holder named is the first in id order, should several hold it.
        let clash = running_on(&self.index, &self.instances, h)
            .filter(|(_, r)| r.tcp == env.tcp)
            .map(|(port, _)| port)
            .min_by_key(|port| text_order(*port));
        match clash {
            Some(port) => fail(
                ViolationKind::PortClash,
                format!(
                    "{id} takes TCP_PORT {} while {} holds it",
                    env.tcp,
                    instance_id(self.index.host_name(h), port)
                ),
            ),
            None => Ok(()),
        }
    }

    /// The release instance `n` would run, which must be the one its env file was rendered
    /// for.
    fn release_to_start(&self, n: u32, env: &EnvFile) -> Result<Arc<str>, (ViolationKind, String)> {
        let rendered_for = &self.layout(env.side).topology.rocketchat.version;
        let version = self.releases.code(n, &self.bundle);
        if *version != **rendered_for {
            return fail(
                ViolationKind::WrongRelease,
                format!(
                    "{} would run Rocket.Chat {version} with an environment rendered for {rendered_for}",
                    self.index.id(n)
                ),
            );
        }
        Ok(version)
    }

    fn stop(&mut self, host: &'a Arc<str>, unit: &'a Arc<str>) -> StepResult {
        if paths::is_mongod_unit(unit) {
            self.mongod_running
                .remove(&(host.to_string(), unit.to_string()));
            if let Some(set) = self.replica_set.as_mut() {
                if let Some(member) = set.member_of(host, unit) {
                    set.stop(&member)?;
                }
            }
            return Ok(());
        }
        let Some(n) = self.index.unit(host, unit) else {
            return fail(ViolationKind::Inconsistent, format!("unknown unit {unit}"));
        };
        if self.instances.has(Set::Live, n) {
            return fail(
                ViolationKind::RoutesToUnready,
                format!(
                    "{} stops while the proxy still routes to it",
                    self.index.id(n)
                ),
            );
        }
        self.instances.touch(n);
        if let Some(gone) = self.instances.stop(n) {
            if gone.healthy && !self.has_proxy {
                self.serving -= 1;
            }
            self.versions.stop(&gone.version);
        }
        Ok(())
    }

    /// The proxy takes the pending set. Every routed instance must be running and healthy; only
    /// those touched since the last reload can have changed, the rest were checked then.
    fn reload(&mut self) -> StepResult {
        // The first unready instance in id order is the one reported.
        let unready = self
            .instances
            .touched()
            .iter()
            .filter(|n| self.instances.has(Set::Pending, **n))
            .filter(|n| !self.instances.running(**n).is_some_and(|r| r.healthy))
            .min_by_key(|n| self.index.id(**n));
        if let Some(&n) = unready {
            let id = self.index.id(n);
            return fail(
                ViolationKind::RoutesToUnready,
                match self.instances.has(Set::Running, n) {
                    true => format!("the proxy routes to {id} before it is healthy"),
                    false => format!("the proxy routes to {id}, which is not running"),
                },
            );
        }
        for n in self.instances.take_touched() {
            let routed = self.instances.has(Set::Pending, n);
            self.instances.mark(Set::Live, n, routed);
        }
        self.recount();
        Ok(())
    }

    /// Serving instances behind the proxy: the live set, which a reload only accepts when every
    /// member is healthy and a stop refuses to break.
    fn recount(&mut self) {
        self.serving = self.instances.len(Set::Live);
    }

    fn versions_ok(&self) -> Result<(), String> {
        if self.version_changed {
            return Ok(());
        }
        if self.versions.len() > 1 {
            let versions = self.versions.sorted();
            return Err(format!(
                "versions {versions:?} run side by side outside a rolling upgrade"
            ));
        }
        Ok(())
    }

    /// The ids of the instances in `set`, sorted (only for messages).
    fn ids_in(&self, set: Set) -> BTreeSet<&str> {
        self.instances
            .members(set)
            .map(|n| self.index.id(n))
            .collect()
    }

    fn end_state(&self) -> Result<(), String> {
        if self.database.version != self.desired.rocketchat_version() {
            return Err(format!(
                "the database is at {:?}, not migrated to {}",
                self.database.version, self.desired.topology.rocketchat.version
            ));
        }
        if let (Some(set), Some(v)) = (&self.replica_set, self.desired.mongo_version()) {
            set.finished_at(v.major_minor())?;
        }
        let [_, numbered] = &self.numbered;
        // The sets are compared by number; ids are written out only to say how they differ.
        let wanted = distinct(&numbered.ids);
        // As many members as wanted instances, all of them wanted, is the same set.
        let holds = |set: Set| {
            self.instances.len(set) == wanted.len()
                && wanted.iter().all(|n| self.instances.has(set, *n))
        };
        let wanted_ids = || -> BTreeSet<&str> {
            self.desired
                .instances
                .iter()
                .map(|i| i.id.as_str())
                .collect()
        };
        if !holds(Set::Running) {
            let (running, wanted) = (self.ids_in(Set::Running), wanted_ids());
            return Err(format!(
                "running {:?}, desired {:?}",
                running.difference(&wanted).collect::<Vec<_>>(),
                wanted.difference(&running).collect::<Vec<_>>()
            ));
        }
        for (n, i) in self.desired.instances.iter().enumerate() {
            let want = self.desired_prints.get(n);
            self.instance_matches(i, (numbered.ids[n], numbered.places[n]), want)?;
        }
        if !holds(Set::Enabled) {
            return Err(format!(
                "enabled units {:?} differ from the desired instances",
                self.ids_in(Set::Enabled)
            ));
        }
        let places = distinct(&numbered.places);
        if self.instances.len(Set::Env) != places.len()
            || !places.iter().all(|n| self.instances.has(Set::Env, *n))
        {
            return Err(self.env_files_left_over());
        }
        if self.has_proxy && (!holds(Set::Live) || !holds(Set::Pending)) {
            return Err(format!(
                "the proxy routes to {:?}, desired {:?}",
                self.ids_in(Set::Live),
                wanted_ids()
            ));
        }
        self.units_end_state()
    }

    /// The env files written but not desired.
    fn env_files_left_over(&self) -> String {
        let wanted: BTreeSet<(&str, u16)> = self
            .desired
            .instances
            .iter()
            .map(|i| (i.host.as_str(), i.port))
            .collect();
        let written: BTreeSet<(&str, u16)> = self
            .instances
            .members(Set::Env)
            .filter_map(|n| self.index.place_of(n))
            .map(|(h, port)| (self.index.host_name(h), port))
            .collect();
        format!(
            "env files left over: {:?}",
            written.difference(&wanted).collect::<Vec<_>>()
        )
    }

    /// Every machine that loads a unit template runs a desired instance, from the desired
    /// template.
    fn units_end_state(&self) -> Result<(), String> {
        let mut hosts = vec![false; self.index.hosts()];
        for h in &self.numbered[1].hosts {
            hosts[*h as usize] = true;
        }
        for (h, units) in (0..).zip(&self.units) {
            let Some(side) = units.loaded else { continue };
            let host = self.index.host_name(h);
            if !hosts[h as usize] {
                return Err(format!("{host} keeps a unit template but runs no instance"));
            }
            if self.unit_differs && side != Side::Desired {
                return Err(format!("{host} still loads the old unit template"));
            }
        }
        Ok(())
    }

    /// After a wave's rollback: its instances run as `current` has them, or are gone if new.
    fn restored(&self, ids: &[String]) -> Result<(), String> {
        let current = self.current.unwrap_or(self.desired);
        for id in ids {
            let n = self.index.find(id);
            let running = n.and_then(|n| self.instances.running(n));
            match current.instance(id) {
                Some(i) => {
                    let want = fingerprint(current, i);
                    let release = &current.topology.rocketchat.version;
                    match running {
                        Some(r)
                            if r.healthy && r.fingerprint == want && *r.version == **release => {}
                        _ => {
                            return Err(format!(
                                "{id} is not back on its previous version and environment"
                            ))
                        }
                    }
                    let live = n.is_some_and(|n| self.instances.has(Set::Live, n));
                    if self.has_proxy && !live {
                        return Err(format!("{id} is not back in the proxy"));
                    }
                }
                None if running.is_some() => {
                    return Err(format!("{id} still runs after the rollback"))
                }
                None => {}
            }
        }
        if self.database.version.is_some() && self.database.version != current.rocketchat_version()
        {
            return Err(format!(
                "the database stays migrated to {:?} after the rollback",
                self.database.version
            ));
        }
        Ok(())
    }

    /// Whether desired instance `i`, numbered (by id, by place), whose fingerprint is `want`,
    /// runs as the layout has it.
    fn instance_matches(
        &self,
        i: &Instance,
        (id, place): (u32, u32),
        want: u64,
    ) -> Result<(), String> {
        let release = &self.desired.topology.rocketchat.version;
        match self.instances.running(id) {
            Some(r) if r.healthy && r.fingerprint == want && *r.version == **release => {}
            Some(r) if !r.healthy => return Err(format!("{} is not healthy", i.id)),
            _ => {
                return Err(format!(
                    "{} does not run the desired version and environment",
                    i.id
                ))
            }
        }
        match self.instances.env(place) {
            Some(f) if f.fingerprint == want => Ok(()),
            _ => Err(format!("the env file of {} is not the desired one", i.id)),
        }
    }
}

/// The running instances of machine `h` as (port, instance), in port order: callers
/// that name one pick it by [`text_order`], the order of the `host:port` ids.
fn running_on<'w>(
    index: &'w Index,
    instances: &'w Instances,
    h: u32,
) -> impl Iterator<Item = (u16, &'w Running)> {
    index
        .on_host(h)
        .iter()
        .filter_map(|&(port, n)| Some((port, instances.running(n)?)))
}

/// Records where `side`'s layout places its instances (numbered as `numbered`, with their
/// `prints`), for the env files rendered for them.
fn place(
    instances: &mut Instances,
    layout: &Layout,
    numbered: &Numbered,
    side: Side,
    prints: &Fingerprints,
) {
    for (n, i) in layout.instances.iter().enumerate() {
        let placed = Placed {
            port: i.port,
            tcp: i.tcp_port,
            fingerprint: prints.get(n),
        };
        instances.place(numbered.places[n], side, placed);
    }
}

/// `numbers` without repeats.
fn distinct(numbers: &[u32]) -> Vec<u32> {
    let mut distinct = numbers.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    distinct
}

/// `<host>:<port>`, an instance's id (host names are not bracketed here, unlike upstreams).
pub(crate) fn instance_id(host: &str, port: u16) -> String {
    let mut id = String::with_capacity(host.len() + 6);
    push_instance_id(&mut id, host, port);
    id
}

/// Appends [`instance_id`]`(host, port)` to `text`.
pub(crate) fn push_instance_id(text: &mut String, host: &str, port: u16) {
    text.push_str(host);
    text.push(':');
    crate::decimal::push_decimal(text, port.into());
}
