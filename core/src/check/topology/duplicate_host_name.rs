use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use std::collections::BTreeMap;

pub const RULE: Rule = Rule {
    code: "T011",
    name: "duplicate-host-name",
    severity: Severity::Error,
    summary: "Two hosts share a name.",
    why: "host names key rendered folders, plan steps and instance ids (`app1:3000`); two hosts \
        with one name would overwrite each other's files.",
    example: "two hosts named `app1`",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, host) in ctx.topology.hosts.iter().enumerate() {
        match seen.get(host.name.as_str()) {
            Some(first) => emit.report(
                format!("hosts[{i}].name"),
                format!(
                    "host name `{}` is already used by hosts[{first}]",
                    host.name
                ),
                "give every host a unique name",
            ),
            None => {
                seen.insert(&host.name, i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    const TWO: &str = "\n[[hosts]]\nname = \"app1\"\naddress = \"10.0.0.12\"\ncores = 4\n";

    #[test]
    fn triggers_on_repeat() {
        let text = example_with(&[("cores = 4\n", "address = \"10.0.0.11\"\ncores = 4\n")]) + TWO;
        assert_eq!(paths(&check_toml(&text), "T011"), ["hosts[1].name"]);
    }

    #[test]
    fn quiet_on_distinct() {
        let text = example_with(&[("cores = 4\n", "address = \"10.0.0.11\"\ncores = 4\n")])
            + &TWO.replace("app1", "app2");
        assert!(paths(&check_toml(&text), "T011").is_empty());
    }
}
