//! Where a deployment's files live on its machines, which machine each belongs on, and the names
//! proxy configurations give the Rocket.Chat backends. The renderers write these paths and names
//! and the planner installs, edits and removes them: keeping them in one place means the two
//! never disagree.

use crate::decimal::push_decimal;
use crate::model::{Member, ProxyKind, Topology};

/// Directory of the per-instance environment files.
pub(crate) const ENV_DIR: &str = "/etc/rocketchat";
/// The systemd template unit every instance runs from (`rocketchat@<port>.service`).
pub(crate) const UNIT_TEMPLATE: &str = "/etc/systemd/system/rocketchat@.service";
/// The systemd target that groups a host's instances.
pub(crate) const TARGET_UNIT: &str = "/etc/systemd/system/rocketchat.target";
/// The target's unit name, enabled so that instances come back after a reboot.
pub(crate) const TARGET_NAME: &str = "rocketchat.target";
/// The one-shot unit every instance requires: creates the system user and directories.
pub(crate) const PREPARE_UNIT: &str = "/etc/systemd/system/rocketchat-prepare.service";
/// The system user and group (systemd-sysusers).
pub(crate) const SYSUSERS_CONF: &str = "/etc/sysusers.d/rocketchat.conf";
/// The directories the instances write (systemd-tmpfiles).
pub(crate) const TMPFILES_CONF: &str = "/etc/tmpfiles.d/rocketchat.conf";
/// Every file an application host needs besides its environment files, in install order.
pub(crate) const HOST_UNIT_FILES: [&str; 5] = [
    SYSUSERS_CONF,
    TMPFILES_CONF,
    PREPARE_UNIT,
    UNIT_TEMPLATE,
    TARGET_UNIT,
];
pub(crate) const NGINX_CONF: &str = "/etc/nginx/conf.d/rocketchat.conf";
pub(crate) const APACHE_CONF: &str = "/etc/apache2/sites-available/rocketchat.conf";
pub(crate) const HAPROXY_CFG: &str = "/etc/haproxy/haproxy.cfg";
/// HAProxy's runtime API (`echo "show servers state" | socat stdio <socket>`).
pub(crate) const HAPROXY_SOCKET: &str = "/run/haproxy/admin.sock";
/// The mongod configuration of a machine with one replica set member.
pub(crate) const MONGOD_CONF: &str = "/etc/mongod.conf";
/// The replica set initiation script, on the first data-bearing member's machine.
pub(crate) const MONGOD_INITIATE: &str = "/etc/mongod/rs-initiate.js";
/// The systemd template of machines with several members (`mongod@<port>.service`).
pub(crate) const MONGOD_UNIT_TEMPLATE: &str = "/etc/systemd/system/mongod@.service";
/// The systemd unit of MongoDB on a machine with one member (the distribution's unit).
pub(crate) const MONGOD_UNIT: &str = "mongod.service";
/// The port a replica set member without one listens on.
pub(crate) const MONGOD_DEFAULT_PORT: u32 = 27017;

/// Environment files hold MONGO_URL with its password: owner-only.
pub(crate) const ENV_MODE: u32 = 0o600;
/// Unit files and proxy configurations hold no secrets.
pub(crate) const CONFIG_MODE: u32 = 0o644;

/// The name of the nginx `upstream`, HAProxy `backend` and the stem of the Apache balancers.
pub(crate) const BACKEND_NAME: &str = "rocketchat";
/// Apache needs one balancer per scheme (plain HTTP, WebSocket), each named
/// `balancer://<BACKEND_NAME>-<scheme>` with one `BalancerMember <scheme>://<address>` per instance.
pub(crate) const APACHE_SCHEMES: [&str; 2] = ["http", "ws"];
/// Where the rendered Apache site serves mod_proxy_balancer's balancer-manager (`Require local`:
/// from the proxy machine only), through which a plan takes members out and back without a reload.
pub(crate) const APACHE_MANAGER_PATH: &str = "/balancer-manager";
/// The machine name rendered files use for a proxy without an application host of its own.
pub(crate) const PROXY_MACHINE: &str = "proxy";
/// The machine name of files that belong in documentation rather than on a machine (the diagram).
pub(crate) const DOCS_MACHINE: &str = "docs";

