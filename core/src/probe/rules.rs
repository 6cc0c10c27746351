//! The probe's rules (family L, live): each a [`Rule`] whose texts document it (docs/rules.md is
//! generated from them, as for every family). `check` does not run them ([`Check::Live`]); the
//! probe's judgement (feature `live`) emits their diagnostics.

use crate::check::{Check, Family, Rule};
use crate::diagnostic::Severity;

/// The live family, listed last in docs/rules.md and `rctopo rules`.
pub const FAMILY: Family = Family {
    letter: 'L',
    title: "Live probe",
    intro: "`rctopo probe` (and `Topology.probe` in Python and Node) asks the running replica set: one direct connection per member (`directConnection=true`, with MONGO_URL's credentials, TLS and authSource), so a set without a primary is described member by member instead of failing in server selection. It runs what Rocket.Chat runs (`serverStatus` on its database, `replSetGetStatus` on `admin`) and what an operator would (`hello`, `buildInfo`, `getParameter featureCompatibilityVersion`, `connectionStatus showPrivileges`), then reads the first and last entries of `local.oplog.rs` on the member Rocket.Chat would use, with MONGO_OPLOG_URL's credentials when it is set. Sources: MongoDB Manual, pages `hello`, `buildInfo`, `serverStatus`, `replSetGetStatus`, `connectionStatus`, `setFeatureCompatibilityVersion`, \"Replica Set Member States\", \"Change Streams Production Recommendations\"; Rocket.Chat `apps/meteor/server/database/DatabaseWatcher.ts` (RC below). `rctopo probe` exits 0 without errors, 1 with errors, 2 when the input is unusable or no member answered. The probe's driver (MongoDB's Rust driver 3.x) speaks to MongoDB 4.2 and later; an older member is reported, not inspected.",
    rules: ALL,
};

pub(crate) static UNREACHABLE: Rule = Rule {
    code: "L001",
    name: "member-unreachable",
    severity: Severity::Error,
    summary: "A member did not answer within the timeout (refused, timed out, name not resolved).",
    why: "Rocket.Chat's driver discovers and fails over to every member; a member this machine cannot reach is down, firewalled, or bound to another address (`net.bindIp`). For `mongodb+srv`, a failed SRV lookup is reported here too.",
    example: "a member whose mongod is stopped",
    check: Check::Live,
};

pub(crate) static AUTH_FAILED: Rule = Rule {
    code: "L002",
    name: "authentication-failed",
    severity: Severity::Error,
    summary: "The server rejected the credentials of MONGO_URL or MONGO_OPLOG_URL.",
    why: "Rocket.Chat cannot start without logging in; the driver's `AuthenticationFailed` (code 18) usually means a wrong password or authSource (users usually live in `admin`). The message never shows the password.",
    example: "wrong password in MONGO_URL",
    check: Check::Live,
};

pub(crate) static SET_NAME: Rule = Rule {
    code: "L003",
    name: "replica-set-name-differs",
    severity: Severity::Error,
    summary: "A member reports another replica set name than mongo.replica_set, or none.",
    why: "`hello.setName` is the member's `replication.replSetName`; the driver accepts only members whose set name equals `replicaSet` (MongoDB Manual `hello`); a member without one is a standalone, where change streams do not exist.",
    example: "mongod started without `--replSet`",
    check: Check::Live,
};

pub(crate) static NO_PRIMARY: Rule = Rule {
    code: "L004",
    name: "no-primary",
    severity: Severity::Error,
    summary: "No member is PRIMARY, or several claim to be.",
    why: "without a primary (`replSetGetStatus.members[].state` 1) no write succeeds; Rocket.Chat's instances hang on every write (MongoDB Manual \"Replica Set Member States\").",
    example: "two of three members down",
    check: Check::Live,
};

pub(crate) static MEMBER_MISSING: Rule = Rule {
    code: "L005",
    name: "member-not-in-set",
    severity: Severity::Error,
    summary: "A member of the topology is not in the running replica set's configuration.",
    why: "the topology's members are what rs-initiate.js registers; a member missing from `replSetGetStatus.members` was never added (or was removed) and takes no part in elections or majority.",
    example: "`rs.add()` never run for db3",
    check: Check::Live,
};

