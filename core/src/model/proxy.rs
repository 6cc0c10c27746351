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
    /// TLS termination; required when ROOT_URL is https, unless `tls_in_front`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<Tls>,
    /// TLS ends at a load balancer in front of this proxy, which forwards plain HTTP with
    /// `X-Forwarded-Proto: https`: an https ROOT_URL then needs no `tls` here.
    #[serde(default, skip_serializing_if = "is_false")]
    pub tls_in_front: bool,
    /// Proxies in front of this one (load balancers, CDNs); HTTP_FORWARDED_COUNT is this + 1.
    /// Defaults to 1 with `tls_in_front`, else 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxies_in_front: Option<u32>,
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
    /// Path of the private key file on the proxy host. Absent: the key is in the certificate
    /// file (HAProxy always reads it from there or from `<certificate>.key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

impl Tls {
    /// The file holding the private key: `key`, or the certificate file itself.
    pub fn key_file(&self) -> &str {
        self.key.as_deref().unwrap_or(&self.certificate)
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Proxy {
    /// The scheme users connect with: `https` when TLS ends here or at a load balancer in front.
    pub fn public_scheme(&self) -> &'static str {
        if self.tls.is_some() || self.tls_in_front {
            "https"
        } else {
            "http"
        }
    }

    /// Proxies between users and Rocket.Chat, this one included: HTTP_FORWARDED_COUNT.
    pub fn forwarded_count(&self) -> u32 {
        let in_front = self
            .proxies_in_front
            .unwrap_or(if self.tls_in_front { 1 } else { 0 });
        in_front.saturating_add(1)
    }

    /// Ports the proxy listens on: 80 always (redirect or plain HTTP), 443 with TLS.
    pub fn listen_ports(&self) -> Vec<u32> {
        if self.tls.is_some() {
            vec![80, 443]
        } else {
            vec![80]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy(tls_in_front: bool, proxies_in_front: Option<u32>) -> Proxy {
        Proxy {
            kind: ProxyKind::Nginx,
            server_name: "chat.example.com".into(),
            host: None,
            tls: None,
            tls_in_front,
            proxies_in_front,
            affinity: Affinity::Cookie,
        }
    }

    #[test]
    fn forwarded_count_follows_the_proxies_in_front() {
        assert_eq!(proxy(false, None).forwarded_count(), 1);
        assert_eq!(proxy(true, None).forwarded_count(), 2);
        assert_eq!(proxy(true, Some(2)).forwarded_count(), 3);
        assert_eq!(proxy(false, Some(1)).forwarded_count(), 2);
        assert_eq!(proxy(true, None).public_scheme(), "https");
        assert_eq!(proxy(false, None).public_scheme(), "http");
    }

    #[test]
    fn a_missing_key_is_in_the_certificate_file() {
        let tls = Tls {
            certificate: "/etc/haproxy/certs/chat.pem".into(),
            key: None,
        };
        assert_eq!(tls.key_file(), "/etc/haproxy/certs/chat.pem");
    }
}
