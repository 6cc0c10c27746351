use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use std::collections::BTreeMap;

pub const RULE: Rule = Rule {
    code: "T012",
    name: "duplicate-host-address",
    severity: Severity::Error,
    summary: "Two hosts share an address.",
    why: "two hosts with one address are one machine described twice; their instances' ports and \
        INSTANCE_IP would clash.",
    example: r#"two hosts with `address = "10.0.0.11"`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, host) in ctx.topology.hosts.iter().enumerate() {
        let Some(address) = &host.address else {
            continue;
        };
        let key = address.to_ascii_lowercase();
        match seen.get(&key) {
            Some(first) => emit.report(
                format!("hosts[{i}].address"),
                format!("address `{address}` is already the address of hosts[{first}]"),
                "describe each machine once; put all its instances under one host",
            ),
            None => {
                seen.insert(key, i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    fn two(second: &str) -> String {
        example_with(&[("cores = 4\n", "address = \"10.0.0.11\"\ncores = 4\n")])
            + &format!("\n[[hosts]]\nname = \"app2\"\naddress = \"{second}\"\ncores = 4\n")
    }

    #[test]
    fn triggers_on_repeat() {
        assert_eq!(
            paths(&check_toml(&two("10.0.0.11")), "T012"),
            ["hosts[1].address"]
        );
    }

    #[test]
    fn quiet_on_distinct() {
        assert!(paths(&check_toml(&two("10.0.0.12")), "T012").is_empty());
    }
}
