//! The work of the rolling waves: every instance that goes out of service once (restarted in
//! place, replaced by one on a new port that needs its TCP_PORT, or retired early because a
//! restarting instance needs its TCP_PORT), in an order that spreads each wave over hosts and
//! frees a TCP_PORT before another instance takes it.

use super::diff::{Diff, Kept};
use super::error::PlanError;
use super::policy::Order;
use crate::layout::{Instance, Layout};
use std::collections::BTreeSet;

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

fn holds_tcp(i: &Instance, host: &str, tcp: u32) -> bool {
    tcp != 0 && i.host == host && i.tcp_port == tcp
}

/// Sorts the diff into rolling items and scale waves, ordered for `order`.
pub(crate) fn work<'a>(
    diff: &Diff<'a>,
    current: Option<&'a Layout>,
    order: Order,
) -> Result<Work<'a>, PlanError> {
    let mut items: Vec<Item<'a>> = diff.restart.iter().copied().map(Item::Restart).collect();
    let mut removed: Vec<&Instance> = diff.removed.clone();
    let (mut early, mut late) = (Vec::new(), Vec::new());
    for &new in &diff.added {
        let conflict = |i: &&Instance| holds_tcp(i, &new.host, new.tcp_port);
        if let Some(pos) = removed.iter().position(conflict) {
            let old = removed.remove(pos);
            items.push(Item::Replace { old, new });
        } else if current.is_some_and(|c| c.instances.iter().any(|i| conflict(&i))) {
            late.push(new);
        } else {
            early.push(new);
        }
    }
    // A restarting instance whose new TCP_PORT a removed instance holds: retire that one early.
    let mut retire = Vec::new();
    for item in &items {
        if let Some(new) = item.successor() {
            if let Some(pos) = removed
                .iter()
                .position(|i| holds_tcp(i, &new.host, new.tcp_port))
            {
                retire.push(removed.remove(pos));
            }
        }
    }
    items.extend(retire.into_iter().map(Item::Retire));
    Ok(Work {
        items: ordered(items, order)?,
        early,
        late,
        removed,
    })
}

/// Orders items by `order`, except that an item taking a TCP_PORT comes after the item that
/// frees it (same wave or earlier; a wave stops everything before it starts anything).
fn ordered<'a>(mut items: Vec<Item<'a>>, order: Order) -> Result<Vec<Item<'a>>, PlanError> {
    items.sort_by_key(|i| i.sort_key(order));
    // needs[j] = indices of items holding the TCP_PORT item j takes.
    let needs: Vec<Vec<usize>> = items
        .iter()
        .enumerate()
        .map(|(j, item)| match item.successor() {
            Some(new) if new.tcp_port != 0 => items
                .iter()
                .enumerate()
                .filter(|(k, other)| {
                    *k != j && holds_tcp(other.predecessor(), &new.host, new.tcp_port)
                })
                .map(|(k, _)| k)
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    if needs.iter().all(Vec::is_empty) {
        return Ok(items);
    }
    let mut placed: BTreeSet<usize> = BTreeSet::new();
    let mut sequence = Vec::with_capacity(items.len());
    while sequence.len() < items.len() {
        let next = (0..items.len())
            .find(|j| !placed.contains(j) && needs[*j].iter().all(|k| placed.contains(k)));
        match next {
            Some(j) => {
                placed.insert(j);
                sequence.push(items[j]);
            }
            None => {
                let stuck: Vec<String> = (0..items.len())
                    .filter(|j| !placed.contains(j))
                    .map(|j| items[j].predecessor().id.clone())
                    .collect();
                return Err(PlanError::PortCycle {
                    instances: stuck.join(", "),
                });
            }
        }
    }
    Ok(sequence)
}
