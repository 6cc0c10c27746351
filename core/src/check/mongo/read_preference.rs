use super::UrlContext;
use crate::check::{Check, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "M006",
    name: "mongo-url-read-preference-not-primary",
    severity: Severity::Warning,
    summary: "MONGO_URL sets a readPreference other than primary.",
    why: "Meteor reads its own writes; secondaries lag behind the primary, so non-primary reads \
        show stale data.",
    example: "`?readPreference=secondaryPreferred`",
    check: Check::Urls(check),
};

fn check(u: &UrlContext, emit: &mut Emit) {
    let Some(url) = u.url.url() else { return };
    match url.option_str("readPreference") {
        Some(mode) if mode != "primary" => emit.report(
            u.url.path.clone(),
            format!("readPreference={mode}: Rocket.Chat (Meteor) expects to read its own writes; secondary reads lag behind and show stale data"),
            "remove readPreference (the default is primary)",
        ),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::check::mongo::testing::*;

    #[test]
    fn triggers_on_secondary_reads() {
        let d = url_codes(
            "mongodb://db1/rocketchat?replicaSet=rs0&readPreference=secondaryPreferred",
            None,
            "7.10.0",
            "M006",
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, crate::Severity::Warning);
    }

    #[test]
    fn quiet_on_primary() {
        assert!(url_codes(GOOD, None, "7.10.0", "M006").is_empty());
        assert!(url_codes(
            "mongodb://db1/rocketchat?replicaSet=rs0&readPreference=primary",
            None,
            "7.10.0",
            "M006"
        )
        .is_empty());
    }
}
