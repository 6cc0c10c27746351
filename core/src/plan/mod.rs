//! Rollout planning: from where a deployment is (`current`, or nothing for a fresh install) to
//! where it should be (`desired`), an ordered plan that keeps the capacity the policy allows,
//! never routes traffic to an instance that is not healthy, and stops at the first unhealthy one.
//!
//! ```
//! use rocketchat_topology::{example, plan, Layout};
//! let current = Layout::resolve(&example::topology());
//! let mut next = example::topology();
//! next.rocketchat.version = "7.11.0".into();
//! let desired = Layout::resolve(&next);
//! let plan = plan::plan(Some(&current), &desired, &plan::Policy::default()).unwrap();
//! assert_eq!(plan.summary.restart_waves, 3); // three instances, one at a time
//! ```
//!
//! Modules: [`policy`] (the rules), [`action`] (steps), [`description`] (a step's words), `diff`
//! (what changes), `items`/`budget` (rolling work and parallelism), `schedule` (which items each
//! wave takes, when late instances start), `planner` (waves), [`simulate`] (the proof),
//! [`format_text`], [`format_shell`] and [`commands`] (outputs; the bash helpers scripts call are
//! the files in `plan/shell/`).

pub mod action;
mod budget;
mod builder;
pub mod commands;
pub mod description;
mod diff;
mod error;
pub mod format_shell;
pub mod format_text;
mod id_hash;
mod items;
mod mongo_auth;
mod mongo_upgrade;
mod ops;
mod planned_instance;
mod planner;
pub mod policy;
mod schedule;
mod shell_helpers;
mod sim_index;
mod sim_instances;
mod sim_mongo;
mod sim_release;
pub mod simulate;
pub mod summary;
mod upgrade;

pub use action::{Action, EnvOverride, FileSource, Side, Step};
pub use commands::CommandSet;
pub use description::{Description, Words};
pub use error::PlanError;
pub use format_shell::{ShellOptions, ShellScript};
pub use planner::plan;
pub use policy::{Budget, BudgetError, Estimate, HealthPolicy, Order, Policy};
pub use simulate::{Frame, Timeline, Violation, ViolationKind};
pub use summary::{Rollback, RollbackKind, Summary, WaveKind, WaveSummary};

use serde::Serialize;

/// An ordered, simulated rollout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// Its waves, their rollbacks and what the simulation found.
    pub summary: Summary,
}

impl Plan {
    /// `{"steps": [{"id", "wave", "host", "action": {"kind", ...}, "description"}], "summary": {...}}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// The same JSON (indented, fields in declaration order), written as it is made, so a plan of
    /// thousands of waves is never held whole as a JSON tree or text.
    pub fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        // The serializer writes a few bytes at a time: into a buffer of its own type they are
        // copies the compiler inlines, where each was a call through `out`'s vtable (a third of
        // writing a 15,000-instance plan). `out` receives 64 KiB at a time.
        use std::io::Write as _;
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
        serde_json::to_writer_pretty(&mut buffered, self)?;
        writeln!(buffered)?;
        buffered.flush()
    }

    /// The steps of one wave.
    pub fn wave(&self, wave: u32) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(move |s| s.wave == wave)
    }

    /// The steps grouped by wave, in wave order: `waves()[0]` holds every step of the first wave.
    pub fn waves(&self) -> Vec<Vec<&Step>> {
        let mut waves: std::collections::BTreeMap<u32, Vec<&Step>> = Default::default();
        for step in &self.steps {
            waves.entry(step.wave).or_default().push(step);
        }
        waves.into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waves_group_every_step_in_wave_order() {
        let current = crate::Layout::resolve(&crate::example::topology());
        let plan = plan(None, &current, &Policy::default()).unwrap();
        let waves = plan.waves();
        assert_eq!(waves.len(), plan.summary.waves.len());
        assert_eq!(waves.iter().map(Vec::len).sum::<usize>(), plan.steps.len());
        for (n, wave) in waves.iter().enumerate() {
            assert!(wave.iter().all(|s| s.wave == plan.summary.waves[n].wave));
        }
    }

    #[test]
    fn rollback_steps_are_written_in_the_wave_they_undo() {
        let current = crate::Layout::resolve(&crate::example::topology());
        let mut next = crate::example::topology();
        next.rocketchat.version = "7.11.0".into();
        let desired = crate::Layout::resolve(&next);
        let json = plan(Some(&current), &desired, &Policy::default())
            .unwrap()
            .to_json();
        let mut undone = 0;
        for wave in json["summary"]["waves"].as_array().unwrap() {
            for step in wave["rollback"].as_array().unwrap() {
                assert_eq!(step["wave"], wave["wave"]);
                undone += 1;
            }
        }
        assert!(undone > 0);
    }
}
