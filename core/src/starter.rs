//! A commented starter topology for `rctopo init`.

use std::fmt::Write;

/// What the starter file describes.
pub struct StarterOptions {
    /// Number of application hosts.
    pub hosts: u32,
    /// CPU cores of each host.
    pub cores: u32,
}

/// Most hosts a starter file describes; larger deployments are better written by hand or generated.
const MAX_HOSTS: u32 = 50;

/// TOML text for `hosts` hosts of `cores` cores, that passes `rctopo check` once its password
/// variable is exported.
pub fn starter_topology(o: &StarterOptions) -> Result<String, String> {
    if o.hosts == 0 || o.hosts > MAX_HOSTS {
        return Err(format!("--hosts must be between 1 and {MAX_HOSTS}"));
    }
    if o.cores == 0 || o.cores > 1024 {
        return Err("--cores must be between 1 and 1024".into());
    }
    let multi = o.hosts > 1;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"# Rocket.Chat topology: {hosts} host(s) with {cores} core(s) each.
# Check it with `rctopo check FILE`; render its files with `rctopo render FILE --target all`.
# Values written as ${{NAME}} come from the environment, so this file can be committed.

[site]
root_url = "https://chat.example.com"     # the URL users open

[rocketchat]
version = "7.10.0"
edition = "enterprise"                     # "community": several instances lose typing events (6.0+)
bundle = "/opt/rocket.chat/bundle"
node = "/usr/local/bin/node"
user = "rocketchat"
tcp_base_port = 4000                       # TCP_PORT 4000, 4001, ... (instance-to-instance)

[mongo]
# replicaSet is required; the password comes from the environment.
url = "mongodb://rocketchat:${{RC_MONGO_PASSWORD}}@{m1}:27017,{m2}:27017,{m3}:27017/rocketchat?replicaSet=rs0&authSource=admin"
version = "7.0"
storage_engine = "wiredTiger"
replica_set = "rs0"
members = [{{ host = "{m1}:27017" }}, {{ host = "{m2}:27017" }}, {{ host = "{m3}:27017" }}]

[proxy]
kind = "nginx"                             # nginx | apache | haproxy
server_name = "chat.example.com"
{proxy_host}tls = {{ certificate = "/etc/ssl/certs/chat.example.com.pem", key = "/etc/ssl/private/chat.example.com.key" }}
affinity = "cookie"                        # none | ip_hash | cookie
"#,
        hosts = o.hosts,
        cores = o.cores,
        m1 = "db1.example.internal",
        m2 = "db2.example.internal",
        m3 = "db3.example.internal",
        proxy_host = if multi {
            ""
        } else {
            "host = \"app1\"                             # the proxy runs on app1\n"
        },
    );
    for i in 1..=o.hosts {
        let _ = write!(
            s,
            r#"
[[hosts]]
name = "app{i}"
{address}cores = {cores}
instances = "auto"                         # cores - 1
base_port = 3000
"#,
            address = if multi {
                format!(
                    "address = \"10.0.0.{}\"                  # INSTANCE_IP\n",
                    10 + i
                )
            } else {
                String::new()
            },
            cores = o.cores,
        );
    }
    Ok(s)
}
