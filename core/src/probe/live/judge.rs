//! The judgement: what the members answered, against the topology and Rocket.Chat's needs.
//! Pure functions of the facts, so every rule is tested without a server.

use super::facts::{MemberFacts, OplogFacts, Reached, SetStatus, StatusMember};
use super::failure::Failure;
use crate::diagnostic::{Diagnostic, Severity};
use crate::probe::rules::*;

use crate::version::{self, MongoSupport, Version};

/// Replication lag above which L008 warns, in seconds.
pub const MAX_LAG_SECS: i64 = 10;
/// The oplog window below which L015 warns, in hours.
pub const MIN_OPLOG_HOURS: i64 = 24;

/// What the topology file says the running set should be.
#[derive(Debug, Clone, Default)]
pub struct Expected {
    /// `mongo.replica_set`, else the URL's `replicaSet`.
    pub replica_set: Option<String>,
    /// `mongo.members`, hosts normalised (`host:port`, lowercase).
    pub members: Vec<ExpectedMember>,
    pub mongo_version: Option<Version>,
    pub rocketchat_version: Option<Version>,
    /// Whether MONGO_OPLOG_URL is set (the oplog facts then come from its user).
    pub oplog_url: bool,
    /// The database Rocket.Chat uses (MONGO_URL's path).
    pub database: String,
}

#[derive(Debug, Clone)]
pub struct ExpectedMember {
    pub host: String,
    pub path: String,
    pub votes: u32,
}

/// `host:port`, lowercase, with MongoDB's default port when none is written.
pub fn normalize(host: &str) -> String {
    let (name, port) = crate::model::split_host_port(host);
    format!("{}:{}", name.to_ascii_lowercase(), port.unwrap_or("27017"))
}

/// Every diagnostic the facts call for.
pub fn judge(
    expected: &Expected,
    members: &[MemberFacts],
    oplog: Option<&OplogFacts>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    reachability(expected, members, &mut out);
    set_names(expected, members, &mut out);
    match view(members) {
        Some(status) => set_view(expected, status, &mut out),
        None => primary_from_hello(members, &mut out),
    }
    versions(expected, members, &mut out);
    storage_engines(members, &mut out);
    if let Some(reached) = rocketchat_member(members) {
        change_streams(expected, reached, &mut out);
        privileges(expected, reached, &mut out);
    }
    if let Some(oplog) = oplog {
        oplog_window(expected, oplog, &mut out);
    }
    out
}

fn reached(members: &[MemberFacts]) -> impl Iterator<Item = (&MemberFacts, &Reached)> {
    members
        .iter()
        .filter_map(|m| m.reached.as_ref().map(|r| (m, r)))
}

/// The member Rocket.Chat's replica set client would use: the primary, else the first that
/// answered.
pub fn rocketchat_member(members: &[MemberFacts]) -> Option<&MemberFacts> {
    let primary = members
        .iter()
        .find(|m| m.reached.is_some() && m.hello.as_ref().is_ok_and(|h| h.writable_primary));
    primary.or_else(|| members.iter().find(|m| m.reached.is_some()))
}

/// A member older than 4.2: the driver (like Rocket.Chat's own from 6.0) cannot talk to it.
fn too_old(expected: &Expected, m: &MemberFacts, why: &str) -> Diagnostic {
    let severity = match expected.rocketchat_version {
        Some(rc) if rc < Version::new(6, 0, 0) => Severity::Warning,
        _ => Severity::Error,
    };
    VERSION_UNSUPPORTED.diagnostic(
        severity,
        &m.path,
        format!("{} runs a MongoDB release older than 4.2, which this probe cannot inspect ({why}); Rocket.Chat 6.0 and later need 4.4 or newer", m.host),
        "upgrade MongoDB one major release at a time (4.0 -> 4.2 -> 4.4 -> 5.0 ...), moving off mmapv1 to wiredTiger before 4.2",
    )
}

