//! What changes between two layouts: instances added, removed, restarted or left alone, and
//! whether the unit template or the proxy configuration must be rewritten.

use super::error::PlanError;
use super::id_hash::IdHash;
use crate::layout::{Instance, Layout};
use crate::model::Topology;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

/// An instance present on both sides.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Kept<'a> {
    pub current: &'a Instance,
    pub desired: &'a Instance,
}

/// The change from `current` to `desired`.
#[derive(Debug, Default)]
pub(crate) struct Diff<'a> {
    /// Present on both sides with a different environment, version or unit: rolling restart.
    pub restart: Vec<Kept<'a>>,
    /// Present on both sides and unchanged.
    pub unchanged: Vec<Kept<'a>>,
    pub added: Vec<&'a Instance>,
    pub removed: Vec<&'a Instance>,
    /// Hosts whose unit template must be (re)written: every desired host on install, every host
    /// with instances when the unit's settings change, hosts that appear.
    pub unit_hosts: BTreeSet<String>,
    /// Hosts left without instances: their unit template and target are removed.
    pub emptied_hosts: BTreeSet<String>,
    pub unit_changed: bool,
    pub version_changed: bool,
    pub proxy_changed: bool,
    /// The [`Fingerprints`] of the current and desired layouts, when there is a current one:
    /// the simulation of the plan reads them again.
    pub prints: Option<[Fingerprints; 2]>,
}

/// A digest of what an instance runs: version, unit settings and full environment. Two instances
/// with the same fingerprint need no restart. Secrets enter the hash but never leave it.
/// [`Fingerprints`] gives the same digests for a whole layout at a fraction of the cost.
pub(crate) fn fingerprint(layout: &Layout, instance: &Instance) -> u64 {
    let mut h = layout_hasher(layout);
    instance.env.hash_shared(&mut h);
    instance.env.hash_own(&mut h);
    h.finish()
}

/// The hasher after what every instance of the layout shares: version and unit settings.
fn layout_hasher(layout: &Layout) -> DefaultHasher {
    let mut h = DefaultHasher::new();
    layout.topology.rocketchat.version.hash(&mut h);
    unit_settings(&layout.topology).hash(&mut h);
    h
}

/// The [`fingerprint`] of every instance of a layout, in its order. A host's instances share
/// all their variables but PORT and TCP_PORT (the MONGO_URL among them), so those are hashed
/// once per host and each instance adds its two ports: the plan and its simulation compare
/// fingerprints several times per instance.
#[derive(Clone)]
pub(crate) struct Fingerprints(Vec<u64>);

/// Only the count: a digest of an environment is a digest of its secrets, and `DefaultHasher`'s
/// keys are fixed, so a weak password could be found from one by trying candidates.
impl std::fmt::Debug for Fingerprints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fingerprints({} instances)", self.0.len())
    }
}

impl Fingerprints {
    pub(crate) fn of(layout: &Layout) -> Fingerprints {
        let base = layout_hasher(layout);
        let mut host: Option<(&Instance, DefaultHasher)> = None;
        let mut out = Vec::with_capacity(layout.instances.len());
        for i in &layout.instances {
            let shared = match &host {
                Some((first, h)) if first.env.shares_host_with(&i.env) => h.clone(),
                _ => {
                    let mut h = base.clone();
                    i.env.hash_shared(&mut h);
                    host = Some((i, h.clone()));
                    h
                }
            };
            let mut h = shared;
            i.env.hash_own(&mut h);
            out.push(h.finish());
        }
        Fingerprints(out)
    }

    /// The fingerprint of the layout's instance at `index`.
    pub(crate) fn get(&self, index: usize) -> u64 {
        self.0[index]
    }
}

/// The settings the unit template is rendered from.
fn unit_settings(t: &Topology) -> [Option<&str>; 5] {
    let r = &t.rocketchat;
    [
        Some(r.bundle.as_str()),
        Some(r.node.as_str()),
        Some(r.user.as_str()),
        r.group.as_deref(),
        r.uploads_path.as_deref(),
    ]
}

