//! What a plan does, in figures: the change, the budget it used, its waves (each with the steps
//! that undo it) and how long it should take.

use super::action::{Action, Step};
use super::id_hash::IdHash;
use super::policy::Estimate;
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// What kind of work a wave does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WaveKind {
    /// Fresh install: mongod on every member, then `rs.initiate` once.
    ReplicaSet,
    /// Unit templates written and loaded (running instances are not touched).
    Prepare,
    /// New instances start, become healthy, then join the proxy.
    ScaleOut,
    /// Temporary instances on spare ports join the proxy so capacity never drops.
    SurgeUp,
    /// The first instances restarted, followed by a gate.
    Canary,
    /// Instances leave the proxy, drain, restart (or move) and rejoin once healthy.
    Rolling,
    /// Removed and surge instances leave the proxy, drain and stop.
    ScaleIn,
    /// Unit templates of hosts left without instances are removed.
    Cleanup,
    /// The proxy configuration is installed, validated and reloaded.
    Proxy,
    /// One replica set member restarts on the next MongoDB release series.
    MongoUpgrade,
    /// `setFeatureCompatibilityVersion`, once every member runs the new series.
    MongoFcv,
}

/// How a wave is undone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RollbackKind {
    /// The wave's own steps, in reverse: instances back on their previous release and
    /// environment, one by one, within the same capacity floor.
    #[default]
    Restart,
    /// After the database migrated: every instance stops, the backup is restored, the current
    /// topology starts again on its release. Chat is down meanwhile. It replaces the rollbacks
    /// of every wave from the leader's on; the waves before keep theirs.
    Restore,
    /// No safe way back (a migrated database without a backup, a raised MongoDB feature
    /// compatibility version): `rollback_reason` says why and what to do.
    Refused,
}

/// One wave: its number, kind, the instances it takes out of or puts into service, and the
/// steps that restore the state before it.
///
/// As JSON, a wave whose rollback is the same restore as an earlier wave's (every wave from the
/// upgrade's leader on) carries `"rollback_same_as": <that wave>` and an empty `rollback`: the
/// steps are written once, in that wave, instead of once per wave (a one-at-a-time upgrade of n
/// instances would otherwise write n restores of n instances each). [`WaveSummary::rollback`]
/// holds the steps for every wave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaveSummary {
    /// Its number (steps carry it).
    pub wave: u32,
    /// What it does.
    pub kind: WaveKind,
    /// The instances (`host:port`) it takes out of or puts into service.
    pub instances: Vec<String>,
    /// The steps that undo it.
    pub rollback: Rollback,
    /// How it is undone.
    pub rollback_kind: RollbackKind,
    /// Why its rollback is refused, when it is.
    pub rollback_reason: Option<String>,
    /// The earlier wave whose rollback is this same list of steps (a shared restore).
    pub rollback_same_as: Option<u32>,
}

impl Serialize for WaveSummary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("WaveSummary", 7)?;
        s.serialize_field("wave", &self.wave)?;
        s.serialize_field("kind", &self.kind)?;
        s.serialize_field("instances", &self.instances)?;
        match self.rollback_same_as {
            Some(_) => s.serialize_field("rollback", &[] as &[Step])?,
            None => s.serialize_field("rollback", &self.rollback)?,
        }
        s.serialize_field("rollback_kind", &self.rollback_kind)?;
        if let Some(reason) = &self.rollback_reason {
            s.serialize_field("rollback_reason", reason)?;
        }
        if let Some(wave) = self.rollback_same_as {
            s.serialize_field("rollback_same_as", &wave)?;
        }
        s.end()
    }
}

/// The steps that undo one wave. A restore is the same for every wave from the leader's on, so
/// those waves share one list instead of each holding a copy: a one-at-a-time upgrade of n
/// instances would otherwise hold n restores of n instances each. Read through [`Rollback::steps`],
/// the steps carry the wave they undo.
#[derive(Debug, Clone, Default)]
pub struct Rollback {
    wave: u32,
    /// A `Vec` behind the `Arc`, not a slice: the planner numbers a restore's steps into a vector
    /// of its full size, which an `Arc<[Step]>` would copy once more.
    steps: Arc<Vec<Step>>,
}

