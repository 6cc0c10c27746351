use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::version::{required_node_major, Version};

pub const RULE: Rule = Rule {
    code: "V006",
    name: "node-version-mismatch",
    severity: Severity::Error,
    summary: r#"rocketchat.node_version is not the Node.js major the Rocket.Chat release requires."#,
    why: r#"Rocket.Chat reads the Node.js version it was built with (`.node_version.txt`) and exits at startup on another major ("YOUR CURRENT NODEJS VERSION IS NOT SUPPORTED", `serverRunning.ts`, unless BYPASS_NODEJS_VALIDATION is set). Majors per release, from the release notes' "Engine versions" and the sources: 3.0-4.2 Node 12 (RC #16555; 3.8.9, 3.14.6, 3.16.3, 4.2.3), 4.7-6.x Node 14 (4.7.3, 5.4.10, 6.0.8, 6.2.1), 7.0 Node 20 (changeset large-bikes-brake: Meteor 3, "version 14 will be removed and version 20 will be used"), 7.11-7.x Node 22 (package.json engines 22.16.0). Releases in between (4.3-4.6, 7.1-7.10) and 8.x are not pinned by a source we could verify: the rule then gives an info note and checks nothing."#,
    example: r#"`version = "7.11.0"`, `node_version = "20.18.1"`"#,
    check: Check::Layout(check),
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
