//! Resolution: a [`Topology`] becomes a [`Layout`], the one concrete form everything downstream
//! reads (every instance with its host, address, ports, unit and environment). Nothing else
//! re-derives ports or counts.

mod env;

pub use env::{Env, EnvEntry, EnvIter, EnvValue, EnvVar};

use crate::decimal::push_decimal;
use crate::model::{Host, Topology};
use crate::secret::{has_url_secret, is_secret_name, Secret};
use env::{tcp_port, HostEnv, PortTables, PortValues};
use serde::Serialize;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Highest TCP/UDP port.
pub const MAX_PORT: u32 = 65_535;

/// A topology resolved into concrete instances.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Layout {
    /// The topology it was resolved from.
    #[serde(skip)]
    pub topology: Topology,
    /// The application hosts, in the topology's order.
    pub hosts: Vec<HostLayout>,
    /// Every instance, host by host.
    pub instances: Vec<Instance>,
}

/// One application host, resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HostLayout {
    /// The host's name in the topology.
    pub name: String,
    /// Position in the topology's `hosts` list (for field paths).
    pub index: usize,
    /// Its address, when the topology gives one.
    pub address: Option<String>,
    /// Its CPU cores.
    pub cores: u32,
    /// Whether the reverse proxy runs on this host.
    pub runs_proxy: bool,
}

/// One Rocket.Chat process.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Instance {
    /// `<host name>:<port>`, the name plans and tools use for an instance.
    pub id: String,
    /// The name of its host.
    pub host: String,
    /// Position of its host in the topology's `hosts` list (for field paths).
    pub host_index: usize,
    /// Position among its host's instances.
    pub ordinal: usize,
    /// INSTANCE_IP; `None` leaves Rocket.Chat's default (`localhost`).
    pub address: Option<String>,
    /// The HTTP port (PORT).
    pub port: u16,
    /// TCP_PORT for instance-to-instance traffic; 0 lets Rocket.Chat pick a random one.
    pub tcp_port: u32,
    /// systemd unit, `rocketchat@<port>.service`.
    pub unit: String,
    /// Where the proxy sends traffic: `127.0.0.1` when on the same host, else the host address.
    pub upstream_host: String,
    /// The full environment, in a stable order.
    pub env: Env,
}

impl Instance {
    /// `upstream_host:port`, for proxy configuration.
    pub fn upstream(&self) -> String {
        crate::paths::host_port(&self.upstream_host, self.port)
    }

    /// The value of environment variable `name`, when the instance has it.
    pub fn env_value(&self, name: &str) -> Option<&EnvValue> {
        self.env.get(name)
    }
}

/// Variables this library derives from the topology; `env` tables cannot set them.
pub const RESERVED_ENV: &[&str] = &[
    "PORT",
    "ROOT_URL",
    "MONGO_URL",
    "MONGO_OPLOG_URL",
    "INSTANCE_IP",
    "TCP_PORT",
    "BIND_IP",
    "HTTP_FORWARDED_COUNT",
    "TRANSPORTER",
];

/// An extra variable's value: secret when its name says so or when it holds a URL with a
/// password.
pub(crate) fn env_value(name: &str, value: &str) -> EnvValue {
    if is_secret_name(name) || has_url_secret(value) {
        EnvValue::Secret(Secret::new(value))
    } else {
        EnvValue::Plain(value.to_string())
    }
}

/// A Mongo URL as an environment value: secret when it carries a password or any userinfo (or
/// when it cannot be parsed, so nothing that might be one is shown).
fn mongo_url_value(url: &str) -> EnvValue {
    match crate::mongo_url::MongoUrl::parse(url) {
        Ok(parsed) if !parsed.has_secret() && !has_url_secret(url) => {
            EnvValue::Plain(url.to_string())
        }
        _ => EnvValue::Secret(Secret::new(url)),
    }
}

