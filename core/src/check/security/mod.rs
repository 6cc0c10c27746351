//! Rules of this family are added with their issue; the registry already includes the family.
use super::Rule;

mod plaintext_password;

pub(super) const RULES: &[&Rule] = &[&plaintext_password::RULE];
