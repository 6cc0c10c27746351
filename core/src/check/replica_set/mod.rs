//! R: the MongoDB replica set and its storage engine.

mod arbiter_on_rapid_release;
mod arbiter_with_data_member;
mod duplicate_member;
mod even_voting_members;
mod member_on_localhost;
mod mmapv1_removed;
mod multiple_arbiters;
mod no_replica_set;
mod non_voting_member_settings;
mod primary_secondary_arbiter;
mod replica_set_name_starts_with_digit;
mod single_member;
mod too_many_members;
mod too_many_voting_members;

use super::{Family, Rule};

pub(super) const FAMILY: Family = Family {
    letter: 'R',
    title: "Replica set and storage",
    intro: "",
    rules: RULES,
};

const RULES: &[&Rule] = &[
    &no_replica_set::RULE,
    &even_voting_members::RULE,
    &too_many_voting_members::RULE,
    &too_many_members::RULE,
    &single_member::RULE,
    &arbiter_with_data_member::RULE,
    &arbiter_on_rapid_release::RULE,
    &replica_set_name_starts_with_digit::RULE,
    &member_on_localhost::RULE,
    &mmapv1_removed::RULE,
    &non_voting_member_settings::RULE,
    &duplicate_member::RULE,
    &multiple_arbiters::RULE,
    &primary_secondary_arbiter::RULE,
];

/// The arbiters, with their index in `mongo.members`.
pub(crate) fn arbiters(
    members: &[crate::model::Member],
) -> impl Iterator<Item = (usize, &crate::model::Member)> {
    members.iter().enumerate().filter(|(_, m)| m.arbiter)
}

/// Members that vote.
pub(crate) fn voting(members: &[crate::model::Member]) -> usize {
    members.iter().filter(|m| m.votes() > 0).count()
}
