use super::UrlContext;
use crate::check::{Check, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "M011",
    name: "oplog-credentials-without-auth-source",
    severity: Severity::Error,
    summary: "MONGO_OPLOG_URL has credentials but no authSource, so it authenticates against \
        `local`.",
    why: "users usually live in `admin`; an oplog URL whose path is `/local` needs \
        `authSource=admin`, without it the driver authenticates against `local` and fails \
        (reference: Oplog and change streams).",
    example: "`mongodb://oplog:pw@db1/local?replicaSet=rs0`",
    check: Check::Urls(check),
};

fn check(u: &UrlContext, emit: &mut Emit) {
    let Some(field) = &u.oplog else { return };
    let Some(url) = field.url() else { return };
    // Only `local` is sure to hold no user; another database is oplog-url-not-local's concern.
    let against_local = url.effective_auth_db() == "local";
    if url.username.is_some()
        && url.auth_source().is_none()
        && url.auth_mechanism.is_none()
        && against_local
    {
        emit.report(
            field.path.clone(),
            "MONGO_OPLOG_URL has credentials but no authSource: the driver authenticates against `local`, where no user exists",
            "add `authSource=admin` (the database the user was created in)",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::mongo::testing::*;

    #[test]
    fn leaves_other_databases_to_oplog_url_not_local() {
        let d = url_codes(
            GOOD,
            Some("mongodb://oplog:pw@db1/rocketchat?replicaSet=rs0"),
            "3.0.0",
            "M011",
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn triggers_on_credentials_without_auth_source() {
        let d = url_codes(
            GOOD,
            Some("mongodb://oplog:pw@db1/local?replicaSet=rs0"),
            "3.0.0",
            "M011",
        );
        assert_eq!(d.len(), 1);
        assert!(!d[0].message.contains("pw@"));
    }

    #[test]
    fn quiet_with_auth_source_or_no_credentials() {
        assert!(url_codes(
            GOOD,
            Some("mongodb://oplog:pw@db1/local?replicaSet=rs0&authSource=admin"),
            "3.0.0",
            "M011"
        )
        .is_empty());
        assert!(url_codes(
            GOOD,
            Some("mongodb://db1/local?replicaSet=rs0"),
            "3.0.0",
            "M011"
        )
        .is_empty());
    }
}
