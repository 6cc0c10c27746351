//! P: the reverse proxy in front of the instances.

mod haproxy_key_location;
mod no_affinity;
mod no_proxy;
mod proxy_host_unknown;
mod tls_missing;

use super::{Family, Rule};

pub(super) const FAMILY: Family = Family {
    letter: 'P',
    title: "Proxy",
    intro: "",
    rules: RULES,
};

const RULES: &[&Rule] = &[
    &no_proxy::RULE,
    &no_affinity::RULE,
    &tls_missing::RULE,
    &proxy_host_unknown::RULE,
    &haproxy_key_location::RULE,
];
