//! Plans between two arbitrary valid topologies (built from structured fuzz input with
//! `arbitrary`), under an arbitrary policy. Either the planner refuses with a PlanError, or the
//! plan it returns passes the simulator: capacity never below the floor, no traffic to a stopped
//! instance, and the end state is the desired topology. An `Unsafe` refusal (the planner's own
//! plan failing its simulation) hands out nothing unsafe but is a gap in the planner, and fails
//! the run too.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use rocketchat_topology::model::{Affinity, Host, Instances, Member, ProxyKind};
use rocketchat_topology::plan::{Budget, Order, Policy};
use rocketchat_topology::{check, example, plan, Layout, PlanError, Topology};

#[derive(Debug, Arbitrary)]
struct Input {
    current: Option<Deployment>,
    desired: Deployment,
    max_unavailable: (bool, u8),
    max_surge: (bool, u8),
    canary: u8,
    spread: bool,
}

#[derive(Debug, Arbitrary)]
struct Deployment {
    /// Index into VERSIONS.
    version: u8,
    proxy: u8,
    proxy_on_first_host: bool,
    tcp_base_port: Option<u8>,
    bind_local: bool,
    env: Vec<(u8, u8)>,
    hosts: Vec<HostSpec>,
}

#[derive(Debug, Arbitrary)]
struct HostSpec {
    /// Index into a fixed set of names, so hosts can persist, move or disappear between sides.
    name: u8,
    cores: u8,
    instances: Option<u8>,
    /// Explicit ports as offsets from 3000.
    ports: Option<Vec<u8>>,
    base_port: u8,
    env: Vec<(u8, u8)>,
}

/// The bounds below keep each side tiny (at most four hosts of at most four instances): every
/// branch of the planner (hosts appearing, moving and leaving, explicit ports, surge and
/// unavailability budgets, proxy placement) is reached with a handful of instances, and a small
/// input runs thousands of times faster than a large one.
const MAX_HOSTS: usize = 4;
const MAX_INSTANCES: u8 = 4;

const VERSIONS: &[&str] = &["6.13.0", "7.0.0", "7.8.2", "7.10.0", "7.11.0"];
const NAMES: &[&str] = &[
    "OVERWRITE_SETTING_Show_Setup_Wizard",
    "LOG_LEVEL",
    "NODE_ENV",
    "TZ",
];

fuzz_target!(|input: Input| {
    let desired_t = input.desired.topology();
    let desired = Layout::resolve(&desired_t);
    if check(&desired).has_errors() {
        return; // only valid topologies: refusing an invalid one is tested elsewhere
    }
    let current_t = input.current.as_ref().map(Deployment::topology);
    let current = current_t.as_ref().map(Layout::resolve);
    if current.as_ref().is_some_and(|c| check(c).has_errors()) {
        return;
    }
    let policy = Policy {
        max_unavailable: budget(input.max_unavailable),
        max_surge: budget(input.max_surge),
        canary: u32::from(input.canary % 4),
        order: if input.spread {
            Order::Spread
        } else {
            Order::ByHost
        },
        ..Policy::default()
    };
    match plan(current.as_ref(), &desired, &policy) {
        Ok(p) => {
            if let Err(v) = p.simulate(current.as_ref(), &desired, &policy) {
                panic!("returned plan fails simulation: {v}\n{input:#?}");
            }
        }
        // The proof refused the planner's own plan: nothing unsafe is handed out, but the planner
        // missed a plan it should have found (or a refusal that names the fix).
        Err(PlanError::Unsafe(v)) => panic!("planner built an unsafe plan: {v}\n{input:#?}"),
        Err(_) => {}
    }
});

/// The example topology, parsed once: parsing it anew for every input cost a fifth of the time.
fn base() -> &'static Topology {
    static BASE: std::sync::OnceLock<Topology> = std::sync::OnceLock::new();
    BASE.get_or_init(example::topology)
}

fn budget((percent, n): (bool, u8)) -> Budget {
    if percent {
        Budget::Percent(u32::from(n % 101))
    } else {
        Budget::Count(u32::from(n % 8))
    }
}

impl Deployment {
    fn topology(&self) -> Topology {
        let mut t = base().clone();
        t.rocketchat.version = VERSIONS[usize::from(self.version) % VERSIONS.len()].into();
        t.rocketchat.edition = Some(rocketchat_topology::model::Edition::Enterprise);
        t.rocketchat.tcp_base_port = self.tcp_base_port.map(|b| 4000 + u32::from(b) * 100);
        t.rocketchat.bind_ip = self.bind_local.then(|| "0.0.0.0".into());
        t.rocketchat.env = env(&self.env);
        t.mongo.url = "mongodb://db1:27017,db2:27017,db3:27017/rocketchat?replicaSet=rs0".into();
        t.mongo.members = (1..=3)
            .map(|i| Member {
                host: format!("db{i}:27017"),
                arbiter: false,
                votes: None,
                priority: None,
                hidden: false,
            })
            .collect();
        let mut hosts: Vec<Host> = Vec::new();
        for spec in self.hosts.iter().take(MAX_HOSTS) {
            let name = format!("app{}", spec.name % 8);
            if hosts.iter().all(|h| h.name != name) {
                hosts.push(spec.host(name, hosts.len()));
            }
        }
        t.hosts = hosts;
        if let Some(proxy) = t.proxy.as_mut() {
            proxy.kind = [ProxyKind::Nginx, ProxyKind::Apache, ProxyKind::Haproxy]
                [usize::from(self.proxy % 3)];
            proxy.affinity = if proxy.kind == ProxyKind::Nginx {
                Affinity::IpHash
            } else {
                Affinity::Cookie
            };
            proxy.host = if self.proxy_on_first_host {
                t.hosts.first().map(|h| h.name.clone())
            } else {
                None
            };
            if let Some(tls) = proxy.tls.as_mut() {
                let dir = match proxy.kind {
                    ProxyKind::Nginx => "/etc/nginx",
                    ProxyKind::Apache => "/etc/apache2",
                    ProxyKind::Haproxy => "/etc/haproxy",
                    // ProxyKind is non-exhaustive: a kind added later keeps its files in /etc/ssl.
                    _ => "/etc/ssl",
                };
                tls.certificate = format!("{dir}/chat.pem");
                tls.key = Some(format!("{dir}/chat.pem"));
            }
        }
        t
    }
}

impl HostSpec {
    fn host(&self, name: String, index: usize) -> Host {
        let cores = u32::from(self.cores % MAX_INSTANCES) + 1;
        Host {
            address: Some(format!("10.0.0.{}", index + 10)),
            name,
            cores,
            instances: match self.instances {
                Some(n) => Instances::Count(u32::from(n % (MAX_INSTANCES + 1))),
                None => Instances::Auto,
            },
            ports: self.ports.as_ref().map(|ports| {
                ports
                    .iter()
                    .take(usize::from(MAX_INSTANCES))
                    .map(|p| 3000 + u32::from(*p % 12))
                    .collect()
            }),
            base_port: 3000 + u32::from(self.base_port % 8),
            tcp_base_port: None,
            env: env(&self.env),
        }
    }
}

fn env(pairs: &[(u8, u8)]) -> std::collections::BTreeMap<String, String> {
    pairs
        .iter()
        .take(6)
        .map(|(k, v)| {
            (
                NAMES[usize::from(*k) % NAMES.len()].to_string(),
                format!("v{v}"),
            )
        })
        .collect()
}
