//! A rolling MongoDB replica set upgrade, as MongoDB documents it: one release series at a time
//! (6.0 -> 8.0 goes through 7.0), members restarted one by one on the new binary with the
//! expected primary last (stepped down first), each waiting until it is SECONDARY again and
//! caught up, and `setFeatureCompatibilityVersion` only once every member runs the new binary
//! (with `confirm: true` from 7.0, which requires it).

use super::action::Action;
use super::builder::{Builder, Op};
use super::error::PlanError;
use super::summary::{RollbackKind, WaveKind};
use crate::model::Topology;
use crate::paths::{self, MongodPlace};
use crate::version::Version;
use std::sync::Arc;

/// The release series a replica set passes through, in order. Upgrades go from one to the next.
const SERIES: &[(u32, u32)] = &[(4, 0), (4, 2), (4, 4), (5, 0), (6, 0), (7, 0), (8, 0)];

/// Seconds a restarted member gets to become SECONDARY and catch up.
pub(crate) const MEMBER_DEADLINE_SECONDS: u32 = 600;

/// The series after `from` up to `to`: `6.0 -> 8.0` gives `[7.0, 8.0]`; a target between two
/// series (8.2) comes last. Refuses downgrades (MongoDB needs its support team for those).
pub(crate) fn path(from: Version, to: Version) -> Result<Vec<(u32, u32)>, PlanError> {
    let (from, to) = (from.major_minor(), to.major_minor());
    if to < from {
        return Err(PlanError::MongoDowngrade {
            from: format!("{}.{}", from.0, from.1),
            to: format!("{}.{}", to.0, to.1),
        });
    }
    let mut steps: Vec<(u32, u32)> = SERIES
        .iter()
        .copied()
        .filter(|s| *s > from && *s <= to)
        .collect();
    if to > from && steps.last() != Some(&to) {
        steps.push(to);
    }
    Ok(steps)
}

/// `major.minor`.
pub(crate) fn series_name(s: (u32, u32)) -> String {
    format!("{}.{}", s.0, s.1)
}

/// Whether `setFeatureCompatibilityVersion` to `s` needs `confirm: true` (new and required in
/// MongoDB 7.0).
pub(crate) fn needs_confirm(s: (u32, u32)) -> bool {
    s >= (7, 0)
}

/// The member the plan expects to be primary, upgraded last: the highest priority among
/// data-bearing, visible members (default priority 1), the first one on a tie.
pub(crate) fn expected_primary(topology: &Topology) -> Option<usize> {
    let members = &topology.mongo.members;
    let mut best: Option<(usize, f64)> = None;
    for (n, m) in members.iter().enumerate() {
        if m.arbiter || m.hidden {
            continue;
        }
        let p = m.priority.unwrap_or(1.0);
        if p > 0.0 && best.is_none_or(|(_, b)| p > b) {
            best = Some((n, p));
        }
    }
    best.map(|(n, _)| n)
}

/// Member indices in upgrade order: every other member first, the expected primary last.
pub(crate) fn order(topology: &Topology) -> Vec<usize> {
    let primary = expected_primary(topology);
    let mut order: Vec<usize> = (0..topology.mongo.members.len())
        .filter(|n| Some(*n) != primary)
        .collect();
    order.extend(primary);
    order
}

/// `rs0/db1:27017,db2:27017,db3:27017`, how mongosh reaches whichever member is primary.
pub(crate) fn seeds(topology: &Topology) -> String {
    let hosts: Vec<&str> = topology
        .mongo
        .members
        .iter()
        .map(|m| m.host.as_str())
        .collect();
    match &topology.mongo.replica_set {
        Some(set) => format!("{set}/{}", hosts.join(",")),
        None => hosts.join(","),
    }
}

