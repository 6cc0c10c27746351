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

    /// Notes each of `ids`, in order, in a list grown once.
    pub(crate) fn note_instances<'i>(&mut self, ids: impl ExactSizeIterator<Item = &'i str>) {
        let instances = &mut self.wave().instances;
        instances.reserve(ids.len());
        instances.extend(ids.map(str::to_string));
    }

    /// Room for `more` steps in the plan: a phase that knows about how many it adds grows the
    /// list once, where growing by doubling copied every step made so far each time. Room never
    /// written costs no memory.
    pub(crate) fn reserve(&mut self, more: usize) {
        self.steps.reserve(more);
    }

    /// Where the open wave's steps go: sequences write them into the plan as they make them.
    pub(crate) fn out(&mut self) -> Out<'_> {
        let wave = self.wave().wave;
        Out {
            steps: &mut self.steps,
            wave,
        }
    }

    pub(crate) fn push(&mut self, ops: Vec<Op>) {
        self.out().extend(ops);
    }

    /// Marks the open wave's rollback as a restore or a refusal, with the reason.
    pub(crate) fn refuse_rollback(&mut self, kind: RollbackKind, reason: String) {
        let w = self.wave();
        w.rollback_kind = kind;
        w.rollback_reason = Some(reason);
    }

    /// Replaces the rollback of wave `wave` (restores and refusals after a migration) with
    /// `steps` (numbered for the first of them), which several waves may share: `same_as` is
    /// the earlier wave that has the same steps.
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

    /// Where the open wave's rollback steps go, after those it has: sequences write them into
    /// its list as they make them.
    pub(crate) fn undo(&mut self) -> Out<'_> {
        let w = self.wave();
        let wave = w.wave;
        Out {
            steps: w.rollback.steps_mut(wave),
            wave,
        }
    }

    pub(crate) fn rollback(&mut self, ops: Vec<Op>) {
        self.undo().extend(ops);
    }
}

/// A list of steps being written: the plan's, a wave's rollback or a restore. Each step is
/// numbered by its place in the list and placed in `wave`. The planner's sequences write their
/// steps here directly: made in a vector of their own first, every step of a 15,000-instance
/// plan was copied once more into fresh memory, and the vectors' large frees made the
/// allocator sweep its free lists.
pub(crate) struct Out<'v> {
    steps: &'v mut Vec<Step>,
    wave: u32,
}

impl<'v> Out<'v> {
    /// Steps of `wave` appended to `steps`, numbered on from those it holds.
    pub(crate) fn new(steps: &'v mut Vec<Step>, wave: u32) -> Out<'v> {
        Out { steps, wave }
    }

    pub(crate) fn push(&mut self, host: Arc<str>, action: Action, description: Description) {
        let id = self.steps.len() as u32 + 1;
        self.steps.push(Step {
            id,
            wave: self.wave,
            host,
            action,
            description,
        });
    }

    pub(crate) fn extend(&mut self, ops: Vec<Op>) {
        self.steps.reserve(ops.len());
        for (host, action, description) in ops {
            self.push(host, action, description);
        }
    }

    /// Room for `more` steps, so a long sequence grows the list once.
    pub(crate) fn reserve(&mut self, more: usize) {
        self.steps.reserve(more);
    }
}
