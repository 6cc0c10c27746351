use super::redact;
use schemars::JsonSchema;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// An application host. `Debug` hides secret-named `env` values.
#[derive(Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Host {
    /// Unique name (also the folder of its rendered files).
    pub name: String,
    /// Address other instances and the proxy use to reach this host; becomes INSTANCE_IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// CPU cores. Rule of thumb: cores - 1 instances.
    pub cores: u32,
    /// `"auto"` (cores - 1, at least 1) or a number. Ignored when `ports` is given.
    #[serde(default)]
    pub instances: Instances,
    /// Explicit instance ports; overrides `instances` and `base_port`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<Vec<u32>>,
    /// First HTTP port; instance i listens on base_port + i.
    #[serde(default = "default_base_port")]
    pub base_port: u32,
    /// First TCP_PORT on this host (overrides `rocketchat.tcp_base_port`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp_base_port: Option<u32>,
    /// Extra environment for this host's instances (wins over `rocketchat.env`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
}

impl fmt::Debug for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Host")
            .field("name", &self.name)
            .field("address", &self.address)
            .field("cores", &self.cores)
            .field("instances", &self.instances)
            .field("ports", &self.ports)
            .field("base_port", &self.base_port)
            .field("tcp_base_port", &self.tcp_base_port)
            .field("env", &redact::Env(&self.env))
            .finish()
    }
}

fn default_base_port() -> u32 {
    3000
}

/// How many instances a host runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Instances {
    /// cores - 1, at least 1.
    #[default]
    Auto,
    /// This many instances.
    Count(u32),
}

impl Instances {
    /// The number of instances on a host with `cores` cores.
    pub fn count(&self, cores: u32) -> u32 {
        match *self {
            Instances::Auto => cores.saturating_sub(1).max(1),
            Instances::Count(n) => n,
        }
    }
}

impl Serialize for Instances {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Instances::Auto => s.serialize_str("auto"),
            Instances::Count(n) => s.serialize_u32(*n),
        }
    }
}

impl<'de> Deserialize<'de> for Instances {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Instances;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"auto\" or a number of instances")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Instances, E> {
                if v == "auto" {
                    Ok(Instances::Auto)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Instances, E> {
                u32::try_from(v)
                    .map(Instances::Count)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Instances, E> {
                u32::try_from(v)
                    .map(Instances::Count)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Instances {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Instances".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "\"auto\" (cores - 1, at least 1) or a number of instances",
            "oneOf": [
                { "type": "string", "const": "auto" },
                { "type": "integer", "minimum": 0 }
            ]
        })
    }
}
