//! Resolution never panics and never puts two instances on one host:port, whatever the hosts.

use proptest::prelude::*;
use rocketchat_topology::model::{Host, Instances};
use rocketchat_topology::{check, example, Layout};
use std::collections::{BTreeMap, BTreeSet};

fn instances() -> impl Strategy<Value = Instances> {
    prop_oneof![Just(Instances::Auto), (0u32..40).prop_map(Instances::Count)]
}

fn host() -> impl Strategy<Value = Host> {
    (
        "[a-z]{1,3}",
        proptest::option::of("10\\.0\\.[0-9]\\.[0-9]{1,2}"),
        0u32..64,
        instances(),
        proptest::option::of(proptest::collection::vec(0u32..70_000, 0..12)),
        prop_oneof![Just(3000u32), 0u32..70_000],
        proptest::option::of(0u32..70_000),
    )
        .prop_map(
            |(name, address, cores, instances, ports, base_port, tcp)| Host {
                name,
                address,
                cores,
                instances,
                ports,
                base_port,
                tcp_base_port: tcp,
                env: BTreeMap::new(),
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn resolution_is_total_and_ports_are_unique(hosts in proptest::collection::vec(host(), 0..8)) {
        let mut topology = example::topology();
        topology.hosts = hosts;
        let layout = Layout::resolve(&topology);
        let mut seen = BTreeSet::new();
        for inst in &layout.instances {
            prop_assert!(inst.port != 0);
            prop_assert!(seen.insert((inst.host_index, inst.port)), "two instances on {}", inst.id);
            prop_assert_eq!(&inst.id, &format!("{}:{}", inst.host, inst.port));
        }
        // The checker runs on whatever resolution produced, without panicking.
        let _ = check(&layout);
    }
}