/// One wave per member and series, then one for the feature compatibility version. Member
/// waves roll back by reinstalling the previous series; the FCV wave cannot be rolled back.
pub(crate) fn waves(current: &Topology, to: Version, b: &mut Builder) -> Result<(), PlanError> {
    let Some(from) = current.mongo.version.parse::<Version>().ok() else {
        return Ok(());
    };
    let places = paths::mongod_places(current);
    let mut previous = from.major_minor();
    for step in path(from, to)? {
        let mut installed: Vec<&str> = Vec::new();
        for n in order(current) {
            let (Some(member), Some(place)) = (current.mongo.members.get(n), places.get(n)) else {
                continue;
            };
            let first_on_machine = !installed.contains(&place.machine.as_str());
            installed.push(&place.machine);
            b.open(WaveKind::MongoUpgrade);
            b.note_instance(&member.host);
            b.push(member_ops(&member.host, place, step, first_on_machine));
            b.rollback(member_ops(&member.host, place, previous, true));
            b.close();
        }
        b.open(WaveKind::MongoFcv);
        let name = series_name(step);
        let machine = places
            .first()
            .map_or_else(|| "".into(), |p| p.machine.as_str().into());
        b.push(vec![(
            machine,
            Action::MongoSetFcv {
                replica_set: current.mongo.replica_set.clone().unwrap_or_default(),
                seeds: seeds(current),
                version: name.clone(),
                confirm: needs_confirm(step),
            },
            format!(
                "set featureCompatibilityVersion {name}{}: every member runs MongoDB {name} now",
                if needs_confirm(step) {
                    " (confirm: true)"
                } else {
                    ""
                }
            )
            .into(),
        )]);
        b.refuse_rollback(
            RollbackKind::Refused,
            format!("featureCompatibilityVersion {name} is set: MongoDB binaries cannot go back to {} without MongoDB support; restore from a backup instead", series_name(previous)),
        );
        b.close();
        previous = step;
    }
    Ok(())
}

/// Step down if primary, stop, install the series (once per machine), start, wait until caught up.
fn member_ops(member: &str, place: &MongodPlace, series: (u32, u32), install: bool) -> Vec<Op> {
    let name = series_name(series);
    let machine: Arc<str> = place.machine.as_str().into();
    let unit: Arc<str> = place.unit.as_str().into();
    let mut ops: Vec<Op> = vec![
        (
            machine.clone(),
            Action::MongoStepDown {
                member: member.to_string(),
            },
            format!("step {member} down if it is the primary").into(),
        ),
        (
            machine.clone(),
            Action::StopUnit {
                unit: unit.clone(),
                instance: None,
            },
            format!("stop {} ({member})", place.unit).into(),
        ),
    ];
    if install {
        ops.push((
            machine.clone(),
            Action::MongoInstall {
                version: name.clone(),
            },
            format!("install the MongoDB {name} server package on {machine}").into(),
        ));
    }
    ops.push((
        machine.clone(),
        Action::StartUnit {
            unit,
            instance: None,
        },
        format!("start {} ({member}) on MongoDB {name}", place.unit).into(),
    ));
    ops.push((
        machine,
        Action::MongoWaitMember {
            member: member.to_string(),
            deadline_seconds: MEMBER_DEADLINE_SECONDS,
        },
        format!("wait until {member} is SECONDARY again and caught up").into(),
    ));
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        s.parse().unwrap()
    }

    #[test]
    fn upgrades_go_one_series_at_a_time() {
        assert_eq!(path(v("6.0"), v("8.0")).unwrap(), vec![(7, 0), (8, 0)]);
        assert_eq!(path(v("4.4"), v("6.0")).unwrap(), vec![(5, 0), (6, 0)]);
        assert_eq!(path(v("8.0"), v("8.2")).unwrap(), vec![(8, 2)]);
        assert_eq!(path(v("7.0"), v("7.0")).unwrap(), Vec::<(u32, u32)>::new());
        assert!(path(v("8.0"), v("7.0")).is_err());
    }

    #[test]
    fn confirm_is_required_from_7_0() {
        assert!(!needs_confirm((6, 0)));
        assert!(needs_confirm((7, 0)));
        assert!(needs_confirm((8, 0)));
    }
}
