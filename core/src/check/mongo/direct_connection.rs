use super::UrlContext;
use crate::check::{Check, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "M005",
    name: "mongo-url-direct-connection",
    severity: Severity::Error,
    summary: "A Mongo URL sets directConnection=true.",
    why: "the driver then talks to that one member only and ignores elections: the same outage \
        as a URL without replicaSet (RC #17743).",
    example: "`?replicaSet=rs0&directConnection=true`",
    check: Check::Urls(check),
};

fn check(u: &UrlContext, emit: &mut Emit) {
    for (path, url) in u.parsed() {
        if url.option_bool("directConnection") == Some(true) {
            emit.report(
                path,
                "directConnection=true connects to this one member only: after an election Rocket.Chat keeps talking to a secondary and its writes fail (RC #17743)",
                "remove directConnection and list every replica set member with `replicaSet=`",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::mongo::testing::*;

    #[test]
    fn triggers_on_direct_connection() {
        let d = url_codes(
            "mongodb://db1/rocketchat?replicaSet=rs0&directConnection=true",
            None,
            "7.10.0",
            "M005",
        );
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn quiet_without_it() {
        assert!(url_codes(GOOD, None, "7.10.0", "M005").is_empty());
        assert!(url_codes(
            "mongodb://db1/rocketchat?replicaSet=rs0&directConnection=false",
            None,
            "7.10.0",
            "M005"
        )
        .is_empty());
    }
}
