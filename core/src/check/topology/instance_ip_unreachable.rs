use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::net::is_loopback;

pub const RULE: Rule = Rule {
    code: "T013",
    name: "instance-ip-unreachable",
    severity: Severity::Error,
    summary: "INSTANCE_IP missing or loopback while instances span several hosts.",
    why: "each instance registers INSTANCE_IP (default `localhost`) so the others can reach it; \
        across hosts, a missing or loopback address breaks instance-to-instance events (RC \
        #6489, #6480, #6341).",
    example: "two hosts, one without `address`",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    if ctx.topology.hosts.len() < 2 {
        return;
    }
    for (i, host) in ctx.topology.hosts.iter().enumerate() {
        match &host.address {
            None => emit.report(
                format!("hosts[{i}].address"),
                format!("host `{}` has no address, so its instances announce INSTANCE_IP=localhost to the other hosts", host.name),
                "set address to the IP the other hosts reach this one at",
            ),
            Some(a) if is_loopback(a) => emit.report(
                format!("hosts[{i}].address"),
                format!("host `{}` has loopback address `{a}`, unreachable from the other hosts", host.name),
                "set address to the host's private network IP",
            ),
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    fn two(first_address: &str) -> String {
        example_with(&[("cores = 4\n", &format!("{first_address}cores = 4\n"))])
            + "\n[[hosts]]\nname = \"app2\"\naddress = \"10.0.0.12\"\ncores = 4\n"
    }

    #[test]
    fn triggers_on_missing_and_loopback() {
        assert_eq!(paths(&check_toml(&two("")), "T013"), ["hosts[0].address"]);
        assert_eq!(
            paths(&check_toml(&two("address = \"127.0.0.1\"\n")), "T013"),
            ["hosts[0].address"]
        );
    }

    #[test]
    fn quiet_with_addresses_or_one_host() {
        assert!(paths(&check_toml(&two("address = \"10.0.0.11\"\n")), "T013").is_empty());
        assert!(paths(&check_toml(crate::example::TOML), "T013").is_empty());
    }
}
