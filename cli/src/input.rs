//! Loading the topology a command works on: a file, or the built-in example.

use rocketchat_topology::{example, Topology};
use std::path::Path;

/// The topology at `file`, or the built-in example. On failure, prints the error and returns
/// `Err(exit code 2)`.
pub fn load(file: Option<&Path>) -> Result<Topology, u8> {
    match file {
        None => Ok(example::topology()),
        Some(path) => Topology::load(path).map_err(|e| {
            crate::output::error(&e.to_string());
            crate::EXIT_UNUSABLE
        }),
    }
}
