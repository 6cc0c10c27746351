use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The reverse proxy that spreads users over the instances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Proxy {
    /// Which proxy software: nginx, Apache or HAProxy.
    pub kind: ProxyKind,
    /// The public host name (must match ROOT_URL's host).
    pub server_name: String,
    /// Name of the application host the proxy runs on; absent when it has a machine of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// TLS termination; required when ROOT_URL is https.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<Tls>,
    /// How a user stays on one instance.
    #[serde(default)]
    pub affinity: Affinity,
}

/// A reverse proxy the renderers support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ProxyKind {
    /// nginx.
    Nginx,
    /// Apache httpd with mod_proxy_balancer.
    Apache,
    /// HAProxy.
    Haproxy,
}

impl ProxyKind {
    /// The lowercase name (`nginx`).
    pub fn as_str(&self) -> &'static str {
        match self {
            ProxyKind::Nginx => "nginx",
            ProxyKind::Apache => "apache",
            ProxyKind::Haproxy => "haproxy",
        }
    }
}

/// How the proxy keeps a user on one instance (SockJS polling must return to the same one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Affinity {
    /// No affinity: every request may go to another instance.
    None,
    /// By client address (nginx `ip_hash`, HAProxy `balance source`).
    IpHash,
    /// By a cookie the proxy sets (the default).
    #[default]
    Cookie,
}

impl Affinity {
    /// The name in topology files (`ip_hash`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Affinity::None => "none",
            Affinity::IpHash => "ip_hash",
            Affinity::Cookie => "cookie",
        }
    }
}

/// The certificate and key the proxy terminates TLS with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// Path of the certificate (chain) file on the proxy host.
    pub certificate: String,
    /// Path of the private key file on the proxy host.
    pub key: String,
}

impl Proxy {
    /// Ports the proxy listens on: 80 always (redirect or plain HTTP), 443 with TLS.
    pub fn listen_ports(&self) -> Vec<u32> {
        if self.tls.is_some() {
            vec![80, 443]
        } else {
            vec![80]
        }
    }
}
