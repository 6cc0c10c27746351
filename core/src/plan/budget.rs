//! How many instances may restart at once: `max_unavailable` resolved against the current
//! instances, plus surge instances placed on spare ports of hosts with a spare core.

use super::error::PlanError;
use super::policy::Policy;
use crate::layout::{Instance, Layout};
use std::collections::BTreeSet;

/// A temporary extra instance that carries traffic while others restart.
#[derive(Debug, Clone)]
pub(crate) struct SurgeSlot<'a> {
    pub host: String,
    pub port: u16,
    pub tcp_port: u32,
    /// The desired instance whose rendered env file the surge instance copies.
    pub template: &'a Instance,
}

impl SurgeSlot<'_> {
    pub(crate) fn id(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Resolved<'a> {
    pub max_unavailable: usize,
    pub surge: Vec<SurgeSlot<'a>>,
}

impl Resolved<'_> {
    /// Instances that may be out of service (restarting) at once.
    pub(crate) fn parallelism(&self) -> usize {
        self.max_unavailable + self.surge.len()
    }
}

/// Resolves the policy for `to_restart` instances that must go down once.
pub(crate) fn resolve<'a>(
    policy: &Policy,
    current: Option<&'a Layout>,
    desired: &'a Layout,
    to_restart: usize,
) -> Result<Resolved<'a>, PlanError> {
    let capacity = current.map_or(0, |c| c.instances.len());
    let mut max_unavailable = policy.max_unavailable.floor_of(capacity);
    let wanted_surge = policy.max_surge.ceil_of(capacity).min(to_restart);
    let surge = match current {
        Some(current) if wanted_surge > 0 => surge_slots(current, desired, wanted_surge)?,
        _ => Vec::new(),
    };
    if max_unavailable == 0 && surge.is_empty() {
        if !policy.max_surge.is_zero() && to_restart > 0 {
            return Err(PlanError::NoSurgeRoom);
        }
        // Percentages round down; at least one instance may restart when nothing surges.
        max_unavailable = 1;
    }
    Ok(Resolved {
        max_unavailable,
        surge,
    })
}

/// Up to `wanted` surge slots, one per spare core (cores - instances > 0 on both sides), on hosts
/// that keep instances, in host order.
fn surge_slots<'a>(
    current: &'a Layout,
    desired: &'a Layout,
    wanted: usize,
) -> Result<Vec<SurgeSlot<'a>>, PlanError> {
    let mut slots = Vec::new();
    for host in &desired.hosts {
        let Some(template) = desired.instances_on(&host.name).next() else {
            continue;
        };
        let before = current.instances_on(&host.name).count();
        let after = desired.instances_on(&host.name).count();
        let spare = (host.cores as usize).saturating_sub(before.max(after));
        let mut taken = taken_ports(current, desired, &host.name);
        let on_host = || {
            current
                .instances_on(&host.name)
                .chain(desired.instances_on(&host.name))
        };
        let http_base = on_host().map(|i| u32::from(i.port)).max().unwrap_or(3000);
        let tcp_base = on_host().map(|i| i.tcp_port).max().unwrap_or(0);
        for _ in 0..spare.min(wanted - slots.len()) {
            let port = free_port(&taken, http_base, &host.name)?;
            taken.insert(u32::from(port));
            let tcp_port = if template.tcp_port == 0 {
                0
            } else {
                let tcp = u32::from(free_port(&taken, tcp_base, &host.name)?);
                taken.insert(tcp);
                tcp
            };
            slots.push(SurgeSlot {
                host: host.name.clone(),
                port,
                tcp_port,
                template,
            });
        }
        if slots.len() == wanted {
            break;
        }
    }
    Ok(slots)
}

/// Every port (HTTP and TCP) an instance of `host` uses on either side, plus the proxy's and
/// MongoDB's.
fn taken_ports(current: &Layout, desired: &Layout, host: &str) -> BTreeSet<u32> {
    let mut taken: BTreeSet<u32> = [80, 443, 27017].into_iter().collect();
    for i in current.instances_on(host).chain(desired.instances_on(host)) {
        taken.insert(u32::from(i.port));
        if i.tcp_port != 0 {
            taken.insert(i.tcp_port);
        }
    }
    taken
}

/// The first port above `highest` that nothing on the host uses, on either side.
fn free_port(taken: &BTreeSet<u32>, highest: u32, host: &str) -> Result<u16, PlanError> {
    // `highest` may come from the current topology unchecked (a TCP_PORT base of u32::MAX).
    (highest.saturating_add(1)..=u32::from(u16::MAX))
        .find(|p| !taken.contains(p))
        .and_then(|p| u16::try_from(p).ok())
        .ok_or_else(|| PlanError::NoSurgePort {
            host: host.to_string(),
            from: u16::try_from(highest).unwrap_or(u16::MAX),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_port_follows_a_base_past_every_port() {
        let taken = BTreeSet::new();
        let err = free_port(&taken, u32::MAX, "app1").unwrap_err();
        assert!(matches!(err, PlanError::NoSurgePort { .. }));
        assert_eq!(free_port(&taken, 65_534, "app1"), Ok(65_535));
        assert!(free_port(&taken, 65_535, "app1").is_err());
    }
}
