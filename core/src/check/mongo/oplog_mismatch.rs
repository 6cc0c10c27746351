use super::UrlContext;
use crate::check::{Check, Emit, Rule};
use crate::diagnostic::Severity;
use std::collections::BTreeSet;

pub const RULE: Rule = Rule {
    code: "M012",
    name: "oplog-url-mismatch",
    severity: Severity::Warning,
    summary: "MONGO_OPLOG_URL lists other hosts or another replicaSet than MONGO_URL.",
    why: "the oplog tailed must be the one of the replica set Rocket.Chat writes to; other \
        members or another set mean missed changes.",
    example: "MONGO_URL `db1,db2,db3`, oplog URL `db1`",
    check: Check::Urls(check),
};

fn check(u: &UrlContext, emit: &mut Emit) {
    let (Some(url), Some(field)) = (u.url.url(), &u.oplog) else {
        return;
    };
    let Some(oplog) = field.url() else { return };
    let hosts =
        |h: &[crate::mongo_url::Host]| h.iter().map(|h| h.address()).collect::<BTreeSet<_>>();
    let (a, b) = (hosts(&url.hosts), hosts(&oplog.hosts));
    if a != b {
        emit.report(
            field.path.clone(),
            format!(
                "MONGO_OPLOG_URL lists {} but MONGO_URL lists {}",
                b.into_iter().collect::<Vec<_>>().join(","),
                a.into_iter().collect::<Vec<_>>().join(",")
            ),
            "list the same replica set members in both URLs",
        );
    }
    if url.replica_set() != oplog.replica_set() {
        emit.report(
            field.path.clone(),
            format!(
                "MONGO_OPLOG_URL has replicaSet {} but MONGO_URL has {}",
                oplog.replica_set().unwrap_or("(none)"),
                url.replica_set().unwrap_or("(none)")
            ),
            "use the same replicaSet in both URLs",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::mongo::testing::*;

    #[test]
    fn triggers_on_other_hosts_or_set() {
        let d = url_codes(
            GOOD,
            Some("mongodb://db1:27017/local?replicaSet=rs0"),
            "5.0.0",
            "M012",
        );
        assert_eq!(d.len(), 1);
        let d = url_codes(
            GOOD,
            Some("mongodb://db1:27017,db2:27017,db3:27017/local?replicaSet=rs9"),
            "5.0.0",
            "M012",
        );
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn quiet_on_same_set() {
        let oplog = "mongodb://db3,db2:27017,DB1:27017/local?replicaSet=rs0&authSource=admin";
        assert!(url_codes(GOOD, Some(oplog), "5.0.0", "M012").is_empty());
    }
}