/// `/etc/rocketchat/<port>.env`.
pub(crate) fn env_file(port: u16) -> String {
    let mut path = String::with_capacity(ENV_DIR.len() + 10);
    push_env_file(&mut path, port);
    path
}

/// Appends [`env_file`]'s text.
pub(crate) fn push_env_file(out: &mut String, port: u16) {
    // Built by hand: every instance has one, and `format!` costs several times this.
    out.push_str(ENV_DIR);
    out.push('/');
    push_decimal(out, port.into());
    out.push_str(".env");
}

/// `rocketchat@<port>.service`.
pub(crate) fn instance_unit(port: u16) -> String {
    let mut unit = String::with_capacity(24);
    push_instance_unit(&mut unit, port);
    unit
}

/// Appends [`instance_unit`]'s text.
pub(crate) fn push_instance_unit(out: &mut String, port: u16) {
    // Built by hand: every instance of a layout gets one, and `format!` costs several times this.
    out.push_str("rocketchat@");
    push_decimal(out, port.into());
    out.push_str(".service");
}

/// The configuration file of a proxy kind.
pub(crate) fn proxy_config(kind: ProxyKind) -> &'static str {
    match kind {
        ProxyKind::Nginx => NGINX_CONF,
        ProxyKind::Apache => APACHE_CONF,
        ProxyKind::Haproxy => HAPROXY_CFG,
    }
}

/// The machine the proxy runs on: its application host, or [`PROXY_MACHINE`].
pub(crate) fn proxy_machine(topology: &Topology) -> Option<String> {
    topology
        .proxy
        .as_ref()
        .map(|p| p.host.clone().unwrap_or_else(|| PROXY_MACHINE.to_string()))
}

/// `host:port`, with brackets around an IPv6 host: how proxies and URLs name an instance.
pub(crate) fn host_port(host: &str, port: u16) -> String {
    let mut out = String::with_capacity(host.len() + 8);
    push_host_port(&mut out, host, port);
    out
}

/// Appends [`host_port`]'s text (the proxies write one per instance).
pub(crate) fn push_host_port(out: &mut String, host: &str, port: u16) {
    if host.contains(':') {
        out.push('[');
        out.push_str(host);
        out.push(']');
    } else {
        out.push_str(host);
    }
    out.push(':');
    push_decimal(out, port.into());
}

/// `balancer://rocketchat-<scheme>`, the Apache balancer of one scheme.
pub(crate) fn apache_balancer(scheme: &str) -> String {
    format!("balancer://{BACKEND_NAME}-{scheme}")
}

/// The name of one instance as a server of the backend: the HAProxy `server` name, the HAProxy
/// cookie value and the Apache route, `<host>_<port>`. A character HAProxy does not allow in a
/// name becomes `_` (host names are already restricted by S013 and the planner).
pub(crate) fn backend_server(host: &str, port: u16) -> String {
    let mut out = String::with_capacity(host.len() + 6);
    push_backend_server(&mut out, host, port);
    out
}

/// Appends [`backend_server`]'s text (the proxies write one or two per instance).
pub(crate) fn push_backend_server(out: &mut String, host: &str, port: u16) {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    if host.chars().all(allowed) {
        out.push_str(host);
    } else {
        out.extend(host.chars().map(|c| if allowed(c) { c } else { '_' }));
    }
    out.push('_');
    push_decimal(out, port.into());
}

/// Where `rctopo render --target all --out DIR` puts a file: `DIR/<machine>/<path>`; this is
/// the part after `DIR/`.
pub(crate) fn rendered_relative(machine: &str, path: &str) -> String {
    format!("{machine}/{}", path.trim_start_matches('/'))
}

/// Where one replica set member's mongod lives: its machine, configuration, unit and the
/// suffix of its data and log paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MongodPlace {
    pub machine: String,
    pub port: u32,
    /// `/etc/mongod.conf`, or `/etc/mongod-<port>.conf` when the machine holds several members.
    pub conf: String,
    /// `mongod.service`, or `mongod@<port>.service` when the machine holds several members.
    pub unit: String,
    /// `""`, or `-<port>` when the machine holds several members (data directory, log).
    pub suffix: String,
    /// Whether the machine holds several members (and so needs [`MONGOD_UNIT_TEMPLATE`]).
    pub shared: bool,
}

