//! The resolved layout as JavaScript objects. Secret environment values read `***`.

use crate::report::saturating_u32;
use napi_derive::napi;
use rocketchat_topology as core;

/// A topology resolved into concrete instances.
#[napi(object)]
pub struct Layout {
    pub hosts: Vec<HostLayout>,
    pub instances: Vec<Instance>,
}

/// One application host, resolved.
#[napi(object)]
pub struct HostLayout {
    pub name: String,
    /// Position in the topology's `hosts` list.
    pub index: u32,
    pub address: Option<String>,
    pub cores: u32,
    /// Whether the reverse proxy runs on this host.
    pub runs_proxy: bool,
}

/// One Rocket.Chat process.
#[napi(object)]
pub struct Instance {
    /// `<host name>:<port>`, the name plans and tools use for an instance.
    pub id: String,
    pub host: String,
    pub host_index: u32,
    /// Position among its host's instances.
    pub ordinal: u32,
    /// INSTANCE_IP; absent leaves Rocket.Chat's default (`localhost`).
    pub address: Option<String>,
    pub port: u32,
    /// TCP_PORT for instance-to-instance traffic; 0 lets Rocket.Chat pick one.
    pub tcp_port: u32,
    /// systemd unit, `rocketchat@<port>.service`.
    pub unit: String,
    /// Where the proxy sends traffic.
    pub upstream_host: String,
    /// The full environment, in a stable order.
    pub env: Vec<EnvVar>,
}

/// One environment variable; `value` is `***` when `secret` is true.
#[napi(object)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
    pub secret: bool,
}

impl From<&core::Layout> for Layout {
    fn from(l: &core::Layout) -> Self {
        Layout {
            hosts: l.hosts.iter().map(HostLayout::from).collect(),
            instances: l.instances.iter().map(Instance::from).collect(),
        }
    }
}

impl From<&core::HostLayout> for HostLayout {
    fn from(h: &core::HostLayout) -> Self {
        HostLayout {
            name: h.name.clone(),
            index: saturating_u32(h.index),
            address: h.address.clone(),
            cores: h.cores,
            runs_proxy: h.runs_proxy,
        }
    }
}

impl From<&core::Instance> for Instance {
    fn from(i: &core::Instance) -> Self {
        Instance {
            id: i.id.clone(),
            host: i.host.clone(),
            host_index: saturating_u32(i.host_index),
            ordinal: saturating_u32(i.ordinal),
            address: i.address.clone(),
            port: u32::from(i.port),
            tcp_port: i.tcp_port,
            unit: i.unit.clone(),
            upstream_host: i.upstream_host.clone(),
            env: i.env.iter().map(EnvVar::from).collect(),
        }
    }
}

impl From<core::EnvEntry<'_>> for EnvVar {
    fn from(e: core::EnvEntry<'_>) -> Self {
        EnvVar {
            name: e.name.to_string(),
            // Display prints secrets as `***`; only env-file rendering exposes them.
            value: e.value.to_string(),
            secret: e.value.is_secret(),
        }
    }
}
