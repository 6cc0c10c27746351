//! Accumulates steps wave by wave, numbering them, and keeps each wave's rollback steps.

use super::action::{Action, Step};
use super::description::Description;
use super::summary::{Rollback, RollbackKind, WaveKind, WaveSummary};
use std::sync::Arc;

/// A step before it is numbered: machine, action, description.
pub(crate) type Op = (Arc<str>, Action, Description);

#[derive(Default)]
pub(crate) struct Builder {
    pub steps: Vec<Step>,
    pub waves: Vec<WaveSummary>,
    /// Steps in the plan when the open wave opened: it is empty while none came after.
    opened_at: usize,
}

impl Builder {
    /// Opens a wave; [`Builder::close`] drops it again when nothing was pushed.
    pub(crate) fn open(&mut self, kind: WaveKind) {
        let wave = self.waves.len() as u32 + 1;
        self.waves.push(WaveSummary {
            wave,
            kind,
            instances: Vec::new(),
            rollback: Rollback::default(),
            rollback_kind: RollbackKind::Restart,
            rollback_reason: None,
            rollback_same_as: None,
        });
        self.opened_at = self.steps.len();
    }

    pub(crate) fn close(&mut self) {
        if self.steps.len() == self.opened_at {
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

    /// Replaces the rollback of wave `wave` (restores and refusals after a migration) with
    /// `steps` from [`numbered`], which several waves may share: `same_as` is the earlier wave
    /// that has the same steps.
    pub(crate) fn replace_rollback(
        &mut self,
        wave: u32,
        kind: RollbackKind,
        reason: String,
        steps: Arc<Vec<Step>>,
        same_as: Option<u32>,
    ) {
        // Waves are numbered from 1 in order.
        let Some(w) = self.waves.get_mut(wave as usize - 1) else {
            return;
        };
        w.rollback_kind = kind;
        w.rollback_reason = Some(reason);
        w.rollback = Rollback::new(wave, steps);
        w.rollback_same_as = same_as;
    }

    pub(crate) fn rollback(&mut self, ops: Vec<Op>) {
        let w = self.wave();
        let mut steps = w.rollback.steps().into_owned();
        steps.extend(numbered(w.wave, steps.len(), ops));
        w.rollback = Rollback::new(w.wave, Arc::new(steps));
    }
}

/// The sequences of `parts`, in order, in one vector allocated at its full size: extending one
/// sequence by the next would grow and copy it several times over a wave of hundreds of
/// instances.
pub(crate) fn concat(parts: Vec<Vec<Op>>) -> Vec<Op> {
    let mut ops = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for part in parts {
        ops.extend(part);
    }
    ops
}

/// The sequences of `parts`, in order, as steps of `wave` numbered from 1, in one vector
/// allocated at its full size (see [`concat`]), without joining the sequences first.
pub(crate) fn numbered_parts(wave: u32, parts: Vec<Vec<Op>>) -> Vec<Step> {
    let mut steps = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for part in parts {
        let before = steps.len();
        steps.extend(numbered(wave, before, part));
    }
    steps
}

/// `ops` as steps of `wave`, numbered on from `before` steps.
pub(crate) fn numbered(wave: u32, before: usize, ops: Vec<Op>) -> impl Iterator<Item = Step> {
    ops.into_iter()
        .enumerate()
        .map(move |(n, (host, action, description))| Step {
            id: (before + n) as u32 + 1,
            wave,
            host,
            action,
            description,
        })
}
