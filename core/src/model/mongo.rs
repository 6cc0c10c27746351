use super::redact;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The MongoDB replica set behind Rocket.Chat. `Debug` hides the URLs' passwords.
#[derive(Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mongo {
    /// MONGO_URL. Write the password as `${ENV_NAME}` so the file can be committed.
    pub url: String,
    /// MONGO_OPLOG_URL (legacy from Rocket.Chat 5.4): only when needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oplog_url: Option<String>,
    /// MongoDB server release, e.g. `7.0` (for a managed service, the release it runs).
    pub version: String,
    /// `false` when MongoDB runs elsewhere (Atlas, any managed replica set): nothing mongod is
    /// rendered or planned and no member list is needed. A `mongodb+srv://` URL without
    /// members means the same.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub managed: bool,
    /// `wiredTiger` (the default), `mmapv1` or `inMemory`.
    #[serde(default)]
    pub storage_engine: StorageEngine,
    /// Replica set name (`replication.replSetName`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_set: Option<String>,
    /// The replica set members, as `rs.initiate()` registers them.
    #[serde(default)]
    pub members: Vec<Member>,
}

impl fmt::Debug for Mongo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mongo")
            .field("url", &redact::MongoUrl(&self.url))
            .field("oplog_url", &redact::mongo_url(&self.oplog_url))
            .field("version", &self.version)
            .field("managed", &self.managed)
            .field("storage_engine", &self.storage_engine)
            .field("replica_set", &self.replica_set)
            .field("members", &self.members)
            .finish()
    }
}

/// A MongoDB storage engine (`storage.engine`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub enum StorageEngine {
    /// The default engine, and the only one Rocket.Chat 4.0 and later support.
    #[default]
    #[serde(rename = "wiredTiger", alias = "wiredtiger")]
    WiredTiger,
    /// Removed in MongoDB 4.2.
    #[serde(rename = "mmapv1")]
    Mmapv1,
    /// MongoDB Enterprise's in-memory engine.
    #[serde(rename = "inMemory", alias = "inmemory")]
    InMemory,
}

impl StorageEngine {
    /// The name mongod.conf uses.
    pub fn as_str(&self) -> &'static str {
        match self {
            StorageEngine::WiredTiger => "wiredTiger",
            StorageEngine::Mmapv1 => "mmapv1",
            StorageEngine::InMemory => "inMemory",
        }
    }
}

/// One replica set member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// `host:port` as registered in the replica set config (port defaults to 27017).
    pub host: String,
    /// An arbiter votes but holds no data.
    #[serde(default, skip_serializing_if = "is_false")]
    pub arbiter: bool,
    /// 0 or 1 (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub votes: Option<u32>,
    /// Election priority (default 1; 0 for arbiters, hidden and non-voting members).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<f64>,
    /// Hidden members replicate but never serve clients.
    #[serde(default, skip_serializing_if = "is_false")]
    pub hidden: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_true(b: &bool) -> bool {
    *b
}

fn yes() -> bool {
    true
}

impl Mongo {
    /// Whether this deployment runs the replica set itself (renders mongod, plans rs.initiate).
    pub fn runs_mongod(&self) -> bool {
        self.managed && !(self.members.is_empty() && self.is_srv())
    }

    /// Why the replica set is external, for messages: `None` when this deployment runs it.
    pub fn external_reason(&self) -> Option<&'static str> {
        if !self.managed {
            Some("mongo.managed = false")
        } else if self.members.is_empty() && self.is_srv() {
            Some("a mongodb+srv:// URL without mongo.members")
        } else {
            None
        }
    }

    fn is_srv(&self) -> bool {
        self.url
            .trim_start()
            .get(..14)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("mongodb+srv://"))
    }
}

impl Member {
    /// The host part of `host`, without port or IPv6 brackets.
    pub fn hostname(&self) -> &str {
        split_host_port(&self.host).0
    }

    /// The port of `host` (27017 when absent). `None` when the port is not a number.
    pub fn port(&self) -> Option<u32> {
        match split_host_port(&self.host).1 {
            None => Some(27017),
            Some(p) => p.parse().ok(),
        }
    }

    /// The member's votes (1 unless set).
    pub fn votes(&self) -> u32 {
        self.votes.unwrap_or(1)
    }

    /// The member's priority: 0 for arbiters, hidden and non-voting members unless set, else 1 unless set.
    pub fn priority(&self) -> f64 {
        if self.arbiter || self.hidden || self.votes == Some(0) {
            self.priority.unwrap_or(0.0)
        } else {
            self.priority.unwrap_or(1.0)
        }
    }
}

/// Splits `host:port`, `[v6]:port`, `host` into host and optional port text.
pub(crate) fn split_host_port(s: &str) -> (&str, Option<&str>) {
    if let Some(rest) = s.strip_prefix('[') {
        if let Some(end) = rest.find(']') {
            let host = &rest[..end];
            let port = rest[end + 1..].strip_prefix(':');
            return (host, port);
        }
        return (s, None);
    }
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h, Some(p)),
        _ => (s, None),
    }
}
