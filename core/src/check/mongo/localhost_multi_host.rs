use super::UrlContext;
use crate::check::{Check, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "M007",
    name: "mongo-url-localhost-with-remote-instances",
    severity: Severity::Error,
    summary: "A Mongo URL points at localhost while instances run on several hosts.",
    why: "`localhost` is each application host itself; instances on other hosts cannot reach the \
        database there (members registered as localhost are unreachable from other hosts, RC \
        #26231).",
    example: "two `[[hosts]]` and `mongodb://localhost:27017/...`",
    check: Check::Urls(check),
};

fn check(u: &UrlContext, emit: &mut Emit) {
    let Some(hosts) = u.app_hosts.filter(|n| *n > 1) else {
        return;
    };
    for (path, url) in u.parsed() {
        let local: Vec<String> = url
            .hosts
            .iter()
            .filter(|h| h.is_loopback())
            .map(|h| h.address())
            .collect();
        if !local.is_empty() {
            emit.report(
                path,
                format!("{} point(s) at this machine, but Rocket.Chat runs on {hosts} hosts: instances elsewhere would look for MongoDB on their own machine", local.join(", ")),
                "list the database hosts by a name or address every application host can reach",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    const SECOND_HOST: &str =
        "\n[[hosts]]\nname = \"app2\"\naddress = \"10.0.0.12\"\ncores = 2\ninstances = 1\n";

    #[test]
    fn triggers_when_instances_span_hosts() {
        let text = example_with(&[(
            "name = \"app1\"",
            "name = \"app1\"\naddress = \"10.0.0.11\"",
        )]) + SECOND_HOST;
        assert_eq!(paths(&check_toml(&text), "M007"), ["mongo.url"]);
    }

    #[test]
    fn quiet_on_one_host_or_remote_db() {
        assert!(paths(&check_toml(&example_with(&[])), "M007").is_empty());
        let text = example_with(&[
            (
                "name = \"app1\"",
                "name = \"app1\"\naddress = \"10.0.0.11\"",
            ),
            ("mongodb://localhost:27017/", "mongodb://db1:27017/"),
        ]) + SECOND_HOST;
        assert!(paths(&check_toml(&text), "M007").is_empty());
    }
}
