//! Resource bounds: the largest topology this library accepts.
//!
//! Topology files come from many hands, and a few bytes can ask for a great deal (`instances =
//! 64000` on forty hosts is 2.5 million instances). Every count that work grows with has a
//! bound here, far above any real deployment, so that the largest accepted input is loaded,
//! checked, rendered and planned in seconds and well under a gigabyte (docs/performance.md has
//! the measured worst cases). The loader refuses a topology over a bound with an error naming the
//! field and the limit; [`Layout::resolve`](crate::Layout::resolve) resolves no instance for one
//! built in code, and the checker reports it (T021 `too-large`), so rendering and planning refuse it.

use crate::model::{Host, Topology};

/// Largest topology file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Most application hosts.
pub const MAX_HOSTS: usize = 2_000;
/// Most instances on one host (`instances`, or the length of `ports`). One per core: the largest
/// servers have a few hundred.
pub const MAX_INSTANCES_PER_HOST: u64 = 1_024;
/// Most instances in the whole deployment.
pub const MAX_INSTANCES: u64 = 20_000;
/// Most replica set members listed (MongoDB itself allows 50: rule R004 says so).
pub const MAX_MEMBERS: usize = 1_000;
/// Most variables in one `env` table.
pub const MAX_ENV_ENTRIES: usize = 1_000;
/// Most bytes of environment across all instances together: every instance carries its own copy
/// of the shared settings (ROOT_URL, the MongoDB URLs, `rocketchat.env`) and of its host's.
pub const MAX_ENVIRONMENT_BYTES: u64 = 64 * 1024 * 1024;

/// Bytes an instance's environment takes besides the values counted one by one (PORT, TCP_PORT,
/// DEPLOY_METHOD, its unit and id): an upper bound, so the estimate never undercounts.
const FIXED_INSTANCE_BYTES: u64 = 256;

/// A bound the topology goes over: the field and a message naming the limit and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exceeded {
    /// Field path, as in diagnostics (`hosts[3].instances`).
    pub path: String,
    /// The limit gone over and how to stay within it.
    pub message: String,
}

/// Every bound `topology` goes over (empty when it is within all of them). Linear in the size of
/// the topology, and allocates nothing for one within bounds.
pub fn exceeded(topology: &Topology) -> Vec<Exceeded> {
    let mut out = Vec::new();
    let hosts = topology.hosts.len();
    if hosts > MAX_HOSTS {
        out.push(over(
            "hosts",
            format!("{hosts} hosts is more than this tool accepts (at most {MAX_HOSTS})"),
            "split the deployment into several topology files",
        ));
    }
    let members = topology.mongo.members.len();
    if members > MAX_MEMBERS {
        out.push(over(
            "mongo.members",
            format!("{members} members is more than this tool accepts (at most {MAX_MEMBERS}; a replica set has at most 50)"),
            "list the replica set's members only",
        ));
    }
    env_tables(topology, &mut out);
    instance_counts(topology, &mut out);
    if out.is_empty() {
        environment_size(topology, &mut out);
    }
    out
}

/// Whether `topology` is within every bound.
pub fn within(topology: &Topology) -> bool {
    exceeded(topology).is_empty()
}

fn over(path: impl Into<String>, what: String, fix: &str) -> Exceeded {
    Exceeded {
        path: path.into(),
        message: format!("{what}: {fix}"),
    }
}

/// The number of instances a host asks for, before ports out of range or repeated are dropped.
pub(crate) fn requested_instances(host: &Host) -> u64 {
    match &host.ports {
        Some(ports) => ports.len() as u64,
        None => u64::from(host.instances.count(host.cores)),
    }
}

fn env_tables(topology: &Topology, out: &mut Vec<Exceeded>) {
    let shared = std::iter::once(("rocketchat.env".to_string(), &topology.rocketchat.env));
    let per_host = topology.hosts.iter().enumerate();
    for (path, env) in shared.chain(per_host.map(|(i, h)| (format!("hosts[{i}].env"), &h.env))) {
        if env.len() > MAX_ENV_ENTRIES {
            out.push(over(
                path,
                format!(
                    "{} variables is more than this tool accepts in one env table (at most {MAX_ENV_ENTRIES})",
                    env.len()
                ),
                "set Rocket.Chat settings once in its administration instead of as OVERWRITE_SETTING_* variables",
            ));
        }
    }
}

