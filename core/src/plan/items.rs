//! The work of the rolling waves: every instance that goes out of service once (restarted in
//! place, replaced by one on a new port that needs its TCP_PORT, or retired early because a
//! restarting instance needs its TCP_PORT), in an order that spreads each wave over hosts and
//! frees a TCP_PORT before another instance takes it.

use super::diff::{Diff, Kept};
use super::error::PlanError;
use super::id_hash::IdHash;
use super::policy::Order;
use crate::layout::{Instance, Layout};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};

#[derive(Debug, Clone, Copy)]
pub(crate) enum Item<'a> {
    Restart(Kept<'a>),
    Replace {
        old: &'a Instance,
        new: &'a Instance,
    },
    Retire(&'a Instance),
}

impl<'a> Item<'a> {
    pub(crate) fn predecessor(&self) -> &'a Instance {
        match *self {
            Item::Restart(k) => k.current,
            Item::Replace { old, .. } | Item::Retire(old) => old,
        }
    }

    pub(crate) fn successor(&self) -> Option<&'a Instance> {
        match *self {
            Item::Restart(k) => Some(k.desired),
            Item::Replace { new, .. } => Some(new),
            Item::Retire(_) => None,
        }
    }

    fn sort_key(&self, order: Order) -> (usize, usize, u16) {
        let i = self.predecessor();
        match order {
            Order::Spread => (i.ordinal, i.host_index, i.port),
            Order::ByHost => (i.host_index, i.ordinal, i.port),
        }
    }
}

/// The rolling work, and the added/removed instances left for the scale-out and scale-in waves.
pub(crate) struct Work<'a> {
    pub items: Vec<Item<'a>>,
    /// Added instances that start before the rolling waves (their ports are free).
    pub early: Vec<&'a Instance>,
    /// Added instances whose TCP_PORT a restarting instance holds until its wave.
    pub late: Vec<&'a Instance>,
    /// Removed instances that leave in the scale-in wave.
    pub removed: Vec<&'a Instance>,
}

/// Where an instance's TCP_PORT is: (host, port), none for an instance without one.
fn tcp_slot(i: &Instance) -> Option<(&str, u32)> {
    (i.tcp_port != 0).then_some((i.host.as_str(), i.tcp_port))
}

/// Removed instances by the TCP_PORT they hold, each taken at most once, in their order.
struct Removed<'a> {
    all: Vec<&'a Instance>,
    taken: Vec<bool>,
    by_slot: HashMap<(&'a str, u32), VecDeque<usize>, IdHash>,
}

impl<'a> Removed<'a> {
    fn new(all: Vec<&'a Instance>) -> Removed<'a> {
        let mut by_slot: HashMap<(&'a str, u32), VecDeque<usize>, IdHash> = HashMap::default();
        for (n, i) in all.iter().enumerate() {
            if let Some(slot) = tcp_slot(i) {
                by_slot.entry(slot).or_default().push_back(n);
            }
        }
        let taken = vec![false; all.len()];
        Removed {
            all,
            taken,
            by_slot,
        }
    }

    /// The first removed instance not yet taken that holds the TCP_PORT `new` needs.
    fn take_holder(&mut self, new: &'a Instance) -> Option<&'a Instance> {
        let n = self.by_slot.get_mut(&tcp_slot(new)?)?.pop_front()?;
        self.taken[n] = true;
        Some(self.all[n])
    }

    fn rest(self) -> Vec<&'a Instance> {
        let taken = self.taken;
        self.all
            .into_iter()
            .enumerate()
            .filter(|(n, _)| !taken[*n])
            .map(|(_, i)| i)
            .collect()
    }
}

/// Sorts the diff into rolling items and scale waves, ordered for `order`.
pub(crate) fn work<'a>(
    diff: &Diff<'a>,
    current: Option<&'a Layout>,
    order: Order,
) -> Result<Work<'a>, PlanError> {
    let mut items: Vec<Item<'a>> = diff.restart.iter().copied().map(Item::Restart).collect();
    let mut removed = Removed::new(diff.removed.clone());
    let mut held: HashSet<(&str, u32), IdHash> = HashSet::default();
    if let Some(c) = current {
        // Sized at once: grown from empty, the set would hash every slot again at each growth.
        held.reserve(c.instances.len());
        held.extend(c.instances.iter().filter_map(tcp_slot));
    }
    let (mut early, mut late) = (Vec::new(), Vec::new());
    for &new in &diff.added {
        if let Some(old) = removed.take_holder(new) {
            items.push(Item::Replace { old, new });
        } else if tcp_slot(new).is_some_and(|slot| held.contains(&slot)) {
            late.push(new);
        } else {
            early.push(new);
        }
    }
    // A restarting instance whose new TCP_PORT a removed instance holds: retire that one early.
    let retire: Vec<&Instance> = items
        .iter()
        .filter_map(|item| removed.take_holder(item.successor()?))
        .collect();
    items.extend(retire.into_iter().map(Item::Retire));
    Ok(Work {
        items: ordered(items, order)?,
        early,
        late,
        removed: removed.rest(),
    })
}

/// The items holding each (host, TCP_PORT) before their wave, by position in `items`.
pub(crate) fn tcp_holders<'a>(items: &[Item<'a>]) -> HashMap<(&'a str, u32), Vec<usize>, IdHash> {
    let mut holders: HashMap<(&str, u32), Vec<usize>, IdHash> =
        HashMap::with_capacity_and_hasher(items.len(), IdHash::default());
    for (k, item) in items.iter().enumerate() {
        if let Some(slot) = tcp_slot(item.predecessor()) {
            holders.entry(slot).or_default().push(k);
        }
    }
    holders
}

/// Orders items by `order`, except that an item taking a TCP_PORT comes after the item that
/// frees it (same wave or earlier; a wave stops everything before it starts anything).
fn ordered<'a>(mut items: Vec<Item<'a>>, order: Order) -> Result<Vec<Item<'a>>, PlanError> {
    items.sort_by_key(|i| i.sort_key(order));
    // Who holds each (host, TCP_PORT) now, so each item finds the ones it waits for at once.
    let holders = tcp_holders(&items);
    // waiting[j] = how many items hold the TCP_PORT item j takes; freed[k] = the items waiting
    // for item k.
    let mut waiting = vec![0usize; items.len()];
    let mut freed: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    for (j, item) in items.iter().enumerate() {
        let Some(new) = item.successor().filter(|n| n.tcp_port != 0) else {
            continue;
        };
        for &k in holders
            .get(&(new.host.as_str(), new.tcp_port))
            .into_iter()
            .flatten()
        {
            if k != j {
                waiting[j] += 1;
                freed[k].push(j);
            }
        }
    }
    if waiting.iter().all(|n| *n == 0) {
        return Ok(items);
    }
    // Always the first item (in `order`) whose TCP_PORT is free.
    let mut ready: BinaryHeap<Reverse<usize>> = (0..items.len())
        .filter(|j| waiting[*j] == 0)
        .map(Reverse)
        .collect();
    let mut sequence = Vec::with_capacity(items.len());
    while let Some(Reverse(k)) = ready.pop() {
        sequence.push(items[k]);
        for &j in &freed[k] {
            waiting[j] -= 1;
            if waiting[j] == 0 {
                ready.push(Reverse(j));
            }
        }
    }
    if sequence.len() < items.len() {
        let stuck: Vec<String> = (0..items.len())
            .filter(|j| waiting[*j] > 0)
            .map(|j| items[j].predecessor().id.clone())
            .collect();
        return Err(PlanError::PortCycle {
            instances: stuck.join(", "),
        });
    }
    Ok(sequence)
}