impl Layout {
    /// Resolves every host into instances. Never fails: what cannot be resolved (a port out of
    /// range, a duplicate port) is left out here and reported by the checker against the file.
    /// A topology over a resource bound ([`crate::limits`]) resolves to no instance at all.
    pub fn resolve(topology: &Topology) -> Layout {
        let bounded = crate::limits::within(topology);
        let proxy_host = topology.proxy.as_ref().and_then(|p| p.host.as_deref());
        let single_host = topology.hosts.len() == 1;
        let mut hosts = Vec::with_capacity(topology.hosts.len());
        let mut instances = Vec::new();
        let shared = SharedEnv::new(topology);
        let mut port_tables = PortTables::default();
        for (index, host) in topology.hosts.iter().enumerate() {
            let runs_proxy = proxy_host == Some(host.name.as_str());
            hosts.push(HostLayout {
                name: host.name.clone(),
                index,
                address: host.address.clone(),
                cores: host.cores,
                runs_proxy,
            });
            // The proxy dials loopback when it shares the host, or when there is only one host
            // and it has no address of its own (the how-to's setup).
            let local = runs_proxy || (single_host && host.address.is_none());
            if !bounded {
                continue;
            }
            let ports = host_ports(host);
            let tcp_base = host.tcp_base_port.or(topology.rocketchat.tcp_base_port);
            let port_values = port_tables.get(&ports, tcp_base);
            let template = HostTemplate::new(topology, &shared, host, index, local, port_values);
            instances.reserve(ports.len());
            for (ordinal, port) in ports.into_iter().enumerate() {
                instances.push(template.instance(ordinal, port));
            }
        }
        Layout {
            topology: topology.clone(),
            hosts,
            instances,
        }
    }

    /// The instances of every host named `host` (one, unless names repeat).
    pub fn instances_on<'a>(&'a self, host: &'a str) -> impl Iterator<Item = &'a Instance> + 'a {
        self.hosts
            .iter()
            .filter(move |h| h.name == host)
            .flat_map(|h| self.instances_of(h.index))
    }

    /// The instances of the host at `host_index` in the topology's `hosts`. Instances are in
    /// host order (as resolved), so this is a binary search, not a scan.
    pub fn instances_of(&self, host_index: usize) -> &[Instance] {
        let start = self
            .instances
            .partition_point(|i| i.host_index < host_index);
        let len = self.instances[start..].partition_point(|i| i.host_index == host_index);
        &self.instances[start..start + len]
    }

    /// Looks an instance up by its id (`app1:3001`).
    pub fn instance(&self, id: &str) -> Option<&Instance> {
        self.instances.iter().find(|i| i.id == id)
    }

    /// The Rocket.Chat version, parsed; `None` when the file's version is not a version.
    pub fn rocketchat_version(&self) -> Option<crate::Version> {
        self.topology.rocketchat.version.parse().ok()
    }

    /// The MongoDB version, parsed; `None` when the file's version is not a version.
    pub fn mongo_version(&self) -> Option<crate::Version> {
        self.topology.mongo.version.parse().ok()
    }
}

/// The distinct, valid HTTP ports of a host, in order. Ports outside 1..=65535 and repeats are
/// dropped (the checker reports them).
pub fn host_ports(host: &Host) -> Vec<u16> {
    let valid = |p: u32| u16::try_from(p).ok().filter(|p| *p != 0);
    match &host.ports {
        Some(ports) => {
            let mut seen = BTreeSet::new();
            ports
                .iter()
                .filter_map(|p| valid(*p))
                .filter(|p| seen.insert(*p))
                .collect()
        }
        // A range repeats no port: no set needed (the checker and the resolver each ask for
        // every host's ports).
        None => {
            let count = host.instances.count(host.cores);
            let end = host.base_port.saturating_add(count).min(MAX_PORT + 1);
            (host.base_port..end).filter_map(valid).collect()
        }
    }
}

