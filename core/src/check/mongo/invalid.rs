use super::{UrlContext, UrlField};
use crate::check::{Check, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "M001",
    name: "mongo-url-invalid",
    severity: Severity::Error,
    summary: "MONGO_URL or MONGO_OPLOG_URL is a connection string Rocket.Chat's driver rejects.",
    why: r#"`new MongoClient(url)` throws (`MongoParseError`, unknown option, bad value, conflicting options) and Rocket.Chat stops at startup; the message is the parser's, which gives the driver's verdict (reference: Rocket.Chat's MongoDB driver), with a "did you mean" for unknown options and the escapes for reserved characters in credentials."#,
    example: "`mongodb://db1/rocketchat?replSet=rs0`",
    check: Check::Urls(check),
};

fn report(field: &UrlField, emit: &mut Emit) {
    if let Err(e) = &field.parsed {
        emit.report(
            field.path.clone(),
            format!("Rocket.Chat's MongoDB driver rejects this URL: {e}"),
            e.help(),
        );
    }
}

fn check(u: &UrlContext, emit: &mut Emit) {
    report(&u.url, emit);
    if let Some(oplog) = &u.oplog {
        report(oplog, emit);
    }
}

#[cfg(test)]
mod tests {
    use crate::check::mongo::testing::*;

    #[test]
    fn triggers_on_a_rejected_url() {
        let d = url_codes("mongodb://db1/rc?replSet=rs0", None, "7.10.0", "M001");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("replset"), "{}", d[0].message);
        assert!(d[0].help.contains("replicaSet"), "{}", d[0].help);
        let d = url_codes(GOOD, Some("mongodb://db1/local?w=x&w=y"), "7.10.0", "M001");
        assert_eq!(d[0].path, "MONGO_OPLOG_URL");
    }

    #[test]
    fn quiet_on_accepted_urls() {
        assert!(url_codes(GOOD, None, "7.10.0", "M001").is_empty());
    }
}
