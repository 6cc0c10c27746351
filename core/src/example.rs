//! The built-in example: the how-to's single 4-core host with 3 instances behind nginx.
//! Commands use it when no topology file is given, so a first run shows something real.

use crate::load::Format;
use crate::model::Topology;

/// The example as TOML text (`core/src/howto.toml`, linked as `examples/howto.toml`). It lives
/// inside the crate so the published package builds on its own.
pub const TOML: &str = include_str!("howto.toml");

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

/// The Rocket.Chat release the demo upgrades the example to: the example's 7.10.0 upgraded,
/// still supporting the example's MongoDB 7.0.
pub const DEMO_UPGRADE_VERSION: &str = "7.11.0";

/// The demo rollout `rctopo plan` shows without files: the example as it runs (current) and
/// upgraded to [`DEMO_UPGRADE_VERSION`] (desired).
pub fn demo_upgrade() -> (Topology, Topology) {
    let current = topology();
    let mut desired = current.clone();
    desired.rocketchat.version = DEMO_UPGRADE_VERSION.into();
    (current, desired)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{plan, Layout};

    #[test]
    fn the_demo_upgrade_is_a_plannable_rolling_upgrade() {
        let (current, desired) = demo_upgrade();
        assert_eq!(current.rocketchat.version, "7.10.0");
        assert_eq!(desired.rocketchat.version, DEMO_UPGRADE_VERSION);
        let plan = plan::plan(
            Some(&Layout::resolve(&current)),
            &Layout::resolve(&desired),
            &plan::Policy::default(),
        )
        .unwrap();
        assert_eq!(plan.summary.restart_waves, 3);
    }
}