fn reachability(expected: &Expected, members: &[MemberFacts], out: &mut Vec<Diagnostic>) {
    for m in members {
        match &m.hello {
            Err(f @ Failure::Authentication(_)) => out.push(AUTH_FAILED.report(
                "mongo.url",
                format!("{} rejected MONGO_URL's credentials ({f})", m.host),
                "check the user, password and authSource of MONGO_URL (users usually live in `admin`: add `authSource=admin`)",
            )),
            Err(Failure::TooOld(why)) => out.push(too_old(expected, m, why)),
            Err(f) => out.push(UNREACHABLE.report(
                &m.path,
                format!("member {} did not answer: {f}", m.host),
                "start mongod there, or open its port to this machine (and to the Rocket.Chat hosts); check the name resolves and `net.bindIp` includes the address",
            )),
            Ok(_) => {}
        }
    }
}

fn set_names(expected: &Expected, members: &[MemberFacts], out: &mut Vec<Diagnostic>) {
    for m in members {
        let Ok(hello) = &m.hello else { continue };
        match (&hello.set_name, &expected.replica_set) {
            (None, _) => out.push(SET_NAME.report(
                &m.path,
                format!("{} is not a replica set member (hello has no setName): it runs without `replication.replSetName`", m.host),
                "start it with `replication.replSetName` and add it to the set with rs.add(); Rocket.Chat needs a replica set for change streams",
            )),
            (Some(found), Some(want)) if found != want => out.push(SET_NAME.report(
                &m.path,
                format!("{} belongs to replica set `{found}`, the topology says `{want}`", m.host),
                "make mongo.replica_set (and MONGO_URL's replicaSet) the name every member's `replication.replSetName` holds",
            )),
            _ => {}
        }
    }
}

/// The set as seen from the primary, else from the first member that could tell.
fn view(members: &[MemberFacts]) -> Option<&SetStatus> {
    let statuses = || reached(members).filter_map(|(m, r)| Some((m, r.status.as_ref().ok()?)));
    statuses()
        .find(|(m, _)| m.hello.as_ref().is_ok_and(|h| h.writable_primary))
        .or_else(|| statuses().next())
        .map(|(_, s)| s)
}

fn set_view(expected: &Expected, status: &SetStatus, out: &mut Vec<Diagnostic>) {
    primaries(status, out);
    membership(expected, status, out);
    health(expected, status, out);
    lag(expected, status, out);
    majority(expected, status, out);
}

fn primaries(status: &SetStatus, out: &mut Vec<Diagnostic>) {
    let names: Vec<&str> = status.primaries().map(|m| m.name.as_str()).collect();
    let message = match names.len() {
        1 => return,
        0 => format!(
            "replica set `{}` has no PRIMARY ({}): Rocket.Chat cannot write",
            status.set,
            states(status)
        ),
        _ => format!("several members claim PRIMARY: {}", names.join(", ")),
    };
    out.push(NO_PRIMARY.report(
        "mongo.members",
        message,
        "bring a majority of the voting members up so they can elect a primary (rs.status() shows why an election fails)",
    ));
}

fn states(status: &SetStatus) -> String {
    status
        .members
        .iter()
        .map(|m| format!("{} {}", m.name, m.state_str))
        .collect::<Vec<_>>()
        .join(", ")
}

fn primary_from_hello(members: &[MemberFacts], out: &mut Vec<Diagnostic>) {
    let answered: Vec<&MemberFacts> = members.iter().filter(|m| m.reached.is_some()).collect();
    if answered.is_empty()
        || answered
            .iter()
            .any(|m| m.hello.as_ref().is_ok_and(|h| h.writable_primary))
    {
        return;
    }
    out.push(NO_PRIMARY.report(
        "mongo.members",
        "no member that answered is PRIMARY, and none would run replSetGetStatus to tell why",
        "bring a majority of the voting members up so they can elect a primary",
    ));
}