impl Rollback {
    /// The rollback of `wave`. `steps` may have been numbered for another wave (a shared restore).
    pub(crate) fn new(wave: u32, steps: Arc<Vec<Step>>) -> Rollback {
        Rollback { wave, steps }
    }

    /// The steps, numbered from 1, each in the rolled-back wave. Borrowed unless the list is
    /// shared with an earlier wave.
    pub fn steps(&self) -> Cow<'_, [Step]> {
        if self.steps.iter().all(|s| s.wave == self.wave) {
            return Cow::Borrowed(&self.steps);
        }
        Cow::Owned(
            self.steps
                .iter()
                .map(|s| Step {
                    wave: self.wave,
                    ..s.clone()
                })
                .collect(),
        )
    }

    /// Its own list, to append steps of `wave` to, the wave it now undoes (a rollback being
    /// built is shared by no other wave).
    pub(crate) fn steps_mut(&mut self, wave: u32) -> &mut Vec<Step> {
        self.wave = wave;
        Arc::make_mut(&mut self.steps)
    }

    /// How many steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether there is no step (nothing to undo, or a refused rollback).
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

impl PartialEq for Rollback {
    fn eq(&self, other: &Rollback) -> bool {
        self.steps() == other.steps()
    }
}

impl Eq for Rollback {}

/// As a list of steps, each in the rolled-back wave, written without copying a shared list.
impl Serialize for Rollback {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.steps.len()))?;
        for step in self.steps.iter() {
            seq.serialize_element(&InWave(self.wave, step))?;
        }
        seq.end()
    }
}

/// A step serialized in wave `.0` (its own, or the wave a rollback undoes).
pub(crate) struct InWave<'a>(pub u32, pub &'a Step);

impl Serialize for InWave<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let InWave(wave, step) = self;
        let mut s = serializer.serialize_struct("Step", 5)?;
        s.serialize_field("id", &step.id)?;
        s.serialize_field("wave", wave)?;
        s.serialize_field("host", &step.host)?;
        s.serialize_field("action", &step.action)?;
        s.serialize_field("description", &step.description())?;
        s.end()
    }
}

/// The plan in figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// `install`, `upgrade`, `config`, `scale_out`, `scale_in`, `port_move`, `proxy`, or empty
    /// when nothing changes.
    pub changes: Vec<&'static str>,
    /// The Rocket.Chat release before (none for an install).
    pub from_version: Option<String>,
    /// The Rocket.Chat release after.
    pub to_version: String,
    /// Instances before the rollout.
    pub instances_before: usize,
    /// Instances after it.
    pub instances_after: usize,
    /// Instances that go out of service once (restart, move or early retirement).
    pub instances_to_restart: usize,
    /// The policy's `max_unavailable`, as a count.
    pub max_unavailable: usize,
    /// The policy's `max_surge`, as a count.
    pub max_surge: usize,
    /// Instances restarted at once: max_unavailable + surge instances.
    pub parallelism: usize,
    /// Waves that take instances out of service (canary + rolling).
    pub restart_waves: usize,
    /// Serving instances never drop below this.
    pub min_serving: usize,
    /// Every wave, in order.
    pub waves: Vec<WaveSummary>,
    /// Expected duration, assuming instances start in a typical time and gates pass at once.
    pub estimated_seconds: u64,
    /// Duration if every health check takes its full deadline.
    pub worst_case_seconds: u64,
    /// The instance that starts the new release first, alone, and migrates the database.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leader: Option<String>,
    /// The database dump taken before the leader starts (`None`: no upgrade, or `backup` off).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup: Option<String>,
    /// MongoDB release series from the running one through each upgrade (`["6.0", "7.0", "8.0"]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mongo_path: Vec<String>,
    /// What the operator should know before running the plan (a skipped backup, ...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Seconds a MongoDB server package typically needs to download and install.
