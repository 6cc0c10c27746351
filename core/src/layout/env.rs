//! An instance's environment. The instances of one host differ only in PORT and TCP_PORT, so
//! the host's variables are built once and shared, and so are the PORT and TCP_PORT values of
//! hosts that use the same ports; an instance is its host's environment and its position in it.
//! At 15 instances a host, copying a dozen owned strings into every instance was most of the
//! cost of resolving (and of dropping) a large layout.

use crate::secret::Secret;
use serde::{Serialize, Serializer};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// One environment variable of a host's instances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvVar {
    /// The variable's name.
    pub name: String,
    /// Its value.
    pub value: EnvValue,
}

/// An environment value; secrets (URLs with credentials, passwords) print as `***`.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum EnvValue {
    /// A value that may be shown.
    Plain(String),
    /// A value that holds a secret.
    Secret(Secret),
}

impl EnvValue {
    /// The real value, for an environment file (mode 0600). Never log it.
    pub fn expose(&self) -> &str {
        match self {
            EnvValue::Plain(s) => s,
            EnvValue::Secret(s) => s.expose(),
        }
    }

    /// Whether the value holds a secret.
    pub fn is_secret(&self) -> bool {
        matches!(self, EnvValue::Secret(_))
    }
}

impl fmt::Debug for EnvValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvValue::Plain(s) => fmt::Debug::fmt(s, f),
            EnvValue::Secret(s) => fmt::Debug::fmt(s, f),
        }
    }
}

impl fmt::Display for EnvValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvValue::Plain(s) => f.write_str(s),
            EnvValue::Secret(s) => fmt::Display::fmt(s, f),
        }
    }
}

/// One variable of an instance's environment, borrowed from it.
#[derive(Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EnvEntry<'a> {
    /// The variable's name.
    pub name: &'a str,
    /// Its value.
    pub value: &'a EnvValue,
}

impl fmt::Debug for EnvEntry<'_> {
    /// As an [`EnvVar`], which is what the entry stands for.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvVar")
            .field("name", &self.name)
            .field("value", self.value)
            .finish()
    }
}

/// An instance's full environment, in a stable order: its host's variables, with the
/// instance's own PORT and TCP_PORT in their places.
#[derive(Clone)]
pub struct Env {
    host: Arc<HostEnv>,
    ordinal: usize,
}

/// The variables every instance of a host shares, PORT and TCP_PORT with placeholder values.
pub(crate) struct HostEnv {
    vars: Vec<EnvVar>,
    port_at: usize,
    tcp_port_at: usize,
    ports: PortValues,
}

/// The PORT and TCP_PORT values of a host's instances, by position among them.
pub(crate) type PortValues = Arc<[(EnvValue, EnvValue)]>;

/// The TCP_PORT of the instance at `ordinal`; 0 (Rocket.Chat picks one) without a base.
pub(crate) fn tcp_port(tcp_base: Option<u32>, ordinal: usize) -> u32 {
    tcp_base
        .map(|base| base.saturating_add(ordinal as u32))
        .unwrap_or(0)
}

/// Builds each host's [`PortValues`], reusing the previous host's when its ports and TCP base
/// are the same (as they are on every host of most topologies): two strings an instance
/// otherwise.
#[derive(Default)]
pub(crate) struct PortTables {
    last: Option<(Vec<u16>, Option<u32>, PortValues)>,
}

impl PortTables {
    pub(crate) fn get(&mut self, ports: &[u16], tcp_base: Option<u32>) -> PortValues {
        if let Some((p, base, values)) = &self.last {
            if p == ports && *base == tcp_base {
                return Arc::clone(values);
            }
        }
        let text = |n: u32| EnvValue::Plain(crate::decimal::decimal(n.into()));
        let values: PortValues = ports
            .iter()
            .enumerate()
            .map(|(i, port)| (text(u32::from(*port)), text(tcp_port(tcp_base, i))))
            .collect();
        self.last = Some((ports.to_vec(), tcp_base, Arc::clone(&values)));
        values
    }
}