fn expected_member<'a>(expected: &'a Expected, name: &str) -> Option<&'a ExpectedMember> {
    let name = normalize(name);
    expected.members.iter().find(|m| m.host == name)
}

fn member_path(expected: &Expected, name: &str) -> String {
    expected_member(expected, name).map_or_else(|| "mongo.members".to_string(), |m| m.path.clone())
}

fn membership(expected: &Expected, status: &SetStatus, out: &mut Vec<Diagnostic>) {
    if expected.members.is_empty() {
        return;
    }
    let running: Vec<String> = status.members.iter().map(|m| normalize(&m.name)).collect();
    for want in &expected.members {
        if !running.contains(&want.host) {
            out.push(MEMBER_MISSING.report(
                &want.path,
                format!(
                    "{} is not a member of the running replica set `{}` (its members: {})",
                    want.host,
                    status.set,
                    running.join(", ")
                ),
                format!(
                    "add it on the primary with rs.add(\"{}\"), or remove it from mongo.members",
                    want.host
                ),
            ));
        }
    }
    for m in &status.members {
        if expected_member(expected, &m.name).is_none() {
            out.push(MEMBER_EXTRA.report(
                "mongo.members",
                format!("the running replica set has member {} ({}), which mongo.members does not list", m.name, m.state_str),
                "list it in mongo.members (so votes and majority are judged right), or remove it with rs.remove()",
            ));
        }
    }
}

fn health(expected: &Expected, status: &SetStatus, out: &mut Vec<Diagnostic>) {
    for m in status.members.iter().filter(|m| !m.is_healthy()) {
        let down = if m.health < 1.0 { ", health 0" } else { "" };
        out.push(UNHEALTHY.report(
            member_path(expected, &m.name),
            format!("member {} is {}{down} in replica set `{}`", m.name, m.state_str, status.set),
            "see rs.status() and that member's log; a member in RECOVERING or STARTUP2 catches up by itself, DOWN or (not reachable/healthy) needs mongod started or the network fixed",
        ));
    }
}

fn lag(expected: &Expected, status: &SetStatus, out: &mut Vec<Diagnostic>) {
    let Some(primary_optime) = status.primaries().next().and_then(|p| p.optime_secs) else {
        return;
    };
    for m in status
        .members
        .iter()
        .filter(|m| m.state == super::facts::SECONDARY)
    {
        let Some(optime) = m.optime_secs else {
            continue;
        };
        let behind = primary_optime - optime;
        if behind > MAX_LAG_SECS {
            out.push(LAG.report(
                member_path(expected, &m.name),
                format!("secondary {} is {behind} s behind the primary", m.name),
                "a lagging secondary loses writes on failover (rollback) and slows majority writes; check its disk, network and load",
            ));
        }
    }
}

/// Majority writes (and the majority-committed changes change streams deliver) need
/// `writeMajorityCount` healthy data-bearing voting members.
fn majority(expected: &Expected, status: &SetStatus, out: &mut Vec<Diagnostic>) {
    let votes = |m: &StatusMember| expected_member(expected, &m.name).map_or(1, |e| e.votes);
    let voting_data: Vec<&StatusMember> = status
        .members
        .iter()
        .filter(|m| m.state != super::facts::ARBITER && votes(m) > 0)
        .collect();
    let healthy = voting_data
        .iter()
        .filter(|m| m.is_healthy() && m.bears_data())
        .count() as i64;
    let needed = status.write_majority_count.unwrap_or_else(|| {
        let voting = status.members.iter().filter(|m| votes(m) > 0).count() as i64;
        (voting / 2 + 1).min(voting_data.len() as i64)
    });
    if healthy < needed {
        out.push(MAJORITY.report(
            "mongo.members",
            format!("only {healthy} of the {needed} data-bearing voting members a majority write needs are healthy: w:majority writes block, and change streams (which deliver majority-committed changes only) go silent"),
            "bring the data-bearing members back; a primary-secondary-arbiter set cannot lose a data member without this, replace the arbiter with a data-bearing member",
        ));
    }
}

