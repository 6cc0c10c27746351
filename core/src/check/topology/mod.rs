//! T: hosts, instances, ports, addresses, ROOT_URL and the instance environment.

mod bind_all_with_local_proxy;
mod duplicate_host_address;
mod duplicate_host_name;
mod duplicate_port;
mod instance_ip_unreachable;
mod instances_above_cores;
mod instances_above_rule_of_thumb;
mod no_hosts;
mod no_instances;
mod port_collides_with_mongod;
mod port_collides_with_proxy;
mod port_collides_with_tcp_port;
mod port_out_of_range;
mod privileged_port;
mod random_tcp_port;
mod reserved_env;
mod root_url_host_mismatch;
mod root_url_http_behind_tls;
mod root_url_invalid;
mod too_large;
mod transporter_without_monolith;

use super::{Family, Rule};

pub(super) const FAMILY: Family = Family {
    letter: 'T',
    title: "Topology",
    intro: "",
    rules: RULES,
};

const RULES: &[&Rule] = &[
    &no_hosts::RULE,
    &no_instances::RULE,
    &instances_above_rule_of_thumb::RULE,
    &instances_above_cores::RULE,
    &duplicate_port::RULE,
    &port_out_of_range::RULE,
    &port_collides_with_mongod::RULE,
    &port_collides_with_proxy::RULE,
    &port_collides_with_tcp_port::RULE,
    &privileged_port::RULE,
    &duplicate_host_name::RULE,
    &duplicate_host_address::RULE,
    &instance_ip_unreachable::RULE,
    &random_tcp_port::RULE,
    &root_url_invalid::RULE,
    &root_url_http_behind_tls::RULE,
    &root_url_host_mismatch::RULE,
    &transporter_without_monolith::RULE,
    &bind_all_with_local_proxy::RULE,
    &reserved_env::RULE,
    &too_large::RULE,
];

/// ROOT_URL parsed as a browser parses it, when it is an absolute http(s) URL with a host and
/// without credentials. A URL parser silently drops tabs and newlines and trims spaces, but
/// Rocket.Chat gets the text as written, so a URL holding any whitespace or control is refused.
pub(crate) fn root_url(text: &str) -> Option<url::Url> {
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let url = url::Url::parse(text).ok()?;
    let usable = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some_and(|h| !h.is_empty())
        && url.username().is_empty()
        && url.password().is_none();
    usable.then_some(url)
}

/// The field path that defines an instance's port: `ports[j]` when listed, else `instances`.
pub(crate) fn port_path(host: &crate::model::Host, host_index: usize, ordinal: usize) -> String {
    match &host.ports {
        Some(ports) => {
            // ordinal counts distinct valid ports; find the list position that produced it.
            let resolved = crate::layout::host_ports(host);
            let port = resolved.get(ordinal).copied().map(u32::from);
            let j = port
                .and_then(|p| ports.iter().position(|q| *q == p))
                .unwrap_or(ordinal);
            format!("hosts[{host_index}].ports[{j}]")
        }
        None => format!("hosts[{host_index}].instances"),
    }
}