/// How many ports [`host_ports`] gives, without building the list when the host asks for a
/// range (several checks want every host's count).
pub(crate) fn host_port_count(host: &Host) -> usize {
    if host.ports.is_some() {
        return host_ports(host).len();
    }
    let count = host.instances.count(host.cores);
    let end = host.base_port.saturating_add(count).min(MAX_PORT + 1);
    // Every port of the range is valid but 0.
    let zero = u32::from(host.base_port == 0 && end > 0);
    (end.saturating_sub(host.base_port) - zero) as usize
}

/// What every instance's environment shares, worked out once per topology (parsing the MongoDB
/// URLs, telling secrets apart) rather than once per instance.
struct SharedEnv {
    root_url: EnvValue,
    mongo_url: EnvValue,
    oplog_url: Option<EnvValue>,
    transporter: Option<EnvValue>,
    /// `rocketchat.env`, reserved names left out (the checker reports them).
    extra: Vec<EnvVar>,
}

impl SharedEnv {
    fn new(t: &Topology) -> Self {
        let secret_if_from_env = |path: &str, value| from_env(t, path, value);
        SharedEnv {
            root_url: EnvValue::Plain(t.site.root_url.clone()),
            mongo_url: secret_if_from_env("mongo.url", mongo_url_value(&t.mongo.url)),
            oplog_url: t
                .mongo
                .oplog_url
                .as_deref()
                .map(|url| secret_if_from_env("mongo.oplog_url", mongo_url_value(url))),
            // `monolith+nats://user:password@nats:4222` carries a password.
            transporter: t
                .rocketchat
                .transporter
                .as_deref()
                .map(|v| secret_if_from_env("rocketchat.transporter", env_value("TRANSPORTER", v))),
            extra: extra_env(t, "rocketchat", &t.rocketchat.env),
        }
    }
}

/// A value read from the environment (`${NAME}`) is a secret, whatever its name.
fn from_env(t: &Topology, path: &str, value: EnvValue) -> EnvValue {
    if t.provenance.from_env.contains(path) {
        EnvValue::Secret(Secret::new(value.expose()))
    } else {
        value
    }
}

/// The `env` table under `parent` as variables, reserved names left out.
fn extra_env(
    t: &Topology,
    parent: &str,
    table: &std::collections::BTreeMap<String, String>,
) -> Vec<EnvVar> {
    table
        .iter()
        .filter(|(name, _)| !RESERVED_ENV.contains(&name.as_str()))
        .map(|(name, value)| EnvVar {
            name: name.clone(),
            value: from_env(t, &format!("{parent}.env.{name}"), env_value(name, value)),
        })
        .collect()
}

/// One host's instances differ only in their ports: everything else is built once per host.
struct HostTemplate<'a> {
    host: &'a Host,
    host_index: usize,
    tcp_base_port: Option<u32>,
    upstream_host: String,
    /// The host's environment, PORT and TCP_PORT left for each instance to fill in.
    env: Arc<HostEnv>,
}

impl<'a> HostTemplate<'a> {
    fn new(
        t: &Topology,
        shared: &SharedEnv,
        host: &'a Host,
        host_index: usize,
        local: bool,
        ports: PortValues,
    ) -> Self {
        let bind_ip = t.rocketchat.bind_ip.clone();
        let upstream_host = match (&bind_ip, local) {
            (Some(ip), _) if ip != "0.0.0.0" && ip != "::" => ip.clone(),
            (_, true) => "127.0.0.1".to_string(),
            _ => host.address.clone().unwrap_or_else(|| host.name.clone()),
        };
        let var = |name: &str, value: EnvValue| EnvVar {
            name: name.to_string(),
            value,
        };
        let plain = |s: &str| EnvValue::Plain(s.to_string());
        let mut env = vec![
            var("PORT", plain("")),
            var("ROOT_URL", shared.root_url.clone()),
            var("MONGO_URL", shared.mongo_url.clone()),
        ];
        env.extend(shared.oplog_url.clone().map(|v| var("MONGO_OPLOG_URL", v)));
        env.extend(
            host.address
                .as_deref()
                .map(|a| var("INSTANCE_IP", plain(a))),
        );
        env.push(var("TCP_PORT", plain("")));
        env.extend(bind_ip.map(|ip| var("BIND_IP", EnvValue::Plain(ip))));
        if let Some(proxy) = &t.proxy {
            let count = proxy.forwarded_count().to_string();
            env.push(var("HTTP_FORWARDED_COUNT", EnvValue::Plain(count)));
        }
        env.extend(shared.transporter.clone().map(|v| var("TRANSPORTER", v)));
        env.push(var("DEPLOY_METHOD", plain("rocketchat-topology")));
        env.extend(shared.extra.iter().cloned());
        env.extend(extra_env(t, &format!("hosts[{host_index}]"), &host.env));
        HostTemplate {
            host,
            host_index,
            tcp_base_port: host.tcp_base_port.or(t.rocketchat.tcp_base_port),
            upstream_host,
            env: HostEnv::new(last_of_each_name(env), ports),
        }
    }

