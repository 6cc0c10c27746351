//! The simulator's per-instance state, indexed by the instances' numbers (see `sim_index`):
//! env file, running unit, boot enablement, proxy membership (pending and live), and whether it
//! changed since the last proxy reload. Each set is a flag per instance with its size counted,
//! so a step costs an index into a vector and every frame can report the counts.

use super::action::Side;
use super::sim_index::at;
use std::sync::Arc;

/// An env file as written on its machine.
#[derive(Debug, Clone)]
pub(crate) struct EnvFile {
    /// The layout it was rendered from.
    pub side: Side,
    pub port: u16,
    pub tcp: u32,
    pub fingerprint: u64,
}

/// A running instance as the simulator sees it.
#[derive(Debug, Clone)]
pub(crate) struct Running {
    pub healthy: bool,
    pub tcp: u32,
    pub fingerprint: u64,
    /// Its Rocket.Chat release: shared with every instance that runs it and with the step that
    /// selected it, so a start copies no text.
    pub version: Arc<str>,
}

/// What a layout places at an instance's place: the env file rendered for it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placed {
    pub port: u16,
    pub tcp: u32,
    pub fingerprint: u64,
}

#[derive(Default)]
struct Slot {
    env: Option<EnvFile>,
    running: Option<Running>,
    enabled: bool,
    pending: bool,
    live: bool,
    touched: bool,
    /// The first instance each layout (current, desired) places here.
    placed: [Option<Placed>; 2],
}

/// Every numbered instance's state.
#[derive(Default)]
pub(crate) struct Instances {
    slots: Vec<Slot>,
    running: usize,
    env: usize,
    enabled: usize,
    pending: usize,
    live: usize,
    /// Instances whose routing or state changed since the last reload: the only ones a reload
    /// has to look at, so a reload costs what changed, not every instance.
    touched: Vec<u32>,
}

/// Which counted set.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Set {
    Running,
    Env,
    Enabled,
    Pending,
    Live,
}

/// The index of `side` in pairs kept per layout: current, then desired.
pub(crate) fn side_index(side: Side) -> usize {
    match side {
        Side::Current => 0,
        Side::Desired => 1,
    }
}

impl Instances {
    /// Room for `count` instances: the numbered ones, before any step.
    pub fn with_capacity(count: usize) -> Instances {
        Instances {
            slots: Vec::with_capacity(count),
            ..Instances::default()
        }
    }

    fn slot(&self, n: u32) -> Option<&Slot> {
        self.slots.get(n as usize)
    }

    /// How many instances are in `set`.
    pub fn len(&self, set: Set) -> usize {
        match set {
            Set::Running => self.running,
            Set::Env => self.env,
            Set::Enabled => self.enabled,
            Set::Pending => self.pending,
            Set::Live => self.live,
        }
    }

    /// Whether instance `n` is in `set`.
    pub fn has(&self, set: Set, n: u32) -> bool {
        self.slot(n).is_some_and(|s| match set {
            Set::Running => s.running.is_some(),
            Set::Env => s.env.is_some(),
            Set::Enabled => s.enabled,
            Set::Pending => s.pending,
            Set::Live => s.live,
        })
    }

