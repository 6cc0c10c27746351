//! What the servers answered, read out of their documents into plain values. Field names and
//! shapes are MongoDB's (hello, buildInfo, serverStatus, getParameter, replSetGetStatus,
//! connectionStatus, the oplog's `ts`); a field that is missing or of another type reads as
//! absent, never as a failure.

use super::failure::Failure;
use mongodb::bson::{Bson, Document};

/// A command's answer, or why there is none.
pub type Answer<T> = Result<T, Failure>;

/// Everything one member answered. Commands after a failed `hello` are not sent.
#[derive(Debug, Clone)]
pub struct MemberFacts {
    /// `host:port` as asked.
    pub host: String,
    /// Field path of this member in the topology file.
    pub path: String,
    pub hello: Answer<Hello>,
    pub reached: Option<Reached>,
}

/// The answers of a member whose `hello` succeeded.
#[derive(Debug, Clone)]
pub struct Reached {
    /// `buildInfo.version`.
    pub version: Answer<String>,
    /// `serverStatus.storageEngine.name`, run on Rocket.Chat's database as Rocket.Chat does.
    pub storage_engine: Answer<Option<String>>,
    /// `getParameter: {featureCompatibilityVersion: 1}` -> `featureCompatibilityVersion.version`.
    pub fcv: Answer<Option<String>>,
    pub status: Answer<SetStatus>,
    pub connection: Answer<ConnectionStatus>,
}

/// `hello`: how the member sees itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hello {
    pub set_name: Option<String>,
    pub writable_primary: bool,
    pub secondary: bool,
    pub arbiter_only: bool,
}

impl Hello {
    pub fn from_doc(doc: &Document) -> Hello {
        Hello {
            set_name: doc.get_str("setName").ok().map(str::to_string),
            // `isWritablePrimary` from 5.0 (4.4.2 for `hello`); `ismaster` before.
            writable_primary: flag(doc, "isWritablePrimary") || flag(doc, "ismaster"),
            secondary: flag(doc, "secondary"),
            arbiter_only: flag(doc, "arbiterOnly"),
        }
    }

    /// The state name `replSetGetStatus` would give.
    pub fn state(&self) -> &'static str {
        if self.writable_primary {
            "PRIMARY"
        } else if self.secondary {
            "SECONDARY"
        } else if self.arbiter_only {
            "ARBITER"
        } else if self.set_name.is_some() {
            "OTHER"
        } else {
            "STANDALONE"
        }
    }
}

/// `replSetGetStatus`: the set as this member sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SetStatus {
    pub set: String,
    pub members: Vec<StatusMember>,
    /// `writeMajorityCount` (4.2.1+): how many members must acknowledge a majority write.
    pub write_majority_count: Option<i64>,
}

/// One entry of `replSetGetStatus.members`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatusMember {
    pub name: String,
    pub health: f64,
    pub state: i64,
    pub state_str: String,
    /// Seconds since the epoch of the last applied write (`optimeDate`, else `optime.ts`).
    pub optime_secs: Option<i64>,
}

/// `replSetGetStatus.members[].state` values (MongoDB "Replica Set Member States").
pub const PRIMARY: i64 = 1;
pub const SECONDARY: i64 = 2;
pub const ARBITER: i64 = 7;

impl StatusMember {
    pub fn is_healthy(&self) -> bool {
        self.health >= 1.0 && matches!(self.state, PRIMARY | SECONDARY | ARBITER)
    }

    pub fn bears_data(&self) -> bool {
        matches!(self.state, PRIMARY | SECONDARY)
    }
}

impl SetStatus {
    pub fn from_doc(doc: &Document) -> SetStatus {
        let members = doc
            .get_array("members")
            .map(|a| {
                a.iter()
                    .filter_map(Bson::as_document)
                    .map(status_member)
                    .collect()
            })
            .unwrap_or_default();
        SetStatus {
            set: doc.get_str("set").unwrap_or_default().to_string(),
            members,
            write_majority_count: number(doc.get("writeMajorityCount")),
        }
    }

    pub fn primaries(&self) -> impl Iterator<Item = &StatusMember> {
        self.members.iter().filter(|m| m.state == PRIMARY)
    }
}

