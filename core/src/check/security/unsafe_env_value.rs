use super::syntax;
use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "S016",
    name: "unsafe-env-value",
    severity: Severity::Error,
    summary: r#"A value of the instance environment (ROOT_URL, MONGO_URL, MONGO_OPLOG_URL, TRANSPORTER, `env` tables) with a control character, `"`, `\`, `$` or backtick; the message never quotes the value."#,
    why: r#"written double-quoted into `/etc/rocketchat/<port>.env`: a newline adds variables, `"` ends the value, `\` escapes, `$`/backtick expand when a shell sources the file (systemd.exec EnvironmentFile=). `%` is allowed: env files get no specifier expansion and percent-encoded passwords need it"#,
    example: r#"`url = "mongodb://rc:pa\"ss@db1/rc?replicaSet=rs0"` (write `%22`)"#,
    check: Check::Layout(check),
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
