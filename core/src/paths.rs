//! Where a deployment's files live on its machines, and the names proxy configurations give
//! the Rocket.Chat backends. The renderers write these paths and the planner installs, edits
//! and removes them: keeping them in one place means the two never disagree.

use crate::model::{ProxyKind, Topology};

/// Directory of the per-instance environment files.
pub(crate) const ENV_DIR: &str = "/etc/rocketchat";
/// The systemd template unit every instance runs from (`rocketchat@<port>.service`).
pub(crate) const UNIT_TEMPLATE: &str = "/etc/systemd/system/rocketchat@.service";
/// The systemd target that groups a host's instances.
pub(crate) const TARGET_UNIT: &str = "/etc/systemd/system/rocketchat.target";
pub(crate) const NGINX_CONF: &str = "/etc/nginx/conf.d/rocketchat.conf";
pub(crate) const APACHE_CONF: &str = "/etc/apache2/sites-available/rocketchat.conf";
pub(crate) const HAPROXY_CFG: &str = "/etc/haproxy/haproxy.cfg";
pub(crate) const MONGOD_CONF: &str = "/etc/mongod.conf";

/// Environment files hold MONGO_URL with its password: owner-only.
pub(crate) const ENV_MODE: u32 = 0o600;
/// Unit files and proxy configurations hold no secrets.
pub(crate) const CONFIG_MODE: u32 = 0o644;

/// The name of the nginx `upstream`, HAProxy `backend` and Apache `balancer://` group.
pub(crate) const BACKEND_NAME: &str = "rocketchat";
/// The machine name rendered files use for a proxy without an application host of its own.
pub(crate) const PROXY_MACHINE: &str = "proxy";
/// The systemd unit of MongoDB.
pub(crate) const MONGOD_UNIT: &str = "mongod.service";

/// `/etc/rocketchat/<port>.env`.
pub(crate) fn env_file(port: u16) -> String {
    format!("{ENV_DIR}/{port}.env")
}

/// `rocketchat@<port>.service`.
pub(crate) fn instance_unit(port: u16) -> String {
    format!("rocketchat@{port}.service")
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

/// The name of one instance as a server of the backend (HAProxy `server` name, Apache route):
/// `<host>_<port>`.
pub(crate) fn backend_server(host: &str, port: u16) -> String {
    format!("{host}_{port}")
}

/// Where `rctopo render --target all --out DIR` puts a file: `DIR/<machine>/<path>`; this is
/// the part after `DIR/`.
pub(crate) fn rendered_relative(machine: &str, path: &str) -> String {
    format!("{machine}/{}", path.trim_start_matches('/'))
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
}
