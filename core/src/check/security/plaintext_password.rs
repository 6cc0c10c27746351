use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::mongo_url::MongoUrl;

pub const RULE: Rule = Rule {
    code: "S001",
    name: "plaintext-password",
    severity: Severity::Warning,
    summary: "A Mongo URL in the topology file holds a password written out instead of `${ENV}`.",
    why: "topology files are meant to be committed (DESIGN: secrets as `${ENV_NAME}`); a \
        password in the file ends up in version control. Also flags `proxyPassword` and \
        `tlsCertificateKeyFilePassword` in the URL.",
    example: r#"`url = "mongodb://rc:hunter2@db1/rocketchat?replicaSet=rs0"`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let mongo = &ctx.topology.mongo;
    let fields = [
        ("mongo.url", Some(&mongo.url)),
        ("mongo.oplog_url", mongo.oplog_url.as_ref()),
    ];
    for (path, text) in fields {
        let Some(text) = text else { continue };
        if ctx.topology.provenance.from_env.contains(path) {
            continue;
        }
        let Ok(url) = MongoUrl::parse(text) else {
            continue;
        };
        let mut written = url.written_secrets();
        if url.has_password() {
            written.insert(0, "the password".to_string());
        }
        if written.is_empty() {
            continue;
        }
        emit.report(
            path,
            format!("{path} holds {} in plain text", written.join(" and ")),
            "write the secret as `${NAME}` (e.g. `mongodb://rc:${RC_MONGO_PASSWORD}@db1:27017/...`) and set NAME in the environment, percent-encoded",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_a_written_password() {
        let r = check_toml(&example_with(&[(
            "mongodb://localhost:27017/",
            "mongodb://rc:hunter2@localhost:27017/",
        )]));
        assert_eq!(paths(&r, "S001"), ["mongo.url"]);
        let d = r
            .diagnostics
            .iter()
            .find(|d| d.code == "S001")
            .map(|d| d.to_string());
        assert!(d.is_some_and(|d| !d.contains("hunter2")));
    }

    #[test]
    fn quiet_with_env_reference_or_no_password() {
        let r = check_toml(&example_with(&[(
            "mongodb://localhost:27017/",
            "mongodb://rc:${RC_MONGO_PASSWORD}@localhost:27017/",
        )]));
        assert!(paths(&r, "S001").is_empty());
        assert!(paths(&check_toml(&example_with(&[])), "S001").is_empty());
    }

    #[test]
    fn triggers_on_a_written_session_token() {
        let r = check_toml(&example_with(&[(
            "mongodb://localhost:27017/rocketchat?replicaSet=rs0",
            "mongodb://localhost:27017/rocketchat?replicaSet=rs0&authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:t0ken-canary",
        )]));
        assert_eq!(paths(&r, "S001"), ["mongo.url"]);
        let shown = format!("{:?}", r.diagnostics);
        assert!(shown.contains("AWS_SESSION_TOKEN") && !shown.contains("t0ken-canary"));
    }
}
