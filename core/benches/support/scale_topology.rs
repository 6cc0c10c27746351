//! The topologies of the scale benchmark (core/benches/scale.rs) and of its instruction-count
//! harness (core/examples/scale_profile.rs): `hosts` hosts of 16 cores running 15 instances each,
//! HAProxy on a machine of its own, a three-member replica set.

use rocketchat_topology::load::Format;
use rocketchat_topology::Topology;

pub const INSTANCES_PER_HOST: usize = 15;
/// 1,500 and 15,000 instances.
pub const HOSTS: [usize; 2] = [100, 1_000];

/// A topology file of `hosts` application hosts, as TOML text.
pub fn topology_toml(hosts: usize, version: &str) -> String {
    let mut text = format!(
        r#"[site]
root_url = "https://chat.example.com"

[rocketchat]
version = "{version}"
edition = "enterprise"
uploads_path = "/var/lib/rocket.chat/uploads"
tcp_base_port = 4000

[rocketchat.env]
OVERWRITE_SETTING_Show_Setup_Wizard = "completed"

[mongo]
url = "mongodb://rocketchat:bench-password@db1.example.internal:27017,db2.example.internal:27017,db3.example.internal:27017/rocketchat?replicaSet=rs0&authSource=admin"
version = "7.0"
replica_set = "rs0"
members = [
  {{ host = "db1.example.internal:27017", priority = 2 }},
  {{ host = "db2.example.internal:27017" }},
  {{ host = "db3.example.internal:27017" }},
]

[proxy]
kind = "haproxy"
server_name = "chat.example.com"
tls = {{ certificate = "/etc/haproxy/certs/chat.pem", key = "/etc/haproxy/certs/chat.pem" }}
affinity = "cookie"
"#
    );
    for i in 0..hosts {
        text.push_str(&format!(
            "\n[[hosts]]\nname = \"app{i}\"\naddress = \"10.{}.{}.{}\"\ncores = {}\n",
            i / 65536,
            i / 256 % 256,
            i % 256,
            INSTANCES_PER_HOST + 1
        ));
    }
    text
}

pub fn load(text: &str) -> Topology {
    Topology::parse_with_env(text, Format::Toml, None, &|_| None).expect("bench topology loads")
}
