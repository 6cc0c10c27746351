use super::UrlContext;
use crate::check::{Check, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "M010",
    name: "oplog-url-not-local",
    severity: Severity::Error,
    summary: "MONGO_OPLOG_URL does not name the `local` database.",
    why: "the oplog lives in `local`; Rocket.Chat stops with `$MONGO_OPLOG_URL must be set to \
        the 'local' database of a Mongo replica set` (RC #5300).",
    example: "`mongodb://db1/rocketchat?replicaSet=rs0` as oplog URL",
    check: Check::Urls(check),
};

/// Rocket.Chat's own error text (RC #5300).
pub const RC_ERROR: &str =
    "$MONGO_OPLOG_URL must be set to the 'local' database of a Mongo replica set";

fn check(u: &UrlContext, emit: &mut Emit) {
    let Some(field) = &u.oplog else { return };
    let Some(url) = field.url() else { return };
    if url.database.as_deref() != Some("local") {
        let named = url
            .database
            .as_deref()
            .map_or("no database".to_string(), |d| format!("database `{d}`"));
        emit.report(
            field.path.clone(),
            format!("MONGO_OPLOG_URL names {named}; Rocket.Chat stops with \"{RC_ERROR}\""),
            "write the path as `/local`, e.g. `mongodb://db1:27017,db2:27017/local?replicaSet=rs0&authSource=admin`",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::mongo::testing::*;

    #[test]
    fn triggers_on_other_database() {
        let d = url_codes(
            GOOD,
            Some("mongodb://db1:27017/rocketchat?replicaSet=rs0"),
            "3.0.0",
            "M010",
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains(super::RC_ERROR));
        assert_eq!(
            url_codes(
                GOOD,
                Some("mongodb://db1:27017/?replicaSet=rs0"),
                "3.0.0",
                "M010"
            )
            .len(),
            1
        );
    }

    #[test]
    fn quiet_on_local() {
        assert!(url_codes(
            GOOD,
            Some("mongodb://db1:27017/local?replicaSet=rs0"),
            "3.0.0",
            "M010"
        )
        .is_empty());
        assert!(url_codes(GOOD, None, "3.0.0", "M010").is_empty());
    }
}
