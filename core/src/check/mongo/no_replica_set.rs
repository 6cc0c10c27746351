use super::UrlContext;
use crate::check::{Check, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "M003",
    name: "mongo-url-no-replica-set",
    severity: Severity::Warning,
    summary: r#"MONGO_URL (not mongodb+srv) carries no replicaSet option."#,
    why: r#"current drivers (the Node driver Rocket.Chat runs, 4.x and later) use the unified topology: from one seed without `directConnection=true` they discover the replica set and follow elections (MongoDB Server Discovery and Monitoring spec: the initial topology type is Unknown, not Single), so the outage of RC #17743 (2020, legacy topology) no longer follows. Still best practice: `replicaSet` pins the set name and makes the driver refuse another set."#,
    example: r#"`mongodb://db1:27017/rocketchat`"#,
    check: Check::Urls(check),
};

fn check(u: &UrlContext, emit: &mut Emit) {
    let Some(url) = u.url.url() else { return };
    // An SRV record's TXT entry may carry replicaSet; a load balancer hides the set.
    if url.is_srv() || url.replica_set().is_some() || url.option_bool("loadBalanced") == Some(true)
    {
        return;
    }
    let name = u
        .topology
        .and_then(|t| t.mongo.replica_set.as_deref())
        .unwrap_or("rs0");
    emit.report(
        u.url.path.clone(),
        "MONGO_URL has no `replicaSet` option: the driver discovers the set, but nothing pins its name, and with one seed host Rocket.Chat cannot start while that host is down (RC #17743)",
        format!("add `replicaSet={name}` to the query, with every member in the host list"),
    );
}

#[cfg(test)]
mod tests {
    use crate::check::mongo::testing::*;

    #[test]
    fn triggers_without_replica_set() {
        let d = url_codes("mongodb://db1:27017/rocketchat", None, "7.10.0", "M003");
        assert_eq!(d.len(), 1);
        // The unified topology discovers the set: best practice, not a failure.
        assert_eq!(d[0].severity, crate::diagnostic::Severity::Warning);
    }

    #[test]
    fn quiet_with_replica_set_or_srv() {
        assert!(url_codes(GOOD, None, "7.10.0", "M003").is_empty());
        assert!(url_codes(
            "mongodb+srv://cluster.example.com/rocketchat",
            None,
            "7.10.0",
            "M003"
        )
        .is_empty());
        assert!(url_codes(
            "mongodb://db1/rocketchat?REPLICASET=rs0",
            None,
            "7.10.0",
            "M003"
        )
        .is_empty());
    }
}