fn versions(expected: &Expected, members: &[MemberFacts], out: &mut Vec<Diagnostic>) {
    let mut seen: Vec<(String, Version)> = Vec::new();
    for (m, r) in reached(members) {
        let Ok(text) = &r.version else { continue };
        let Ok(running) = text.parse::<Version>() else {
            continue;
        };
        seen.push((m.host.clone(), running));
        if let Some(want) = expected.mongo_version {
            if want.major_minor() != running.major_minor() {
                out.push(VERSION_DIFFERS.report(
                    "mongo.version",
                    format!("{} runs MongoDB {text}, the topology says {}.{}", m.host, want.major, want.minor),
                    "set mongo.version to the release the servers run (or finish the upgrade), so the checker judges the right release",
                ));
            }
        }
        supported(expected, m, running, out);
        feature_compatibility(m, r, running, out);
    }
    let mut releases: Vec<(u32, u32)> = seen.iter().map(|(_, v)| v.major_minor()).collect();
    releases.sort_unstable();
    releases.dedup();
    if releases.len() > 1 {
        let list: Vec<String> = seen.iter().map(|(h, v)| format!("{h} {v}")).collect();
        out.push(VERSION_DIFFERS.report(
            "mongo.members",
            format!("the members run different MongoDB releases: {}", list.join(", ")),
            "finish the rolling upgrade: every member on the same release before changing featureCompatibilityVersion",
        ));
    }
}

fn supported(expected: &Expected, m: &MemberFacts, running: Version, out: &mut Vec<Diagnostic>) {
    let Some(rc) = expected.rocketchat_version else {
        return;
    };
    let listed = version::listed_mongo_versions(rc).join(", ");
    let severity = match version::mongo_support(rc, running) {
        MongoSupport::Unsupported => Severity::Error,
        MongoSupport::Deprecated => Severity::Warning,
        _ => return,
    };
    let what = if severity == Severity::Error {
        "does not support"
    } else {
        "deprecates"
    };
    out.push(VERSION_UNSUPPORTED.diagnostic(
        severity,
        &m.path,
        format!(
            "{} runs MongoDB {}.{}; Rocket.Chat {rc} {what} it (it lists {listed})",
            m.host, running.major, running.minor
        ),
        "upgrade MongoDB one major release at a time to a listed release",
    ));
}

fn feature_compatibility(
    m: &MemberFacts,
    r: &Reached,
    running: Version,
    out: &mut Vec<Diagnostic>,
) {
    let Ok(Some(fcv)) = &r.fcv else { return };
    let Ok(fcv_version) = fcv.parse::<Version>() else {
        return;
    };
    if fcv_version.major_minor() < running.major_minor() {
        out.push(FCV.report(
            &m.path,
            format!("{} runs {}.{} with featureCompatibilityVersion {fcv}: the upgrade is not finished", m.host, running.major, running.minor),
            format!("once every member runs {}.{}, run db.adminCommand({{setFeatureCompatibilityVersion: \"{}.{}\"}}) on the primary (7.0+ also needs `confirm: true`); the next major upgrade requires it", running.major, running.minor, running.major, running.minor),
        ));
    }
}

fn storage_engines(members: &[MemberFacts], out: &mut Vec<Diagnostic>) {
    for (m, r) in reached(members) {
        let Ok(Some(engine)) = &r.storage_engine else {
            continue;
        };
        if engine != "wiredTiger" {
            out.push(ENGINE.report(
                &m.path,
                format!("{} runs the storage engine `{engine}`: Rocket.Chat uses change streams only on wiredTiger (and MongoDB 4.2+ has no mmapv1)", m.host),
                "move the member to wiredTiger: start a new member with wiredTiger and let it sync, then retire this one",
            ));
        }
    }
}

