//! S016 unsafe-env-value: every value of an instance's environment (ROOT_URL, MONGO_URL,
//! MONGO_OPLOG_URL, TRANSPORTER and the `env` tables) is written double-quoted into a systemd
//! EnvironmentFile. A newline would add variables, a `"` would end the value, `\` starts an
//! escape, and `$`/backtick expand when a shell sources the file. Messages never quote the value:
//! it may hold a password.
use super::syntax;
use crate::check::{Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "S016",
    name: "unsafe-env-value",
    severity: Severity::Error,
    summary: "An environment value holds a newline, quote, backslash, `$` or backtick.",
    check,
};

const HELP: &str = "remove the character; in a MongoDB URL, percent-encode it in the password (`$` is %24, `\"` is %22, `\\` is %5C)";

fn check(ctx: &Context, emit: &mut Emit) {
    let t = ctx.topology;
    let mut values: Vec<(String, &str)> = vec![
        ("site.root_url".into(), t.site.root_url.as_str()),
        ("mongo.url".into(), t.mongo.url.as_str()),
    ];
    if let Some(oplog) = &t.mongo.oplog_url {
        values.push(("mongo.oplog_url".into(), oplog));
    }
    if let Some(transporter) = &t.rocketchat.transporter {
        values.push(("rocketchat.transporter".into(), transporter));
    }
    for (prefix, env) in super::env_tables(t) {
        for (name, value) in env {
            values.push((super::env_path(&prefix, name), value));
        }
    }
    for (path, value) in values {
        if let Some(why) = syntax::env_value(value) {
            emit.report(
                path,
                format!("this value cannot be written into an environment file: {why}"),
                HELP,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_newline_and_quote_without_echoing_them() {
        let r = check_toml(&example_with(&[
            (
                "url = \"mongodb://localhost:27017/rocketchat?replicaSet=rs0\"",
                "url = \"mongodb://rc:canary\\\"pw@localhost:27017/rocketchat?replicaSet=rs0\"",
            ),
            (
                "base_port = 3000",
                "base_port = 3000\nenv = { SITE = \"a\\nMONGO_URL=evil\" }",
            ),
        ]));
        assert_eq!(paths(&r, "S016"), ["hosts[0].env.SITE", "mongo.url"]);
        let text = format!("{:?}", r.diagnostics);
        assert!(
            !text.contains("canary"),
            "a message quoted the secret: {text}"
        );
    }

    #[test]
    fn quiet_on_percent_encoded_password() {
        let r = check_toml(&example_with(&[(
            "url = \"mongodb://localhost:27017/rocketchat?replicaSet=rs0\"",
            "url = \"mongodb://rc:p%24ss%40@localhost:27017/rocketchat?replicaSet=rs0\"",
        )]));
        assert!(paths(&r, "S016").is_empty());
    }
}
