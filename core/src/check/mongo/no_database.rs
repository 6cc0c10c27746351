use super::UrlContext;
use crate::check::{Check, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "M002",
    name: "mongo-url-no-database",
    severity: Severity::Error,
    summary: "MONGO_URL names no database.",
    why: "MONGO_URL must name a database (reference: Environment of one instance); without one \
        the driver uses `test`.",
    example: "`mongodb://db1:27017/?replicaSet=rs0`",
    check: Check::Urls(check),
};

fn check(u: &UrlContext, emit: &mut Emit) {
    let Some(url) = u.url.url() else { return };
    if url.database.is_none() {
        emit.report(
            u.url.path.clone(),
            "MONGO_URL names no database, so Rocket.Chat would store its data in the driver's default database `test`",
            "add the database to the path: `mongodb://db1:27017,db2:27017/rocketchat?replicaSet=rs0`",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::mongo::testing::*;

    #[test]
    fn triggers_without_a_path() {
        assert_eq!(
            url_codes(
                "mongodb://db1:27017/?replicaSet=rs0",
                None,
                "7.10.0",
                "M002"
            )
            .len(),
            1
        );
        assert_eq!(
            url_codes("mongodb://db1:27017?replicaSet=rs0", None, "7.10.0", "M002").len(),
            1
        );
    }

    #[test]
    fn quiet_with_a_database() {
        assert!(url_codes(GOOD, None, "7.10.0", "M002").is_empty());
        assert!(url_codes(
            "mongodb://db1/?dbName=rc&replicaSet=rs0",
            None,
            "7.10.0",
            "M002"
        )
        .is_empty());
    }
}