/// Rocket.Chat (3.7 and later) runs `serverStatus` on its database and `replSetGetStatus` on
/// `admin` with MONGO_URL's user before it watches change streams; if either is refused it
/// falls back to the oplog, which needs MONGO_OPLOG_URL.
fn change_streams(expected: &Expected, m: &MemberFacts, out: &mut Vec<Diagnostic>) {
    let Some(r) = &m.reached else { return };
    if expected
        .rocketchat_version
        .is_some_and(|v| v < Version::new(3, 7, 0))
    {
        return;
    }
    let refused: Vec<&str> = [
        ("serverStatus", r.storage_engine.as_ref().err()),
        ("replSetGetStatus", r.status.as_ref().err()),
    ]
    .into_iter()
    .filter(|(_, f)| f.is_some_and(Failure::is_unauthorized))
    .map(|(name, _)| name)
    .collect();
    if refused.is_empty() {
        return;
    }
    let (severity, consequence) = if expected.oplog_url {
        (
            Severity::Warning,
            "it falls back to tailing the oplog through MONGO_OPLOG_URL (legacy)",
        )
    } else {
        (
            Severity::Error,
            "it falls back to the oplog, and without MONGO_OPLOG_URL it stops (`no-mongo-url`)",
        )
    };
    out.push(CHANGE_STREAMS.diagnostic(
        severity,
        "mongo.url",
        format!("MONGO_URL's user may not run {} on {}: Rocket.Chat will not use change streams; {consequence}", refused.join(" and "), m.host),
        "grant the user the `clusterMonitor` role on `admin` (serverStatus, replSetGetStatus) besides `readWrite` on its database",
    ));
}

fn privileges(expected: &Expected, m: &MemberFacts, out: &mut Vec<Diagnostic>) {
    let Some(Ok(connection)) = m.reached.as_ref().map(|r| &r.connection) else {
        return;
    };
    if connection.users.is_empty() {
        // No credentials, or a server without access control: nothing to judge.
        return;
    }
    let db = expected.database.as_str();
    let missing: Vec<&str> = ["find", "insert", "update", "remove"]
        .into_iter()
        .filter(|a| !connection.allows(db, a))
        .collect();
    if !missing.is_empty() {
        out.push(PRIVILEGES.report(
            "mongo.url",
            format!(
                "MONGO_URL's user `{}` may not {} on database `{db}`",
                connection.users.join("`, `"),
                missing.join(", ")
            ),
            format!("grant it the `readWrite` role on `{db}` (db.grantRolesToUser)"),
        ));
    }
}

fn oplog_window(expected: &Expected, oplog: &OplogFacts, out: &mut Vec<Diagnostic>) {
    match &oplog.window {
        Ok(Some(secs)) if *secs < MIN_OPLOG_HOURS * 3600 => out.push(OPLOG_WINDOW.report(
            "mongo.members",
            format!("the oplog on {} holds {} of writes (below {MIN_OPLOG_HOURS} h): a member down longer than that needs a full resync, and a change stream paused longer cannot resume", oplog.host, hours(*secs)),
            "grow it with db.adminCommand({replSetResizeOplog: 1, size: <MB>}) or set `storage.oplogMinRetentionHours`",
        )),
        Ok(_) => {}
        Err(f) if expected.oplog_url => {
            let rule = if f.is_authentication() { &AUTH_FAILED } else { &OPLOG_UNREADABLE };
            out.push(rule.report(
                "mongo.oplog_url",
                format!("MONGO_OPLOG_URL's user cannot read local.oplog.rs on {} ({f})", oplog.host),
                "grant the oplog user `read` on the `local` database, with authSource naming the database it lives in",
            ));
        }
        Err(f) => out.push(OPLOG_WINDOW.diagnostic(
            Severity::Info,
            "mongo.url",
            format!("oplog window not measured: MONGO_URL's user cannot read local.oplog.rs on {} ({f})", oplog.host),
            "grant `read` on `local` (or `clusterMonitor`) to measure it, or probe with MONGO_OPLOG_URL set",
        )),
    }
}

