//! Accumulates steps wave by wave, numbering them, and keeps each wave's rollback steps.

use super::action::{Action, Step};
use super::summary::{RollbackKind, WaveKind, WaveSummary};

/// A step before it is numbered: machine, action, description.
pub(crate) type Op = (String, Action, String);

#[derive(Default)]
pub(crate) struct Builder {
    pub steps: Vec<Step>,
    pub waves: Vec<WaveSummary>,
}

impl Builder {
    /// Opens a wave; [`Builder::close`] drops it again when nothing was pushed.
    pub(crate) fn open(&mut self, kind: WaveKind) {
        let wave = self.waves.len() as u32 + 1;
        self.waves.push(WaveSummary {
            wave,
            kind,
            instances: Vec::new(),
            rollback: Vec::new(),
            rollback_kind: RollbackKind::Restart,
            rollback_reason: None,
        });
    }

    pub(crate) fn close(&mut self) {
        let wave = self.waves.len() as u32;
        if !self.steps.iter().any(|s| s.wave == wave) {
            self.waves.pop();
        }
    }

    fn wave(&mut self) -> &mut WaveSummary {
        if self.waves.is_empty() {
            self.open(WaveKind::Prepare);
        }
        let last = self.waves.len() - 1;
        &mut self.waves[last]
    }

    pub(crate) fn note_instance(&mut self, id: &str) {
        self.wave().instances.push(id.to_string());
    }

    pub(crate) fn push(&mut self, ops: Vec<Op>) {
        let wave = self.wave().wave;
        for (host, action, description) in ops {
            let id = self.steps.len() as u32 + 1;
            self.steps.push(Step {
                id,
                wave,
                host,
                action,
                description,
            });
        }
    }

    /// Marks the open wave's rollback as a restore or a refusal, with the reason.
    pub(crate) fn refuse_rollback(&mut self, kind: RollbackKind, reason: String) {
        let w = self.wave();
        w.rollback_kind = kind;
        w.rollback_reason = Some(reason);
    }

    /// Replaces the rollback of wave `wave` (restores and refusals after a migration).
    pub(crate) fn replace_rollback(
        &mut self,
        wave: u32,
        kind: RollbackKind,
        reason: String,
        ops: Vec<Op>,
    ) {
        let Some(w) = self.waves.iter_mut().find(|w| w.wave == wave) else {
            return;
        };
        w.rollback_kind = kind;
        w.rollback_reason = Some(reason);
        w.rollback = ops
            .into_iter()
            .enumerate()
            .map(|(n, (host, action, description))| Step {
                id: n as u32 + 1,
                wave,
                host,
                action,
                description,
            })
            .collect();
    }

    pub(crate) fn rollback(&mut self, ops: Vec<Op>) {
        let w = self.wave();
        for (host, action, description) in ops {
            let id = w.rollback.len() as u32 + 1;
            w.rollback.push(Step {
                id,
                wave: w.wave,
                host,
                action,
                description,
            });
        }
    }
}
