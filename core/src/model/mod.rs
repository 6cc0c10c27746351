//! The topology as written in a topology file (TOML, YAML or JSON). Serde types only: resolution
//! into concrete instances lives in [`crate::layout`], judgement in [`crate::check`](mod@crate::check).

mod host;
mod mongo;
mod proxy;
mod rocketchat;

pub use host::{Host, Instances};
#[cfg(feature = "live")]
pub(crate) use mongo::split_host_port;
pub use mongo::{Member, Mongo, StorageEngine};
pub use proxy::{Affinity, Proxy, ProxyKind, Tls};
pub use rocketchat::{Edition, RocketChat};

mod redact;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where each release publishes the topology file's JSON Schema (`rctopo schema` prints it).
pub const SCHEMA_ID: &str = concat!(
    "https://github.com/rocketchat-topology/rocketchat-topology/releases/download/v",
    env!("CARGO_PKG_VERSION"),
    "/topology.schema.json"
);

/// The top-level key a JSON topology names its schema with; loading drops it.
pub const SCHEMA_KEY: &str = "$schema";

/// A whole multi-instance Rocket.Chat deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Topology {
    /// The public side: ROOT_URL.
    pub site: Site,
    /// The Rocket.Chat release and how its instances run.
    pub rocketchat: RocketChat,
    /// The MongoDB replica set and the URLs to reach it.
    pub mongo: Mongo,
    /// The reverse proxy in front of the instances. Required as soon as there is more than one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<Proxy>,
    /// Application hosts, each running one or more Rocket.Chat instances.
    #[serde(default)]
    pub hosts: Vec<Host>,
    /// Where this topology was read from (file, positions, `${NAME}` fields). Not part of its value.
    #[serde(skip)]
    #[schemars(skip)]
    pub provenance: crate::load::Provenance,
}

/// What users see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// The public URL users open (ROOT_URL), e.g. `https://chat.example.com`.
    pub root_url: String,
}

impl Topology {
    /// The JSON Schema of a topology file. Its `$id` is the address each release publishes it
    /// at; it allows the top-level `"$schema"` key editors use to find it.
    pub fn json_schema() -> serde_json::Value {
        let mut schema = serde_json::to_value(schemars::schema_for!(Topology)).unwrap_or_default();
        schema["$id"] = SCHEMA_ID.into();
        schema["properties"][SCHEMA_KEY] = serde_json::json!({
            "description": "The JSON Schema this file follows, for editors; ignored when loading.",
            "type": "string",
        });
        schema
    }
}