fn instance_counts(topology: &Topology, out: &mut Vec<Exceeded>) {
    let mut total: u64 = 0;
    for (i, host) in topology.hosts.iter().enumerate() {
        let n = requested_instances(host);
        total = total.saturating_add(n);
        if n > MAX_INSTANCES_PER_HOST {
            let field = if host.ports.is_some() {
                "ports"
            } else {
                "instances"
            };
            out.push(over(
                format!("hosts[{i}].{field}"),
                format!(
                    "{n} instances on host `{}` is more than this tool accepts (at most {MAX_INSTANCES_PER_HOST} on one host)",
                    host.name.escape_debug()
                ),
                "run one instance per core, at most",
            ));
        }
    }
    if total > MAX_INSTANCES {
        out.push(over(
            "hosts",
            format!(
                "{total} instances in all is more than this tool accepts (at most {MAX_INSTANCES})"
            ),
            "split the deployment into several topology files",
        ));
    }
}

/// The environment every instance carries is copied per instance (and written to one file per
/// instance), so its size times the instance count is bounded.
fn environment_size(topology: &Topology, out: &mut Vec<Exceeded>) {
    let shared = shared_environment_bytes(topology);
    let total: u64 = topology
        .hosts
        .iter()
        .map(|h| requested_instances(h).saturating_mul(shared.saturating_add(host_bytes(h))))
        .fold(0, u64::saturating_add);
    if total > MAX_ENVIRONMENT_BYTES {
        out.push(over(
            "hosts",
            format!(
                "the instances' environments would take {} MiB together, more than this tool accepts (at most {} MiB): site.root_url, the MongoDB URLs and every env table are copied into each instance",
                total.div_ceil(1024 * 1024),
                MAX_ENVIRONMENT_BYTES / (1024 * 1024)
            ),
            "shorten the long values, or run fewer instances",
        ));
    }
}

fn shared_environment_bytes(t: &Topology) -> u64 {
    let strings = [
        Some(&t.site.root_url),
        Some(&t.mongo.url),
        t.mongo.oplog_url.as_ref(),
        t.rocketchat.transporter.as_ref(),
        t.rocketchat.bind_ip.as_ref(),
    ];
    let values: u64 = strings.iter().flatten().map(|s| s.len() as u64).sum();
    values + env_bytes(&t.rocketchat.env) + FIXED_INSTANCE_BYTES
}

/// What one host adds to each of its instances: its name (in the id, the host and the upstream),
/// its address and its env table.
fn host_bytes(host: &Host) -> u64 {
    let name = 3 * host.name.len() as u64;
    let address = 2 * host.address.as_ref().map_or(0, |a| a.len() as u64);
    name + address + env_bytes(&host.env)
}

fn env_bytes(env: &std::collections::BTreeMap<String, String>) -> u64 {
    env.iter()
        .map(|(k, v)| (k.len() + v.len() + 2) as u64)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::example;

    fn paths(t: &Topology) -> Vec<String> {
        exceeded(t).into_iter().map(|e| e.path).collect()
    }

    #[test]
    fn the_example_is_within_bounds() {
        assert!(within(&example::topology()));
    }

    #[test]
    fn each_bound_names_its_field() {
        let mut t = example::topology();
        t.hosts[0].instances = crate::model::Instances::Count(64_000);
        t.hosts[0].cores = 64_001;
        assert_eq!(paths(&t), ["hosts[0].instances", "hosts"]);

        let mut t = example::topology();
        t.hosts[0].ports = Some((1025..=3050).collect());
        assert_eq!(paths(&t), ["hosts[0].ports"]);

        let mut t = example::topology();
        for i in 0..=MAX_ENV_ENTRIES {
            t.rocketchat.env.insert(format!("V{i}"), "x".into());
        }
        assert_eq!(paths(&t), ["rocketchat.env"]);
    }

    #[test]
    fn the_environment_bound_counts_every_instance() {
        let mut t = example::topology();
        t.site.root_url = format!("https://{}.example.com", "a".repeat(100_000));
        assert!(within(&t), "one long value on a few instances is fine");
        t.hosts[0].instances = crate::model::Instances::Count(1_000);
        t.hosts[0].cores = 1_001;
        let e = exceeded(&t);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].path, "hosts");
        assert!(e[0].message.contains("at most 64 MiB"), "{}", e[0].message);
    }
}
