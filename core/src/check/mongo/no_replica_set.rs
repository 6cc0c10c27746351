use super::UrlContext;
use crate::check::{Check, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "M003",
    name: "mongo-url-no-replica-set",
    severity: Severity::Error,
    summary: "MONGO_URL (not mongodb+srv) carries no replicaSet option.",
    why: "MONGO_URL must carry `replicaSet`: without it the driver does not follow elections and \
        Rocket.Chat goes down when the primary changes (RC #17743).",
    example: "`mongodb://db1:27017/rocketchat`",
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
        "MONGO_URL has no `replicaSet` option: the driver will not follow elections, and Rocket.Chat goes down when the primary changes (RC #17743)",
        format!("add `replicaSet={name}` to the query, with every member in the host list"),
    );
}

#[cfg(test)]
mod tests {
    use crate::check::mongo::testing::*;

    #[test]
    fn triggers_without_replica_set() {
        assert_eq!(
            url_codes("mongodb://db1:27017/rocketchat", None, "7.10.0", "M003").len(),
            1
        );
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
