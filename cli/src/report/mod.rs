//! `check` results in the formats CI systems read: GitHub workflow annotations and SARIF.

pub mod github;
pub mod sarif;
