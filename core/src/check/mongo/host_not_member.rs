use super::UrlContext;
use crate::check::{Check, Emit, Rule};
use crate::diagnostic::Severity;
use crate::mongo_url::MongoUrl;

pub const RULE: Rule = Rule {
    code: "M009",
    name: "mongo-url-host-not-a-member",
    severity: Severity::Warning,
    summary: "A host in a Mongo URL is not listed in mongo.members.",
    why: "the URL's seed list and the replica set (`rs.initiate` members) should name the same \
        hosts; a stray host is a typo or an undeclared member.",
    example: r#"`members = [{host = "db1:27017"}]`, URL host `db9`"#,
    check: Check::Urls(check),
};

/// `host:port` of a member, normalised the way URL hosts are (lowercase, default port).
fn member_address(member: &str) -> String {
    MongoUrl::parse(&format!("mongodb://{member}/"))
        .ok()
        .and_then(|u| u.hosts.first().map(|h| h.address()))
        .unwrap_or_else(|| member.to_lowercase())
}

fn check(u: &UrlContext, emit: &mut Emit) {
    let Some(topology) = u.topology else { return };
    if topology.mongo.members.is_empty() {
        return;
    }
    let members: Vec<String> = topology
        .mongo
        .members
        .iter()
        .map(|m| member_address(&m.host))
        .collect();
    for (path, url) in u.parsed() {
        if url.is_srv() {
            continue;
        }
        for host in &url.hosts {
            let address = host.address();
            if !members.contains(&address) {
                emit.report(
                    path,
                    format!("host `{address}` is not among mongo.members ({})", members.join(", ")),
                    "list the replica set members in the URL exactly as in mongo.members (host and port)",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_unknown_host() {
        let r = check_toml(&example_with(&[(
            "mongodb://localhost:27017/",
            "mongodb://localhost:27017,db9:27017/",
        )]));
        assert_eq!(paths(&r, "M009"), ["mongo.url"]);
    }

    #[test]
    fn quiet_when_hosts_are_members() {
        assert!(paths(&check_toml(&example_with(&[])), "M009").is_empty());
        // The default port and case do not matter.
        let r = check_toml(&example_with(&[(
            "mongodb://localhost:27017/",
            "mongodb://LOCALHOST/",
        )]));
        assert!(paths(&r, "M009").is_empty());
    }
}