impl HostEnv {
    /// `vars` must hold PORT and TCP_PORT (their values come from `ports`, per instance).
    pub(crate) fn new(vars: Vec<EnvVar>, ports: PortValues) -> Arc<Self> {
        let at = |name: &str| vars.iter().position(|v| v.name == name).unwrap_or(0);
        Arc::new(HostEnv {
            port_at: at("PORT"),
            tcp_port_at: at("TCP_PORT"),
            vars,
            ports,
        })
    }
}

impl Env {
    /// The environment of the host's instance at `ordinal`.
    pub(crate) fn new(host: &Arc<HostEnv>, ordinal: usize) -> Self {
        Env {
            host: Arc::clone(host),
            ordinal,
        }
    }

    /// Every variable, in order.
    pub fn iter(&self) -> EnvIter<'_> {
        EnvIter {
            env: self,
            vars: self.host.vars.iter().enumerate(),
        }
    }

    fn value_at<'a>(&'a self, i: usize, var: &'a EnvVar) -> &'a EnvValue {
        if i == self.host.port_at {
            &self.host.ports[self.ordinal].0
        } else if i == self.host.tcp_port_at {
            &self.host.ports[self.ordinal].1
        } else {
            &var.value
        }
    }

    /// The number of variables.
    pub fn len(&self) -> usize {
        self.host.vars.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.host.vars.is_empty()
    }

    /// The value of the variable `name`, when there is one.
    pub fn get(&self, name: &str) -> Option<&EnvValue> {
        self.iter().find(|e| e.name == name).map(|e| e.value)
    }

    /// Whether both are environments of the same host's instances, which then share every
    /// variable but PORT and TCP_PORT (and hash alike in [`Env::hash_shared`]).
    pub(crate) fn shares_host_with(&self, other: &Env) -> bool {
        Arc::ptr_eq(&self.host, &other.host)
    }

    /// Hashes every name, and every value but the instance's own (PORT, TCP_PORT): what all the
    /// host's instances have in common, so it can be hashed once per host. Followed by
    /// [`Env::hash_own`], two environments hash alike when they are equal: the places of PORT and
    /// TCP_PORT follow from the names.
    pub(crate) fn hash_shared<H: Hasher>(&self, h: &mut H) {
        for (i, var) in self.host.vars.iter().enumerate() {
            var.name.hash(h);
            if !self.is_own(i) {
                var.value.expose().hash(h);
            }
        }
    }

    /// Hashes the values [`Env::hash_shared`] leaves out, in their order.
    pub(crate) fn hash_own<H: Hasher>(&self, h: &mut H) {
        let host = &self.host;
        let Some(var) = host.vars.get(host.port_at) else {
            return;
        };
        self.value_at(host.port_at, var).expose().hash(h);
        if host.tcp_port_at != host.port_at {
            if let Some(var) = host.vars.get(host.tcp_port_at) {
                self.value_at(host.tcp_port_at, var).expose().hash(h);
            }
        }
    }

    fn is_own(&self, i: usize) -> bool {
        i == self.host.port_at || i == self.host.tcp_port_at
    }
}

/// The variables of an [`Env`], in order.
pub struct EnvIter<'a> {
    env: &'a Env,
    vars: std::iter::Enumerate<std::slice::Iter<'a, EnvVar>>,
}

impl<'a> Iterator for EnvIter<'a> {
    type Item = EnvEntry<'a>;

    fn next(&mut self) -> Option<EnvEntry<'a>> {
        let (i, var) = self.vars.next()?;
        Some(EnvEntry {
            name: &var.name,
            value: self.env.value_at(i, var),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.vars.size_hint()
    }
}

impl ExactSizeIterator for EnvIter<'_> {}

impl<'a> IntoIterator for &'a Env {
    type Item = EnvEntry<'a>;
    type IntoIter = EnvIter<'a>;

    fn into_iter(self) -> EnvIter<'a> {
        self.iter()
    }
}

impl PartialEq for Env {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Env {}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Env {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}