impl<'a> Diff<'a> {
    pub(crate) fn between(current: Option<&'a Layout>, desired: &'a Layout) -> Diff<'a> {
        let mut diff = Diff::default();
        let Some(current) = current else {
            diff.added = desired.instances.iter().collect();
            diff.unit_hosts = hosts_with_instances(desired);
            diff.proxy_changed = desired.topology.proxy.is_some();
            return diff;
        };
        diff.unit_changed = unit_settings(&current.topology) != unit_settings(&desired.topology);
        diff.version_changed =
            current.topology.rocketchat.version != desired.topology.rocketchat.version;
        // Each current id's last index (a repeated id keeps its last, as an insert does), and
        // whether the desired layout has it: the instances without are removed.
        let mut now: HashMap<&str, (usize, bool), IdHash> = current
            .instances
            .iter()
            .enumerate()
            .map(|(n, i)| (i.id.as_str(), (n, false)))
            .collect();
        let prints = [Fingerprints::of(current), Fingerprints::of(desired)];
        let [old_prints, new_prints] = &prints;
        for (n, d) in desired.instances.iter().enumerate() {
            match now.get_mut(d.id.as_str()) {
                Some((c, wanted)) => {
                    *wanted = true;
                    let c = *c;
                    let kept = Kept {
                        current: &current.instances[c],
                        desired: d,
                    };
                    if old_prints.get(c) == new_prints.get(n) {
                        diff.unchanged.push(kept);
                    } else {
                        diff.restart.push(kept);
                    }
                }
                None => diff.added.push(d),
            }
        }
        diff.removed = current
            .instances
            .iter()
            .filter(|i| !now[i.id.as_str()].1)
            .collect();
        let before = host_names(current);
        let after = host_names(desired);
        let owned = |names: Vec<&str>| names.into_iter().map(str::to_string).collect();
        diff.unit_hosts = if diff.unit_changed {
            owned(after.iter().copied().collect())
        } else {
            owned(after.difference(&before).copied().collect())
        };
        diff.emptied_hosts = owned(before.difference(&after).copied().collect());
        diff.proxy_changed =
            current.topology.proxy != desired.topology.proxy || !same_upstreams(current, desired);
        diff.prints = Some(prints);
        diff
    }
}

fn hosts_with_instances(layout: &Layout) -> BTreeSet<String> {
    host_names(layout).into_iter().map(str::to_string).collect()
}

/// The hosts with instances, borrowed: a layout names each host once per instance. A host's
/// instances are consecutive, so only a change of name is inserted.
fn host_names(layout: &Layout) -> BTreeSet<&str> {
    let mut names = BTreeSet::new();
    let mut last = None;
    for i in &layout.instances {
        let name = i.host.as_str();
        if last != Some(name) {
            names.insert(name);
            last = Some(name);
        }
    }
    names
}

/// Whether the proxy reaches the same set of `host:port` upstreams in both layouts. Equal
/// (host, port) sets have equal texts, which are only written out when they differ (a host
/// written with and without IPv6 brackets could give one text). Equal sequences, the usual
/// case, are equal sets without building either.
fn same_upstreams(current: &Layout, desired: &Layout) -> bool {
    fn pairs(l: &Layout) -> impl Iterator<Item = (&str, u16)> {
        l.instances
            .iter()
            .map(|i| (i.upstream_host.as_str(), i.port))
    }
    if pairs(current).eq(pairs(desired)) {
        return true;
    }
    fn places(l: &Layout) -> BTreeSet<(&str, u16)> {
        l.instances
            .iter()
            .map(|i| (i.upstream_host.as_str(), i.port))
            .collect()
    }
    let texts =
        |l: &Layout| -> BTreeSet<String> { l.instances.iter().map(|i| i.upstream()).collect() };
    places(current) == places(desired) || texts(current) == texts(desired)
}

/// Refuses changes the planner does not roll: the replica set's shape, and the proxy's kind or
/// machine.
pub(crate) fn refuse_unplannable(current: &Layout, desired: &Layout) -> Result<(), PlanError> {
    let (c, d) = (&current.topology.mongo, &desired.topology.mongo);
    // A change of version is a rolling upgrade (mongo_upgrade); the set's shape is not planned.
    let mongo_fields: [(&'static str, String, String); 3] = [
        (
            "replica_set",
            c.replica_set.clone().unwrap_or_default(),
            d.replica_set.clone().unwrap_or_default(),
        ),
        (
            "members",
            members(&current.topology),
            members(&desired.topology),
        ),
        (
            "storage_engine",
            c.storage_engine.as_str().into(),
            d.storage_engine.as_str().into(),
        ),
    ];
    for (field, from, to) in mongo_fields {
        if from != to {
            return Err(PlanError::MongoChange { field, from, to });
        }
    }
    let (cp, dp) = (&current.topology.proxy, &desired.topology.proxy);
    let kind = |p: &Option<crate::model::Proxy>| {
        p.as_ref()
            .map(|p| p.kind.as_str().to_string())
            .unwrap_or_else(|| "none".into())
    };
    if kind(cp) != kind(dp) {
        return Err(PlanError::ProxyMove {
            what: "kind",
            from: kind(cp),
            to: kind(dp),
        });
    }
    let machine = |l: &Layout| crate::paths::proxy_machine(&l.topology).unwrap_or_default();
    if machine(current) != machine(desired) {
        return Err(PlanError::ProxyMove {
            what: "host",
            from: machine(current),
            to: machine(desired),
        });
    }
    Ok(())
}

fn members(t: &Topology) -> String {
    t.mongo
        .members
        .iter()
        .map(|m| m.host.as_str())
        .collect::<Vec<_>>()
        .join(",")
}
