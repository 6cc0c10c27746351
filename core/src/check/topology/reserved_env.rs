use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::layout::RESERVED_ENV;

pub const RULE: Rule = Rule {
    code: "T020",
    name: "reserved-env",
    severity: Severity::Error,
    summary: "An env table sets a variable the topology already defines.",
    why: "PORT, ROOT_URL, MONGO_URL, INSTANCE_IP, TCP_PORT ... are derived from the topology so \
        that they stay consistent across instances; an `env` table cannot set them.",
    example: r#"`env = { PORT = "80" }`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let t = ctx.topology;
    let tables = std::iter::once(("rocketchat.env".to_string(), &t.rocketchat.env)).chain(
        t.hosts
            .iter()
            .enumerate()
            .map(|(i, h)| (format!("hosts[{i}].env"), &h.env)),
    );
    for (path, env) in tables {
        for name in env.keys().filter(|n| RESERVED_ENV.contains(&n.as_str())) {
            emit.report(
                format!("{path}.{name}"),
                format!("{name} is derived from the topology and cannot be set in an env table"),
                field_for(name),
            );
        }
    }
}

fn field_for(name: &str) -> &'static str {
    match name {
        "PORT" => "set hosts[].ports or base_port instead",
        "ROOT_URL" => "set site.root_url instead",
        "MONGO_URL" => "set mongo.url instead",
        "MONGO_OPLOG_URL" => "set mongo.oplog_url instead",
        "INSTANCE_IP" => "set hosts[].address instead",
        "TCP_PORT" => "set rocketchat.tcp_base_port or hosts[].tcp_base_port instead",
        "BIND_IP" => "set rocketchat.bind_ip instead",
        "TRANSPORTER" => "set rocketchat.transporter instead",
        _ => "remove it: the proxy settings define it",
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_port() {
        let r = check_toml(&example_with(&[(
            "base_port = 3000",
            "base_port = 3000\nenv = { PORT = \"80\" }",
        )]));
        assert_eq!(paths(&r, "T020"), ["hosts[0].env.PORT"]);
    }

    #[test]
    fn quiet_on_other_vars() {
        let r = check_toml(&example_with(&[(
            "base_port = 3000",
            "base_port = 3000\nenv = { OVERWRITE_SETTING_Show_Setup_Wizard = \"completed\" }",
        )]));
        assert!(paths(&r, "T020").is_empty());
    }
}
