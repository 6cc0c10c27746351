//! Topologies and helpers shared by the plan tests.
#![allow(dead_code)]

pub mod proxy_edits;

use rocketchat_topology::model::{Affinity, Host, Instances, Member, ProxyKind};
use rocketchat_topology::plan::{Action, Plan};
use rocketchat_topology::{example, Layout, Topology};
use std::collections::BTreeMap;

/// The how-to's single host (3 instances behind nginx on the same host).
pub fn howto() -> Topology {
    example::topology()
}

pub fn layout(t: &Topology) -> Layout {
    Layout::resolve(t)
}

/// A multi-host deployment: hosts app1..appN with `instances[i]` instances and `cores[i]` cores,
/// a proxy on a machine of its own, a three-member replica set, fixed TCP ports from 4000.
pub fn multi(instances: &[u32], cores: &[u32], proxy: ProxyKind) -> Topology {
    let mut t = example::topology();
    t.mongo.url = "mongodb://db1:27017,db2:27017,db3:27017/rocketchat?replicaSet=rs0".into();
    t.mongo.members = ["db1", "db2", "db3"]
        .iter()
        .map(|h| Member {
            host: format!("{h}:27017"),
            arbiter: false,
            votes: None,
            priority: None,
            hidden: false,
        })
        .collect();
    if let Some(p) = t.proxy.as_mut() {
        p.kind = proxy;
        p.host = None;
        p.affinity = if proxy == ProxyKind::Nginx {
            Affinity::IpHash
        } else {
            Affinity::Cookie
        };
        if let Some(tls) = p.tls.as_mut() {
            let dir = match proxy {
                ProxyKind::Nginx => "/etc/nginx",
                ProxyKind::Apache => "/etc/apache2",
                ProxyKind::Haproxy => "/etc/haproxy",
                other => panic!("no certificate folder for proxy {other:?}"),
            };
            tls.certificate = format!("{dir}/certificate.crt");
            tls.key = Some(format!("{dir}/certificate.key"));
        }
    }
    t.hosts = instances
        .iter()
        .zip(cores)
        .enumerate()
        .map(|(i, (&n, &c))| host(i, n, c))
        .collect();
    t
}

pub fn host(index: usize, instances: u32, cores: u32) -> Host {
    Host {
        name: format!("app{}", index + 1),
        address: Some(format!("10.0.{}.{}", index / 200, index % 200 + 10)),
        cores,
        instances: Instances::Count(instances),
        ports: None,
        base_port: 3000,
        tcp_base_port: None,
        env: BTreeMap::new(),
    }
}

/// The position of the first step matching `pred`.
pub fn pos(plan: &Plan, pred: impl Fn(&Action) -> bool) -> usize {
    plan.steps
        .iter()
        .position(|s| pred(&s.action))
        .unwrap_or_else(|| panic!("no such step in:\n{}", plan.to_text()))
}

/// The position of the first `kind` step about `instance` (`None`: any).
pub fn at(plan: &Plan, kind: &str, instance: Option<&str>) -> usize {
    pos(plan, |a| {
        a.kind() == kind && (instance.is_none() || a.instance() == instance)
    })
}

/// Whether any step has `kind`.
pub fn has(plan: &Plan, kind: &str) -> bool {
    plan.steps.iter().any(|s| s.action.kind() == kind)
}

pub fn count(plan: &Plan, kind: &str) -> usize {
    plan.steps
        .iter()
        .filter(|s| s.action.kind() == kind)
        .count()
}
