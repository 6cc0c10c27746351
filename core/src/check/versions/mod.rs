//! V: Rocket.Chat and MongoDB releases and what they support.

mod community_multi_instance;
mod invalid_version;
mod mongo_deprecated;
mod mongo_unlisted;
mod mongo_unsupported;
mod node_version_mismatch;

use super::{Family, Rule};

pub(super) const FAMILY: Family = Family {
    letter: 'V',
    title: "Versions",
    intro: "",
    rules: RULES,
};

const RULES: &[&Rule] = &[
    &invalid_version::RULE,
    &mongo_unsupported::RULE,
    &mongo_deprecated::RULE,
    &mongo_unlisted::RULE,
    &community_multi_instance::RULE,
    &node_version_mismatch::RULE,
];

/// The listed MongoDB releases for the configured Rocket.Chat, for messages.
pub(crate) fn listed(ctx: &crate::check::Context) -> String {
    ctx.rocketchat_version
        .map(crate::version::listed_mongo_versions)
        .unwrap_or_default()
        .join(", ")
}