fn hours(secs: i64) -> String {
    format!("{:.1} h", secs as f64 / 3600.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::live::facts::{ConnectionStatus, Hello, Privilege};

    fn status_member(name: &str, state: i64, health: f64) -> StatusMember {
        StatusMember {
            name: name.to_string(),
            health,
            state,
            state_str: String::new(),
            optime_secs: Some(100),
        }
    }

    fn expected(hosts: &[(&str, u32)]) -> Expected {
        Expected {
            members: hosts
                .iter()
                .enumerate()
                .map(|(i, (h, votes))| ExpectedMember {
                    host: normalize(h),
                    path: format!("mongo.members[{i}]"),
                    votes: *votes,
                })
                .collect(),
            ..Expected::default()
        }
    }

    fn codes(out: &[Diagnostic]) -> Vec<&str> {
        out.iter().map(|d| d.code.as_str()).collect()
    }

    #[test]
    fn normalize_adds_the_default_port_and_lowercases() {
        assert_eq!(normalize("DB1"), "db1:27017");
        assert_eq!(normalize("db1:27018"), "db1:27018");
    }

    #[test]
    fn psa_with_a_data_member_down_has_no_majority() {
        let e = expected(&[("a", 1), ("b", 1), ("c", 1)]);
        let mut status = SetStatus {
            set: "rs0".into(),
            members: vec![
                status_member("a", 1, 1.0),
                status_member("b", 8, 0.0),
                status_member("c", 7, 1.0),
            ],
            write_majority_count: None,
        };
        let mut out = Vec::new();
        majority(&e, &status, &mut out);
        assert_eq!(codes(&out), ["L017"]);
        status.members[1] = status_member("b", 2, 1.0);
        out.clear();
        majority(&e, &status, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn non_voting_members_do_not_count_toward_majority() {
        // P + S(votes 0) + S: with one voting secondary down, the non-voting one cannot help.
        let e = expected(&[("a", 1), ("b", 0), ("c", 1)]);
        let status = SetStatus {
            set: "rs0".into(),
            members: vec![
                status_member("a", 1, 1.0),
                status_member("b", 2, 1.0),
                status_member("c", 8, 0.0),
            ],
            write_majority_count: Some(2),
        };
        let mut out = Vec::new();
        majority(&e, &status, &mut out);
        assert_eq!(codes(&out), ["L017"]);
    }

    #[test]
    fn read_write_privileges_on_the_database_or_any_resource() {
        let grant = |db: &str, actions: &[&str]| Privilege {
            db: Some(db.into()),
            collection: Some(String::new()),
            any_resource: false,
            actions: actions.iter().map(|a| a.to_string()).collect(),
        };
        let mut c = ConnectionStatus {
            users: vec!["rc".into()],
            privileges: vec![grant("rocketchat", &["find"])],
        };
        assert!(c.allows("rocketchat", "find"));
        assert!(!c.allows("rocketchat", "insert"));
        assert!(!c.allows("other", "find"));
        c.privileges = vec![Privilege {
            any_resource: true,
            actions: vec!["anyAction".into()],
            ..Privilege::default()
        }];
        assert!(c.allows("rocketchat", "remove"));
    }

    #[test]
    fn a_standalone_and_a_foreign_set_are_named() {
        let e = Expected {
            replica_set: Some("rs0".into()),
            ..Expected::default()
        };
        let member = |set: Option<&str>| MemberFacts {
            host: "db1:27017".into(),
            path: "mongo.members[0]".into(),
            hello: Ok(Hello {
                set_name: set.map(str::to_string),
                ..Hello::default()
            }),
            reached: None,
        };
        let mut out = Vec::new();
        set_names(
            &e,
            &[member(None), member(Some("rs1")), member(Some("rs0"))],
            &mut out,
        );
        assert_eq!(codes(&out), ["L003", "L003"]);
        assert!(out[1].message.contains("`rs1`"), "{}", out[1].message);
    }
}