/// The machine a member's files belong on: its host name, or the only application host when
/// the member is registered as loopback (MongoDB beside Rocket.Chat, as in the how-to).
fn mongod_machine(topology: &Topology, member: &Member) -> String {
    match topology.hosts.as_slice() {
        [only] if crate::net::is_loopback(member.hostname()) => only.name.clone(),
        _ => member.hostname().to_string(),
    }
}

/// Where every replica set member's mongod lives, in member order.
/// None when MongoDB is external (its provider runs mongod).
pub(crate) fn mongod_places(topology: &Topology) -> Vec<MongodPlace> {
    if !topology.mongo.runs_mongod() {
        return Vec::new();
    }
    let members = &topology.mongo.members;
    let machines: Vec<String> = members
        .iter()
        .map(|m| mongod_machine(topology, m))
        .collect();
    members
        .iter()
        .zip(&machines)
        .map(|(m, machine)| {
            let port = m.port().unwrap_or(MONGOD_DEFAULT_PORT);
            let shared = machines.iter().filter(|x| *x == machine).count() > 1;
            let (conf, unit, suffix) = if shared {
                (
                    format!("/etc/mongod-{port}.conf"),
                    format!("mongod@{port}.service"),
                    format!("-{port}"),
                )
            } else {
                (
                    MONGOD_CONF.to_string(),
                    MONGOD_UNIT.to_string(),
                    String::new(),
                )
            };
            MongodPlace {
                machine: machine.clone(),
                port,
                conf,
                unit,
                suffix,
                shared,
            }
        })
        .collect()
}

/// Whether `path` is a mongod configuration ([`MONGOD_CONF`] or `/etc/mongod-<port>.conf`).
pub(crate) fn is_mongod_conf(path: &str) -> bool {
    path == MONGOD_CONF
        || path
            .strip_prefix("/etc/mongod-")
            .and_then(|rest| rest.strip_suffix(".conf"))
            .is_some_and(|port| port.parse::<u32>().is_ok())
}

/// Whether `unit` runs a mongod ([`MONGOD_UNIT`] or `mongod@<port>.service`).
pub(crate) fn is_mongod_unit(unit: &str) -> bool {
    unit == MONGOD_UNIT
        || unit
            .strip_prefix("mongod@")
            .and_then(|rest| rest.strip_suffix(".service"))
            .is_some_and(|port| port.parse::<u32>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_files_sit_in_one_directory_per_port() {
        assert_eq!(env_file(3001), "/etc/rocketchat/3001.env");
        assert_eq!(instance_unit(3001), "rocketchat@3001.service");
        assert_eq!(
            rendered_relative("app1", NGINX_CONF),
            "app1/etc/nginx/conf.d/rocketchat.conf"
        );
    }

    #[test]
    fn ipv6_hosts_get_brackets_before_the_port() {
        assert_eq!(host_port("127.0.0.1", 3000), "127.0.0.1:3000");
        assert_eq!(host_port("::1", 3001), "[::1]:3001");
        assert_eq!(host_port("app1.example.com", 3002), "app1.example.com:3002");
    }

    #[test]
    fn backend_names_keep_only_characters_haproxy_accepts() {
        assert_eq!(
            backend_server("app1.example.com", 3000),
            "app1.example.com_3000"
        );
        assert_eq!(backend_server("a:b[c]", 3001), "a_b_c__3001");
        assert_eq!(apache_balancer("ws"), "balancer://rocketchat-ws");
    }

    #[test]
    fn several_members_on_one_machine_get_their_own_files_and_units() {
        let mut t = crate::example::topology();
        let member = |host: &str| Member {
            host: host.into(),
            arbiter: false,
            votes: None,
            priority: None,
            hidden: false,
        };
        t.mongo.members = vec![member("db1:27017"), member("db1:27018"), member("db2")];
        let places = mongod_places(&t);
        assert_eq!(places[0].conf, "/etc/mongod-27017.conf");
        assert_eq!(places[1].unit, "mongod@27018.service");
        assert_eq!(places[2].conf, MONGOD_CONF);
        assert_eq!(places[2].unit, MONGOD_UNIT);
        assert!(places
            .iter()
            .all(|p| is_mongod_conf(&p.conf) && is_mongod_unit(&p.unit)));
        assert!(!is_mongod_conf("/etc/mongod-x.conf"));
    }
}
