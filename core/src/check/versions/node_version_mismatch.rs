//! V006 node-version-mismatch: Rocket.Chat reads the Node.js version it was built with
//! (`.node_version.txt`) and exits at startup when the running Node's major differs, unless
//! BYPASS_NODEJS_VALIDATION is set (`apps/meteor/server/startup/serverRunning.ts`).
use crate::check::{Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::version::{required_node_major, Version};

pub const RULE: Rule = Rule {
    code: "V006",
    name: "node-version-mismatch",
    severity: Severity::Error,
    summary: "rocketchat.node_version is not the Node.js major the Rocket.Chat release requires.",
    check,
};

fn check(ctx: &Context, emit: &mut Emit) {
    let Some(declared) = &ctx.topology.rocketchat.node_version else {
        return;
    };
    let Ok(node) = declared.parse::<Version>() else {
        emit.report(
            "rocketchat.node_version",
            format!("`{declared}` is not a Node.js version"),
            "write what `node --version` prints, e.g. \"22.16.0\"",
        );
        return;
    };
    let Some(rc) = ctx.rocketchat_version else {
        return;
    };
    match required_node_major(rc) {
        Some(major) if major != node.major => emit.report(
            "rocketchat.node_version",
            format!("Rocket.Chat {rc} exits at startup on Node.js {}: it requires Node.js {major}.x (`YOUR CURRENT NODEJS VERSION IS NOT SUPPORTED`)", node.major),
            format!("install Node.js {major}.x at rocketchat.node ({})", ctx.topology.rocketchat.node),
        ),
        Some(_) => {}
        None => emit.emit(
            Severity::Info,
            "rocketchat.node_version",
            format!("the Node.js major Rocket.Chat {rc} requires is not in this tool's table: Node.js {} is not checked", node.major),
            "compare with the release notes (Engine versions) of your release",
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    fn with(node: &str) -> String {
        example_with(&[(
            "node = \"/usr/local/bin/node\"\n",
            &format!("node = \"/usr/local/bin/node\"\nnode_version = \"{node}\"\n"),
        )])
    }

    #[test]
    fn triggers_on_another_major() {
        let text = with("20.18.1").replace("version = \"7.10.0\"", "version = \"7.11.0\"");
        assert_eq!(
            paths(&check_toml(&text), "V006"),
            ["rocketchat.node_version"]
        );
        assert_eq!(paths(&check_toml(&with("v22")), "V006").len(), 1);
        assert_eq!(paths(&check_toml(&with("lts")), "V006").len(), 1);
    }

    #[test]
    fn quiet_on_the_required_major_or_undeclared() {
        let text = with("22.16.0").replace("version = \"7.10.0\"", "version = \"7.11.0\"");
        assert!(paths(&check_toml(&text), "V006").is_empty());
        assert!(paths(&check_toml(crate::example::TOML), "V006").is_empty());
    }
}