const PACKAGE_SECONDS: u64 = 120;
/// Seconds a typical database dump or restore takes (it grows with the database).
const BACKUP_SECONDS: u64 = 60;
/// Seconds a restarted replica set member typically needs to be SECONDARY and caught up.
const MEMBER_CATCH_UP_SECONDS: u64 = 30;

/// (typical, worst case) seconds for a plan's steps, the typical times from `estimate`.
///
/// A wave starts its instances one after another and then waits for each in turn, so an
/// instance's start time runs while the steps after its start do: its wait counts only the start
/// time still ahead of it (a fresh install of six instances of a 45 s start takes about one start,
/// not six).
pub(crate) fn plan_seconds<'a>(
    steps: impl Iterator<Item = &'a Action>,
    estimate: &Estimate,
) -> (u64, u64) {
    let (mut typical_ms, mut worst) = (0u64, 0u64);
    // When (in typical milliseconds into the plan) each instance last started.
    let mut started: HashMap<&str, u64, IdHash> = HashMap::default();
    for action in steps {
        if let Action::WaitHealthy { instance, .. } = action {
            let since_start = started
                .remove(&**instance)
                .map(|at| typical_ms.saturating_sub(at));
            typical_ms =
                typical_ms.saturating_add(wait_healthy_millis(action, estimate, since_start));
        }
        match step_seconds(action, estimate) {
            Some((t, w)) => {
                typical_ms = typical_ms.saturating_add(t.saturating_mul(1000));
                worst = worst.saturating_add(w);
            }
            None => {
                typical_ms = typical_ms.saturating_add(u64::from(estimate.step_millis));
                worst =
                    worst.saturating_add(u64::from(estimate.step_millis.max(1000)).div_ceil(1000));
            }
        }
        if let Action::StartUnit {
            instance: Some(instance),
            ..
        } = action
        {
            started.insert(instance, typical_ms);
        }
    }
    (typical_ms.div_ceil(1000), worst)
}

/// Typical milliseconds a health wait takes: the start time still ahead of the instance (all of
/// it when `since_start` is unknown), rounded up to the probe interval (the first good probe
/// follows the start by up to one interval), then `min_healthy_seconds` of staying healthy.
fn wait_healthy_millis(action: &Action, estimate: &Estimate, since_start: Option<u64>) -> u64 {
    let Action::WaitHealthy {
        deadline_seconds,
        interval_seconds,
        min_healthy_seconds,
        ..
    } = action
    else {
        return 0;
    };
    let start = u64::from(estimate.start_seconds.min(*deadline_seconds)) * 1000;
    let ahead = start.saturating_sub(since_start.unwrap_or(0));
    let probe = u64::from((*interval_seconds).max(1)) * 1000;
    ahead.div_ceil(probe) * probe + u64::from(*min_healthy_seconds) * 1000
}

/// (typical, worst case) seconds for a step that waits or fetches (a health wait's typical time
/// is `wait_healthy_millis`'s); `None` for the others.
fn step_seconds(action: &Action, estimate: &Estimate) -> Option<(u64, u64)> {
    let stage = u64::from(estimate.stage_seconds);
    Some(match action {
        Action::WaitHealthy {
            deadline_seconds,
            min_healthy_seconds,
            ..
        } => {
            // Its typical time depends on when the instance started: `wait_healthy_millis`.
            (
                0,
                u64::from(*deadline_seconds) + u64::from(*min_healthy_seconds),
            )
        }
        Action::WaitDrained { seconds } => (u64::from(*seconds), u64::from(*seconds)),
        Action::StageRelease { .. } => (stage, stage * 4),
        Action::Backup { .. } | Action::Restore { .. } => (BACKUP_SECONDS, BACKUP_SECONDS * 10),
        Action::MongoWaitMember {
            deadline_seconds, ..
        } => (MEMBER_CATCH_UP_SECONDS, u64::from(*deadline_seconds)),
        Action::MongoInstall { .. } => (PACKAGE_SECONDS, PACKAGE_SECONDS * 4),
        Action::Gate { .. } => (0, 0),
        _ => return None,
    })
}
