//! Rendering: from one checked [`Layout`], the files a deployment installs. One module per target.
//!
//! Contract (used by the planner and the bindings):
//! - [`render`] refuses a layout whose check has errors, and returns files in a stable order;
//! - every [`RenderedFile`] names the machine it belongs on (`host`), its install path, its mode
//!   and its contents; output is byte-identical for the same input.

use crate::layout::Layout;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// What to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    Systemd,
    Nginx,
    Apache,
    Haproxy,
    Mongod,
    Mermaid,
    /// Every target for the configured proxy kind.
    All,
}

impl FromStr for Target {
    type Err = RenderError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "systemd" => Target::Systemd,
            "nginx" => Target::Nginx,
            "apache" => Target::Apache,
            "haproxy" => Target::Haproxy,
            "mongod" => Target::Mongod,
            "mermaid" => Target::Mermaid,
            "all" => Target::All,
            other => {
                return Err(RenderError::UnknownTarget {
                    target: other.to_string(),
                })
            }
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        f.write_str(&s)
    }
}

/// One file to install.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenderedFile {
    /// The machine the file belongs on: an application host's name, the proxy's host
    /// (`proxy.host`, or `proxy` when the proxy has a machine of its own), or a replica set
    /// member's host name for mongod files.
    pub host: String,
    /// Absolute install path, e.g. `/etc/rocketchat/3001.env`.
    pub path: String,
    /// Unix permission bits, e.g. `0o600` for environment files.
    pub mode: u32,
    pub contents: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error("unknown target `{target}`: expected systemd, nginx, apache, haproxy, mongod, mermaid or all")]
    UnknownTarget { target: String },
    #[error("the topology has {errors} error(s); fix them before rendering (run `rctopo check`): {first}")]
    CheckFailed { errors: usize, first: String },
    #[error("{0}")]
    Other(String),
}

/// Renders `target` for `layout`.
pub fn render(layout: &Layout, target: Target) -> Result<Vec<RenderedFile>, RenderError> {
    let _ = (layout, target);
    Err(RenderError::Other(
        "rendering lands with the render issue".into(),
    ))
}
