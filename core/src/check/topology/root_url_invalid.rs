use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "T015",
    name: "root-url-invalid",
    severity: Severity::Error,
    summary: "ROOT_URL is not an absolute http(s) URL.",
    why: "ROOT_URL is the public URL Rocket.Chat builds every link from; it must be an absolute \
        http(s) URL without credentials.",
    example: r#"`root_url = "chat.example.com"`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let url = &ctx.topology.site.root_url;
    if super::root_url(url).is_none() {
        emit.report(
            "site.root_url",
            format!("`{url}` is not an absolute http(s) URL"),
            "write the URL users open, e.g. https://chat.example.com",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_relative_or_other_scheme() {
        for bad in [
            "chat.example.com",
            "ftp://chat.example.com",
            "https://",
            "https://u:p@chat.example.com",
            "http://[::1",
            "https://a<b>.com/x",
            "https://chat.example.com:99999",
            "https://chat.example.com\t",
        ] {
            let r = check_toml(&example_with(&[(
                "root_url = \"https://chat.example.com\"",
                &format!("root_url = \"{bad}\""),
            )]));
            assert_eq!(paths(&r, "T015"), ["site.root_url"], "{bad}");
        }
    }

    #[test]
    fn quiet_on_urls_browsers_open() {
        for good in [
            "https://chat.example.com",
            "https://chat.example.com:8443/rc",
            "http://10.0.0.5:3000",
            "https://[2001:db8::1]",
        ] {
            let r = check_toml(&example_with(&[(
                "root_url = \"https://chat.example.com\"",
                &format!("root_url = \"{good}\""),
            )]));
            assert!(paths(&r, "T015").is_empty(), "{good}");
        }
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "T015").is_empty());
    }
}