fn status_member(doc: &Document) -> StatusMember {
    let optime_date = match doc.get("optimeDate") {
        Some(Bson::DateTime(d)) => Some(d.timestamp_millis() / 1000),
        _ => None,
    };
    let optime_ts = match doc.get_document("optime").ok().and_then(|o| o.get("ts")) {
        Some(Bson::Timestamp(ts)) => Some(i64::from(ts.time)),
        _ => None,
    };
    StatusMember {
        name: doc.get_str("name").unwrap_or_default().to_string(),
        health: number_f64(doc.get("health")).unwrap_or(0.0),
        state: number(doc.get("state")).unwrap_or(-1),
        state_str: doc.get_str("stateStr").unwrap_or_default().to_string(),
        optime_secs: optime_date.or(optime_ts),
    }
}

/// `connectionStatus: 1, showPrivileges: true`: who the connection authenticated as and what
/// that user may do.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConnectionStatus {
    /// `authInfo.authenticatedUsers[].user`.
    pub users: Vec<String>,
    pub privileges: Vec<Privilege>,
}

/// One entry of `authInfo.authenticatedUserPrivileges`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Privilege {
    /// `resource.db`; `""` means every database.
    pub db: Option<String>,
    /// `resource.collection`; `""` means every collection.
    pub collection: Option<String>,
    /// `resource.anyResource: true`.
    pub any_resource: bool,
    pub actions: Vec<String>,
}

impl ConnectionStatus {
    pub fn from_doc(doc: &Document) -> ConnectionStatus {
        let auth = doc.get_document("authInfo").ok();
        let list = |field: &str| -> Vec<Document> {
            auth.and_then(|a| a.get_array(field).ok())
                .map(|a| a.iter().filter_map(Bson::as_document).cloned().collect())
                .unwrap_or_default()
        };
        ConnectionStatus {
            users: list("authenticatedUsers")
                .iter()
                .filter_map(|u| u.get_str("user").ok().map(str::to_string))
                .collect(),
            privileges: list("authenticatedUserPrivileges")
                .iter()
                .map(privilege)
                .collect(),
        }
    }

    /// Whether the user may run `action` on every collection of `db`.
    pub fn allows(&self, db: &str, action: &str) -> bool {
        self.privileges.iter().any(|p| {
            let covers = p.any_resource
                || (matches!(p.db.as_deref(), Some(d) if d == db || d.is_empty())
                    && p.collection.as_deref() == Some(""));
            covers && p.actions.iter().any(|a| a == action || a == "anyAction")
        })
    }
}

fn privilege(doc: &Document) -> Privilege {
    let resource = doc.get_document("resource").ok();
    let field = |name: &str| {
        resource
            .and_then(|r| r.get_str(name).ok())
            .map(str::to_string)
    };
    Privilege {
        db: field("db"),
        collection: field("collection"),
        any_resource: resource.is_some_and(|r| flag(r, "anyResource")),
        actions: doc
            .get_array("actions")
            .map(|a| {
                a.iter()
                    .filter_map(Bson::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The oldest and newest entries of `local.oplog.rs`, read through the oplog's own credentials.
#[derive(Debug, Clone, PartialEq)]
pub struct OplogFacts {
    /// The member read, as asked.
    pub host: String,
    /// Seconds between the first and the last entry's `ts`; `None` when the oplog is empty.
    pub window: Answer<Option<i64>>,
}

/// `serverStatus.storageEngine.name`.
pub fn storage_engine(doc: &Document) -> Option<String> {
    doc.get_document("storageEngine")
        .ok()
        .and_then(|e| e.get_str("name").ok())
        .map(str::to_string)
}

/// `getParameter` -> `featureCompatibilityVersion.version`.
pub fn fcv(doc: &Document) -> Option<String> {
    doc.get_document("featureCompatibilityVersion")
        .ok()
        .and_then(|f| f.get_str("version").ok())
        .map(str::to_string)
}

/// The seconds of an oplog entry's `ts`.
pub fn ts_secs(doc: &Document) -> Option<i64> {
    match doc.get("ts") {
        Some(Bson::Timestamp(ts)) => Some(i64::from(ts.time)),
        _ => None,
    }
}

fn flag(doc: &Document, field: &str) -> bool {
    matches!(doc.get(field), Some(Bson::Boolean(true)))
}

fn number(value: Option<&Bson>) -> Option<i64> {
    match value? {
        Bson::Int32(n) => Some(i64::from(*n)),
        Bson::Int64(n) => Some(*n),
        Bson::Double(n) if n.fract() == 0.0 => Some(*n as i64),
        _ => None,
    }
}

fn number_f64(value: Option<&Bson>) -> Option<f64> {
    match value? {
        Bson::Int32(n) => Some(f64::from(*n)),
        Bson::Int64(n) => Some(*n as f64),
        Bson::Double(n) => Some(*n),
        _ => None,
    }
}
