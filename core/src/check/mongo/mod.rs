//! Rules of this family are added with their issue; the registry already includes the family.
use super::Rule;

pub(super) const RULES: &[&Rule] = &[];