    fn instance(&self, ordinal: usize, port: u16) -> Instance {
        let tcp_port = tcp_port(self.tcp_base_port, ordinal);
        let host = self.host;
        let env = Env::new(&self.env, ordinal);
        let mut id = String::with_capacity(host.name.len() + 6);
        id.push_str(&host.name);
        id.push(':');
        push_decimal(&mut id, port.into());
        Instance {
            id,
            host: host.name.clone(),
            host_index: self.host_index,
            ordinal,
            address: host.address.clone(),
            port,
            tcp_port,
            unit: crate::paths::instance_unit(port),
            upstream_host: self.upstream_host.clone(),
            env,
        }
    }
}

/// A later variable of the same name replaces an earlier one, which leaves the order (a host's
/// `env` wins over `rocketchat.env`). Linear: tables may hold many variables.
fn last_of_each_name(mut env: Vec<EnvVar>) -> Vec<EnvVar> {
    let mut seen = std::collections::HashSet::with_capacity(env.len());
    let keep: Vec<bool> = env
        .iter()
        .rev()
        .map(|var| seen.insert(var.name.as_str()))
        .collect();
    let mut keep = keep.into_iter().rev();
    env.retain(|_| keep.next().unwrap_or(true));
    env
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::example_with;
    use crate::load::Format;

    const CANARY: &str = "c4n4ry";

    /// The built-in example with the canary as the password of every URL and secret variable.
    fn topology_with_canaries() -> Topology {
        let text = example_with(&[(
            "[rocketchat]\n",
            "[rocketchat]\ntransporter = \"monolith+nats://nats:c4n4ry@nats:4222\"\n",
        )]);
        let mut topology = Topology::parse_with_env(&text, Format::Toml, None, &|_| None)
            .unwrap_or_else(|e| panic!("example does not load: {e}"));
        topology.mongo.url = format!("mongodb://rc:{CANARY}@db1:27017/rc?replicaSet=rs0");
        topology.mongo.oplog_url = Some(format!("mongodb://oplog:{CANARY}@db1:27017/local"));
        let env = &mut topology.rocketchat.env;
        env.insert("ADMIN_PASS".into(), CANARY.into());
        env.insert("SMTP_PWD".into(), CANARY.into());
        env.insert("BASIC_AUTH".into(), CANARY.into());
        env.insert("NOTE".into(), format!("https://u:it's{CANARY}@h"));
        topology.hosts[0]
            .env
            .insert("MAIL_PASS".into(), CANARY.into());
        topology
    }

    #[test]
    fn port_count_is_the_length_of_the_port_list() {
        use crate::model::Instances;
        let mut host = crate::example::topology().hosts[0].clone();
        for base in [0, 1, 3000, 65_530, 65_535, 65_536, 70_000, u32::MAX] {
            for count in [0, 1, 5, 20] {
                host.base_port = base;
                host.instances = Instances::Count(count);
                assert_eq!(
                    host_port_count(&host),
                    host_ports(&host).len(),
                    "{base} {count}"
                );
            }
        }
        host.ports = Some(vec![0, 3000, 3000, 70_000, 3001]);
        assert_eq!(host_port_count(&host), 2);
    }

    #[test]
    fn environment_never_holds_a_password_in_plain() {
        let layout = Layout::resolve(&topology_with_canaries());
        assert!(!layout.instances.is_empty());
        for instance in &layout.instances {
            for var in &instance.env {
                if var.value.expose().contains(CANARY) {
                    assert!(var.value.is_secret(), "{} is plain", var.name);
                }
            }
            let transporter = instance.env_value("TRANSPORTER");
            assert!(transporter.is_some_and(EnvValue::is_secret));
        }
    }

    #[test]
    fn token_only_transporter_and_short_secret_names_are_secret() {
        let mut topology = topology_with_canaries();
        topology.rocketchat.transporter = Some(format!("monolith+nats://{CANARY}@nats:4222"));
        let env = &mut topology.rocketchat.env;
        for name in ["DB_PW", "OVERWRITE_SETTING_SMTP_Pw", "LDAP_BIND_CRED"] {
            env.insert(name.into(), CANARY.into());
        }
        let layout = Layout::resolve(&topology);
        for name in [
            "TRANSPORTER",
            "DB_PW",
            "OVERWRITE_SETTING_SMTP_Pw",
            "LDAP_BIND_CRED",
        ] {
            let value = layout.instances[0].env_value(name);
            assert!(value.is_some_and(EnvValue::is_secret), "{name} is plain");
        }
        let json = serde_json::to_string(&layout).unwrap();
        assert!(!json.contains(CANARY), "{json}");
    }

    #[test]
    fn transporter_without_password_stays_plain() {
        let mut topology = topology_with_canaries();
        topology.rocketchat.transporter = Some("monolith+nats://nats:4222".into());
        let layout = Layout::resolve(&topology);
        let value = layout.instances[0].env_value("TRANSPORTER");
        assert!(value.is_some_and(|v| !v.is_secret()));
    }

    #[test]
    fn debug_output_never_holds_a_password() {
        let topology = topology_with_canaries();
        let layout = Layout::resolve(&topology);
        for text in [
            format!("{topology:?}"),
            format!("{topology:#?}"),
            format!("{layout:?}"),
            format!("{:?}", topology.mongo),
            format!("{:?}", topology.rocketchat),
            format!("{:?}", topology.hosts[0]),
        ] {
            assert!(!text.contains(CANARY), "{text}");
        }
        // Plain values still show, so the output stays useful.
        assert!(format!("{topology:?}").contains("db1:27017"));
        assert!(format!("{topology:?}").contains("ADMIN_PASS"));
    }

    #[test]
    fn layout_hides_only_urls_with_secrets() {
        let text = |url: &str| {
            crate::example::TOML.replacen(
                "mongodb://localhost:27017/rocketchat?replicaSet=rs0",
                url,
                1,
            )
        };
        let env = |url: &str| {
            let t = crate::Topology::parse(&text(url), crate::Format::Toml).unwrap();
            let layout = Layout::resolve(&t);
            layout.instances[0].env_value("MONGO_URL").cloned()
        };
        assert!(matches!(
            env("mongodb://localhost:27017/rocketchat?replicaSet=rs0"),
            Some(EnvValue::Plain(_))
        ));
        let secret = env(&format!(
            "mongodb://rc:{CANARY}@localhost/rocketchat?replicaSet=rs0"
        ));
        assert!(matches!(secret, Some(EnvValue::Secret(_))));
        let secret = secret.unwrap();
        assert!(!format!("{secret} {secret:?}").contains(CANARY));
        assert!(secret.expose().contains(CANARY));
        assert!(matches!(
            env(&format!(
                "mongodb://db1/rc?proxyHost=p&proxyUsername=u&proxyPassword={CANARY}"
            )),
            Some(EnvValue::Secret(_))
        ));
        assert!(matches!(env("mongodb://rc:x@/"), Some(EnvValue::Secret(_))));
    }
}
