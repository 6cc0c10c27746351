//! The built-in example: the how-to's single 4-core host with 3 instances behind nginx.
//! Commands use it when no topology file is given, so a first run shows something real.

use crate::load::Format;
use crate::model::Topology;

/// The example as TOML text (`examples/howto.toml`).
pub const TOML: &str = include_str!("../../examples/howto.toml");

/// The name commands show for the built-in example.
pub const NAME: &str = "<built-in example: examples/howto.toml>";

/// The example topology. It holds no `${NAME}` reference, so it loads in any environment.
pub fn topology() -> Topology {
    let no_env = |_: &str| None;
    match Topology::parse_with_env(TOML, Format::Toml, Some(NAME.to_string()), &no_env) {
        Ok(t) => t,
        // The example is a compile-time constant covered by tests; this cannot fail at run time.
        Err(e) => unreachable!("built-in example does not load: {e}"),
    }
}
