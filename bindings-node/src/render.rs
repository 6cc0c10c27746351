//! Rendered files as JavaScript objects.

use napi_derive::napi;
use rocketchat_topology::render as core;

/// What to render.
#[napi(string_enum = "lowercase")]
#[derive(Debug, PartialEq, Eq)]
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

impl From<Target> for core::Target {
    fn from(t: Target) -> Self {
        match t {
            Target::Systemd => core::Target::Systemd,
            Target::Nginx => core::Target::Nginx,
            Target::Apache => core::Target::Apache,
            Target::Haproxy => core::Target::Haproxy,
            Target::Mongod => core::Target::Mongod,
            Target::Mermaid => core::Target::Mermaid,
            Target::All => core::Target::All,
        }
    }
}

/// Choices that are not part of the topology.
#[napi(object)]
#[derive(Default)]
pub struct RenderOptions {
    /// Instance ids (`app1:3001`) rendered out of rotation (nginx `down`, HAProxy weight 0,
    /// Apache drain), as a plan does before restarting them.
    pub drained: Option<Vec<String>>,
}

impl From<RenderOptions> for core::RenderOptions {
    fn from(o: RenderOptions) -> Self {
        core::RenderOptions {
            drained: o.drained.unwrap_or_default().into_iter().collect(),
        }
    }
}

/// One file to install.
#[napi(object)]
pub struct RenderedFile {
    /// The machine the file belongs on (an application host, the proxy's host, a mongod member).
    pub host: String,
    /// Absolute install path, e.g. `/etc/rocketchat/3001.env`.
    pub path: String,
    /// Unix permission bits, e.g. `0o600` (384) for environment files.
    pub mode: u32,
    pub contents: String,
}

impl From<core::RenderedFile> for RenderedFile {
    fn from(f: core::RenderedFile) -> Self {
        RenderedFile {
            host: f.host,
            path: f.path,
            mode: f.mode,
            contents: f.contents,
        }
    }
}
