//! The simulator's replica set during a MongoDB upgrade: the package installed on each machine,
//! the binary each member runs, which members are up and caught up, the primary, and the feature
//! compatibility version. It checks what MongoDB's upgrade procedure demands.

use super::mongo_upgrade::{self, needs_confirm, series_name};
use super::simulate::ViolationKind;
use crate::model::Topology;
use crate::paths;
use std::collections::{BTreeMap, BTreeSet};

type Series = (u32, u32);
type Check = Result<(), (ViolationKind, String)>;

fn fail(message: String) -> Check {
    Err((ViolationKind::MongoUpgrade, message))
}

#[derive(Debug, Clone)]
struct Place {
    machine: String,
    unit: String,
    member: String,
    /// Can hold the primary (data-bearing, visible, priority > 0).
    electable: bool,
}

/// The replica set as the plan changes it.
#[derive(Debug, Clone)]
pub(crate) struct ReplicaSet {
    places: Vec<Place>,
    installed: BTreeMap<String, Series>,
    binary: BTreeMap<String, Series>,
    ready: BTreeSet<String>,
    primary: Option<String>,
    fcv: Series,
}

impl ReplicaSet {
    /// A running set as `topology` describes it: every member up on its series, the expected
    /// primary elected. `None` when the version does not parse.
    pub(crate) fn running(topology: &Topology) -> Option<ReplicaSet> {
        let series = topology
            .mongo
            .version
            .parse::<crate::Version>()
            .ok()?
            .major_minor();
        let places: Vec<Place> = paths::mongod_places(topology)
            .into_iter()
            .zip(&topology.mongo.members)
            .map(|(p, m)| Place {
                machine: p.machine,
                unit: p.unit,
                member: m.host.clone(),
                electable: !m.arbiter && !m.hidden && m.priority.unwrap_or(1.0) > 0.0,
            })
            .collect();
        let primary = mongo_upgrade::expected_primary(topology)
            .and_then(|n| topology.mongo.members.get(n))
            .map(|m| m.host.clone());
        Some(ReplicaSet {
            installed: places.iter().map(|p| (p.machine.clone(), series)).collect(),
            binary: places.iter().map(|p| (p.member.clone(), series)).collect(),
            ready: places.iter().map(|p| p.member.clone()).collect(),
            places,
            primary,
            fcv: series,
        })
    }

    /// The member a machine's mongod unit runs, if the unit is one of the set's.
    pub(crate) fn member_of(&self, machine: &str, unit: &str) -> Option<String> {
        self.places
            .iter()
            .find(|p| p.machine == machine && p.unit == unit)
            .map(|p| p.member.clone())
    }

    /// A member stops: it must not be the primary, and every other member must be caught up
    /// (two members down at once can lose the majority).
    pub(crate) fn stop(&mut self, member: &str) -> Check {
        if self.primary.as_deref() == Some(member) {
            return fail(format!(
                "{member} stops while it is the primary: step it down first"
            ));
        }
        if let Some(other) = self
            .places
            .iter()
            .find(|p| p.member != member && !self.ready.contains(&p.member))
        {
            return fail(format!(
                "{member} stops while {} is not caught up: one member at a time",
                other.member
            ));
        }
        self.ready.remove(member);
        self.binary.remove(member);
        Ok(())
    }

    /// A member starts on the machine's installed series, which must be the feature
    /// compatibility version or the series after it.
    pub(crate) fn start(&mut self, machine: &str, member: &str) -> Check {
        let Some(&series) = self.installed.get(machine) else {
            return fail(format!(
                "{member} starts on {machine}, which has no MongoDB installed"
            ));
        };
        let next = mongo_upgrade::path(
            crate::Version::new(self.fcv.0, self.fcv.1, 0),
            crate::Version::new(series.0, series.1, 0),
        );
        if !matches!(&next, Ok(steps) if steps.len() <= 1) {
            return fail(format!(
                "{member} starts MongoDB {} with featureCompatibilityVersion {}: a binary runs only on its own or the previous series' FCV",
                series_name(series),
                series_name(self.fcv)
            ));
        }
        self.binary.insert(member.to_string(), series);
        Ok(())
    }

    pub(crate) fn install(&mut self, machine: &str, version: &str) -> Check {
        match version.parse::<crate::Version>() {
            Ok(v) => {
                self.installed.insert(machine.to_string(), v.major_minor());
                Ok(())
            }
            Err(_) => fail(format!("MongoDB `{version}` is not a version")),
        }
    }

    /// Steps the member down if it is the primary: another caught-up, electable member wins.
    pub(crate) fn step_down(&mut self, member: &str) -> Check {
        if self.primary.as_deref() != Some(member) {
            return Ok(());
        }
        let next = self
            .places
            .iter()
            .find(|p| p.member != member && p.electable && self.ready.contains(&p.member));
        match next {
            Some(p) => {
                self.primary = Some(p.member.clone());
                Ok(())
            }
            None => fail(format!(
                "{member} steps down but no other member can be elected"
            )),
        }
    }

    pub(crate) fn wait_member(&mut self, member: &str) -> Check {
        if !self.binary.contains_key(member) {
            return fail(format!("waits for {member}, which is not running"));
        }
        self.ready.insert(member.to_string());
        Ok(())
    }

    /// `setFeatureCompatibilityVersion`: every member caught up on that series, one series up,
    /// `confirm` exactly when MongoDB requires it.
    pub(crate) fn set_fcv(&mut self, version: &str, confirm: bool) -> Check {
        let Ok(v) = version.parse::<crate::Version>() else {
            return fail(format!(
                "featureCompatibilityVersion `{version}` is not a version"
            ));
        };
        let series = v.major_minor();
        if let Some(p) = self.places.iter().find(|p| {
            !self.ready.contains(&p.member) || self.binary.get(&p.member) != Some(&series)
        }) {
            return fail(format!(
                "featureCompatibilityVersion {version} is set before {} runs MongoDB {version} and is caught up",
                p.member
            ));
        }
        if confirm != needs_confirm(series) {
            return fail(format!(
                "setFeatureCompatibilityVersion {version} {} confirm: true",
                if confirm { "must not carry" } else { "needs" }
            ));
        }
        self.fcv = series;
        Ok(())
    }

    /// At the end: every member caught up on `series`, and the FCV raised to it.
    pub(crate) fn finished_at(&self, series: Series) -> Result<(), String> {
        for p in &self.places {
            if self.binary.get(&p.member) != Some(&series) || !self.ready.contains(&p.member) {
                return Err(format!(
                    "{} does not run MongoDB {} caught up",
                    p.member,
                    series_name(series)
                ));
            }
        }
        if self.fcv != series {
            return Err(format!(
                "featureCompatibilityVersion is {}, not {}",
                series_name(self.fcv),
                series_name(series)
            ));
        }
        Ok(())
    }
}