    /// The instances in `set`, by number.
    pub fn members(&self, set: Set) -> impl Iterator<Item = u32> + '_ {
        (0..self.slots.len() as u32).filter(move |n| self.has(set, *n))
    }

    /// Puts instance `n` in (or out of) a flag set: enabled, pending or live.
    pub fn mark(&mut self, set: Set, n: u32, on: bool) {
        let slot = at(&mut self.slots, n);
        let (flag, count) = match set {
            Set::Enabled => (&mut slot.enabled, &mut self.enabled),
            Set::Pending => (&mut slot.pending, &mut self.pending),
            Set::Live => (&mut slot.live, &mut self.live),
            Set::Running | Set::Env => unreachable!("{set:?} holds a value, not a flag"),
        };
        if *flag != on {
            *flag = on;
            match on {
                true => *count += 1,
                false => *count -= 1,
            }
        }
    }

    pub fn running(&self, n: u32) -> Option<&Running> {
        self.slot(n)?.running.as_ref()
    }

    pub fn running_mut(&mut self, n: u32) -> Option<&mut Running> {
        self.slots.get_mut(n as usize)?.running.as_mut()
    }

    /// Starts (or replaces, should places repeat) instance `n`.
    pub fn start(&mut self, n: u32, running: Running) {
        if at(&mut self.slots, n).running.replace(running).is_none() {
            self.running += 1;
        }
    }

    pub fn stop(&mut self, n: u32) -> Option<Running> {
        let gone = self.slots.get_mut(n as usize)?.running.take();
        if gone.is_some() {
            self.running -= 1;
        }
        gone
    }

    pub fn env(&self, n: u32) -> Option<&EnvFile> {
        self.slot(n)?.env.as_ref()
    }

    /// Writes (or overwrites) instance `n`'s env file.
    pub fn write_env(&mut self, n: u32, file: EnvFile) {
        if at(&mut self.slots, n).env.replace(file).is_none() {
            self.env += 1;
        }
    }

    pub fn remove_env(&mut self, n: u32) {
        if let Some(slot) = self.slots.get_mut(n as usize) {
            if slot.env.take().is_some() {
                self.env -= 1;
            }
        }
    }

    /// What `side`'s layout places at instance `n`'s place.
    pub fn placed(&self, n: u32, side: Side) -> Option<Placed> {
        self.slot(n)?.placed[side_index(side)]
    }

    /// Records what `side`'s layout places at instance `n`, unless an earlier instance of that
    /// layout is there.
    pub fn place(&mut self, n: u32, side: Side, placed: Placed) {
        at(&mut self.slots, n).placed[side_index(side)].get_or_insert(placed);
    }

    /// Marks instance `n` changed since the last reload.
    pub fn touch(&mut self, n: u32) {
        let slot = at(&mut self.slots, n);
        if !slot.touched {
            slot.touched = true;
            self.touched.push(n);
        }
    }

    /// The instances changed since the last reload.
    pub fn touched(&self) -> &[u32] {
        &self.touched
    }

    /// Forgets the changes: a reload took them.
    pub fn take_touched(&mut self) -> Vec<u32> {
        let touched = std::mem::take(&mut self.touched);
        for n in &touched {
            self.slots[*n as usize].touched = false;
        }
        touched
    }
}

/// A key that orders ports as their decimal text does (`10000` before `3000`): each digit plus
/// one, missing digits 0, so a prefix sorts before the numbers it starts.
pub(crate) fn text_order(port: u16) -> [u8; 5] {
    let mut digits = [0u8; 5];
    let (mut n, mut len) = (port, 0);
    loop {
        digits[len] = (n % 10) as u8 + 1;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits[..len].reverse();
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_order_as_their_text() {
        let mut ports = [3000u16, 10000, 300, 31, 4];
        ports.sort_by_key(|p| text_order(*p));
        let mut texts: Vec<String> = ports.iter().map(u16::to_string).collect();
        let sorted = texts.clone();
        texts.sort();
        assert_eq!(texts, sorted);
    }

    #[test]
    fn sets_count_their_members() {
        let mut instances = Instances::default();
        instances.mark(Set::Pending, 3, true);
        instances.mark(Set::Pending, 3, true);
        instances.mark(Set::Pending, 1, true);
        instances.mark(Set::Pending, 1, false);
        assert_eq!(instances.len(Set::Pending), 1);
        assert_eq!(instances.members(Set::Pending).collect::<Vec<_>>(), [3]);
        assert!(!instances.has(Set::Live, 7));
        instances.touch(2);
        instances.touch(2);
        assert_eq!(instances.take_touched(), [2]);
        assert!(instances.touched().is_empty());
    }
}
