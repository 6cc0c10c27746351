//! Which items each rolling wave takes, and when each late scale-out instance starts.
//!
//! A wave takes at most `parallelism` items (max_unavailable plus the surge instances). A retired
//! item stays out of service after its wave: the instance that takes its place is a late
//! scale-out one, which cannot start before the restarting instance holding its TCP_PORT has
//! moved off it. So each late instance starts right before the first wave after its port is free,
//! and each wave is smaller by the retirements nothing covers yet: not the instances the
//! deployment loses anyway (the floor allows for them), the ones started early, or the late ones
//! already started. When the retirements leave no room at all, the change cannot be rolled
//! within the budget, and [`schedule`] says how much more it needs.

use super::items::{tcp_holders, Item};
use crate::layout::Instance;
use std::collections::HashMap;
use std::ops::Range;

/// What the budget allows at once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Capacity {
    /// Instances that may be out of service at once: max_unavailable plus the surge instances.
    pub parallelism: usize,
    /// Instances serving above the floor before the rolling waves: the ones the deployment loses
    /// anyway (current minus desired) and the ones the early scale-out started.
    pub spare: usize,
}

/// One rolling wave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScheduledWave {
    /// Indices into the late instances that start (and join) right before this wave.
    pub late_before: Vec<usize>,
    /// The items this wave takes, a range of the work's items.
    pub items: Range<usize>,
    /// Whether the wave is one of the canary waves.
    pub canary: bool,
}

/// The rolling waves in order, and the late instances that start after all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Schedule {
    pub waves: Vec<ScheduledWave>,
    pub late_after: Vec<usize>,
}

/// The budget is used up by retirements before a wave can take its next item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NoRoom {
    /// The retired instances out of service at that point.
    pub retired: Vec<String>,
    /// The parallelism with which every wave finds room.
    pub needed: usize,
}

/// Schedules `items` (canaries first, in their own waves) and `late`.
pub(crate) fn schedule(
    items: &[Item],
    canary: usize,
    late: &[&Instance],
    capacity: Capacity,
) -> Result<Schedule, NoRoom> {
    try_schedule(items, canary, late, capacity).map_err(|retired| {
        // Each retirement costs at most one unit of room, so this many more always fits.
        let needed = (capacity.parallelism + 1..=capacity.parallelism + retired.len())
            .find(|&p| {
                let more = Capacity {
                    parallelism: p,
                    ..capacity
                };
                try_schedule(items, canary, late, more).is_ok()
            })
            .unwrap_or(capacity.parallelism + retired.len());
        NoRoom { retired, needed }
    })
}

/// The schedule, or the retired instances out of service when a wave finds no room.
fn try_schedule(
    items: &[Item],
    canary: usize,
    late: &[&Instance],
    capacity: Capacity,
) -> Result<Schedule, Vec<String>> {
    let mut waits = LateWaits::new(items, late);
    let mut retired: Vec<&str> = Vec::new();
    let mut waves = Vec::new();
    let canary = canary.min(items.len());
    for (segment, is_canary) in [(0..canary, true), (canary..items.len(), false)] {
        let mut pos = segment.start;
        while pos < segment.end {
            // New instances run the new release: none starts before the canary gate.
            let late_before = if is_canary {
                Vec::new()
            } else {
                waits.take_ready()
            };
            let uncovered = retired.len().saturating_sub(capacity.spare + waits.started);
            let room = capacity.parallelism.saturating_sub(uncovered);
            if room == 0 {
                return Err(retired.into_iter().map(String::from).collect());
            }
            let end = segment.end.min(pos + room);
            for (k, item) in items.iter().enumerate().take(end).skip(pos) {
                if let Item::Retire(old) = item {
                    retired.push(&old.id);
                }
                waits.done(k);
            }
            waves.push(ScheduledWave {
                late_before,
                items: pos..end,
                canary: is_canary,
            });
            pos = end;
        }
    }
    let mut late_after = waits.take_ready();
    late_after.extend(waits.take_unheld());
    late_after.sort_unstable();
    Ok(Schedule { waves, late_after })
}

/// Where each late instance stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Late {
    /// This many items still hold its TCP_PORT.
    Held(usize),
    /// No rolling item holds its TCP_PORT: it starts after every wave, as the late scale-out.
    Unheld,
    /// Scheduled.
    Started,
}

/// The late instances, each waiting for the items that hold its TCP_PORT.
struct LateWaits {
    state: Vec<Late>,
    /// The late instances waiting for each item.
    waiting_on: HashMap<usize, Vec<usize>>,
    /// Late instances started so far.
    started: usize,
}

impl LateWaits {
    fn new(items: &[Item], late: &[&Instance]) -> LateWaits {
        let holders = tcp_holders(items);
        let mut waiting_on: HashMap<usize, Vec<usize>> = HashMap::new();
        let state = late
            .iter()
            .enumerate()
            .map(
                |(j, new)| match holders.get(&(new.host.as_str(), new.tcp_port)) {
                    Some(ks) => {
                        for &k in ks {
                            waiting_on.entry(k).or_default().push(j);
                        }
                        Late::Held(ks.len())
                    }
                    None => Late::Unheld,
                },
            )
            .collect();
        LateWaits {
            state,
            waiting_on,
            started: 0,
        }
    }

    /// Item `k` went through its wave: it no longer holds its TCP_PORT.
    fn done(&mut self, k: usize) {
        for &j in self.waiting_on.get(&k).into_iter().flatten() {
            if let Late::Held(n) = &mut self.state[j] {
                *n -= 1;
            }
        }
    }

    /// The late instances whose TCP_PORT is free now, marked started.
    fn take_ready(&mut self) -> Vec<usize> {
        self.take(Late::Held(0))
    }

    /// The late instances no rolling item frees a TCP_PORT for, marked started.
    fn take_unheld(&mut self) -> Vec<usize> {
        self.take(Late::Unheld)
    }

    fn take(&mut self, wanted: Late) -> Vec<usize> {
        let ready: Vec<usize> = (0..self.state.len())
            .filter(|&j| self.state[j] == wanted)
            .collect();
        for &j in &ready {
            self.state[j] = Late::Started;
        }
        self.started += ready.len();
        ready
    }
}