pub(crate) static MEMBER_EXTRA: Rule = Rule {
    code: "L006",
    name: "member-not-in-topology",
    severity: Severity::Warning,
    summary: "The running replica set has a member the topology does not list.",
    why: "votes, arbiters and majority are judged from the topology; an undeclared member changes them.",
    example: "a member added by hand",
    check: Check::Live,
};

pub(crate) static UNHEALTHY: Rule = Rule {
    code: "L007",
    name: "member-unhealthy",
    severity: Severity::Warning,
    summary: "A member is down or in a state other than PRIMARY, SECONDARY or ARBITER.",
    why: "`health: 0` or a state such as RECOVERING, STARTUP2, DOWN or `(not reachable/healthy)` means the member serves no reads and may not count toward majority (MongoDB Manual \"Replica Set Member States\").",
    example: "a member in RECOVERING",
    check: Check::Live,
};

pub(crate) static LAG: Rule = Rule {
    code: "L008",
    name: "replication-lag",
    severity: Severity::Warning,
    summary: "A secondary applies the primary's writes more than 10 seconds late.",
    why: "the difference of `optimeDate` between the primary and a secondary; writes a lagging secondary lacks are rolled back on failover, and majority writes wait for it. The 10 s threshold is this project's choice.",
    example: "a secondary 45 s behind",
    check: Check::Live,
};

pub(crate) static VERSION_DIFFERS: Rule = Rule {
    code: "L009",
    name: "server-version-differs",
    severity: Severity::Warning,
    summary: "A member runs another MongoDB release than mongo.version, or the members differ.",
    why: "every version rule (V002-V004, R007, R010) judges `mongo.version`; `buildInfo.version` says what actually runs. Mixed releases are only a step of a rolling upgrade.",
    example: "mongo.version 7.0, a member on 5.0.30",
    check: Check::Live,
};

pub(crate) static VERSION_UNSUPPORTED: Rule = Rule {
    code: "L010",
    name: "server-version-unsupported",
    severity: Severity::Error,
    summary: "A member runs a MongoDB release the Rocket.Chat release does not support.",
    why: "the running release against the Rocket.Chat release's `compatibleMongoVersions` (as V002/V003; warning when deprecated). A member older than 4.2 is reported here too: the probe's driver cannot inspect it, and Rocket.Chat 6.0 and later need 4.4 or newer (reference: MongoDB versions table).",
    example: "Rocket.Chat 8.x against MongoDB 6.0",
    check: Check::Live,
};

pub(crate) static FCV: Rule = Rule {
    code: "L011",
    name: "feature-compatibility-behind",
    severity: Severity::Warning,
    summary: "featureCompatibilityVersion is below the release the member runs.",
    why: "after a binary upgrade the FCV stays at the old release until `setFeatureCompatibilityVersion` is run; the new release's features stay off and the next major upgrade is refused (MongoDB Manual `setFeatureCompatibilityVersion`).",
    example: "7.0 binaries with FCV 6.0",
    check: Check::Live,
};

pub(crate) static ENGINE: Rule = Rule {
    code: "L012",
    name: "storage-engine-not-wiredtiger",
    severity: Severity::Error,
    summary: "serverStatus reports a storage engine other than wiredTiger.",
    why: "Rocket.Chat runs `serverStatus` and uses change streams only when `storageEngine.name` is `wiredTiger` (RC `DatabaseWatcher.ts` `isChangeStreamAvailable`); change streams need WiredTiger (MongoDB Manual \"Change Streams\"); mmapv1 is gone from 4.2 (R010).",
    example: "`inMemory` members",
    check: Check::Live,
};

pub(crate) static CHANGE_STREAMS: Rule = Rule {
    code: "L013",
    name: "change-streams-unavailable",
    severity: Severity::Error,
    summary: "Rocket.Chat's user cannot run the commands Rocket.Chat runs before using change streams.",
    why: "Rocket.Chat 3.7+ runs `serverStatus` on its database and `replSetGetStatus` on `admin` with MONGO_URL's user; if either is refused (`not authorized`) it logs \"give admin permissions to your database user\" and falls back to the oplog, which throws `no-mongo-url` without MONGO_OPLOG_URL (RC `DatabaseWatcher.ts`). Warning when MONGO_OPLOG_URL is set.",
    example: "a user with `readWrite` only",
    check: Check::Live,
};

pub(crate) static OPLOG_UNREADABLE: Rule = Rule {
    code: "L014",
    name: "oplog-unreadable",
    severity: Severity::Error,
    summary: "The oplog URL's user cannot read local.oplog.rs.",
    why: "when change streams are off, Rocket.Chat tails `local.oplog.rs` through MONGO_OPLOG_URL (`find` sorted by `$natural`, RC `DatabaseWatcher.ts` `watchOplog`); `Unauthorized` (code 13) there means no real-time events.",
    example: "oplog user without `read` on `local`",
    check: Check::Live,
};

pub(crate) static OPLOG_WINDOW: Rule = Rule {
    code: "L015",
    name: "oplog-window-short",
    severity: Severity::Warning,
    summary: "The oplog holds less than 24 hours of writes.",
    why: "the window is the time between the first and last oplog entry (as `db.getReplicationInfo()` computes it); a member down longer needs a full initial sync, and a change stream paused longer cannot resume. 24 h is the usual floor (Atlas's default minimum oplog window; Percona's advisor warns below it); MongoDB 4.4+ can enforce it with `storage.oplogMinRetentionHours`. Info when the window cannot be read.",
    example: "a 3.5 h oplog",
    check: Check::Live,
};

pub(crate) static PRIVILEGES: Rule = Rule {
    code: "L016",
    name: "missing-privileges",
    severity: Severity::Error,
    summary: "Rocket.Chat's user lacks find, insert, update or remove on its database.",
    why: "`connectionStatus` with `showPrivileges` lists what the authenticated user may do; Rocket.Chat reads and writes every collection of its database (`readWrite`). Judged only when the server reports an authenticated user.",
    example: "a user with `read` only",
    check: Check::Live,
};

pub(crate) static MAJORITY: Rule = Rule {
    code: "L017",
    name: "majority-unavailable",
    severity: Severity::Error,
    summary: "Too few healthy data-bearing voting members to acknowledge majority writes.",
    why: "`replSetGetStatus.writeMajorityCount` members must acknowledge a `w: majority` write; change streams deliver only majority-committed changes, so in a primary-secondary-arbiter set with a data member down they stay open but silent (MongoDB Manual \"Change Streams Production Recommendations\"; RC #19905, #34875).",
    example: "PSA set, secondary down",
    check: Check::Live,
};

pub(crate) static SRV: Rule = Rule {
    code: "L018",
    name: "srv-resolved",
    severity: Severity::Info,
    summary: "What the mongodb+srv DNS records resolve to.",
    why: "a `mongodb+srv` URL seeds the driver from DNS (SRV and TXT records); the probe shows the hosts it found and asks them when mongo.members is empty.",
    example: "`mongodb+srv://rc.example.com/rocketchat`",
    check: Check::Live,
};

const ALL: &[&Rule] = &[
    &UNREACHABLE,
    &AUTH_FAILED,
    &SET_NAME,
    &NO_PRIMARY,
    &MEMBER_MISSING,
    &MEMBER_EXTRA,
    &UNHEALTHY,
    &LAG,
    &VERSION_DIFFERS,
    &VERSION_UNSUPPORTED,
    &FCV,
    &ENGINE,
    &CHANGE_STREAMS,
    &OPLOG_UNREADABLE,
    &OPLOG_WINDOW,
    &PRIVILEGES,
    &MAJORITY,
    &SRV,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_in_order_and_unique() {
        let codes: Vec<&str> = ALL.iter().map(|r| r.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
        assert_eq!(
            crate::check::rule("l004").map(|r| r.name),
            Some("no-primary")
        );
    }
}
