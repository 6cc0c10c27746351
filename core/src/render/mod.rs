//! Rendering: from one checked [`Layout`], the files a deployment installs. One module per target.
//!
//! Contract (used by the planner and the bindings):
//! - [`render`] refuses a layout whose check has errors, and returns files in a stable order;
//! - every [`RenderedFile`] names the machine it belongs on (`host`), its install path, its mode
//!   and its contents; output is byte-identical for the same input.
//!
//! Values reach the files unescaped: the `S` rules of the checker accept only values whose
//! characters mean nothing special in any target syntax, and rendering refuses a layout with
//! errors. Secrets are written only to the environment files (mode 0600).

mod apache;
mod haproxy;
mod header;
mod mermaid;
mod mongod;
mod nginx;
mod systemd;

pub use apache::MODULES as APACHE_MODULES;
pub use header::Comment;
pub(crate) use mongod::{initiate_config, initiate_js};

use crate::diagnostic::{Diagnostic, Report};
use crate::layout::Layout;
use crate::model::ProxyKind;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// What to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Target {
    /// One unit per instance, and their environment files.
    Systemd,
    /// The nginx site.
    Nginx,
    /// The Apache site.
    Apache,
    /// The HAProxy configuration.
    Haproxy,
    /// mongod.conf per member and the replica set's rs-initiate.js.
    Mongod,
    /// A Mermaid diagram of the deployment.
    Mermaid,
    /// Every target for the configured proxy kind.
    All,
}

impl Target {
    /// Every target but `All`, in rendering order.
    pub const EACH: [Target; 6] = [
        Target::Systemd,
        Target::Nginx,
        Target::Apache,
        Target::Haproxy,
        Target::Mongod,
        Target::Mermaid,
    ];
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
        f.write_str(match self {
            Target::Systemd => "systemd",
            Target::Nginx => "nginx",
            Target::Apache => "apache",
            Target::Haproxy => "haproxy",
            Target::Mongod => "mongod",
            Target::Mermaid => "mermaid",
            Target::All => "all",
        })
    }
}

/// One file to install.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenderedFile {
    /// The machine the file belongs on: an application host's name, the proxy's host
    /// (`proxy.host`, or `proxy` when the proxy has a machine of its own), a replica set
    /// member's host name for mongod files, or `docs` for the diagram (names from `paths.rs`,
    /// which the planner uses too).
    pub host: String,
    /// Absolute install path, e.g. `/etc/rocketchat/3001.env`.
    pub path: String,
    /// Unix permission bits, e.g. `0o600` for environment files.
    pub mode: u32,
    /// The file's text.
    pub contents: String,
}

impl RenderedFile {
    /// Where the file goes under an output directory: `<host>/<path without leading slash>`.
    /// Refuses a host or path that would leave the directory (`..`, absolute parts).
    pub fn out_path(&self) -> Result<std::path::PathBuf, RenderError> {
        use std::path::{Component, Path};
        let relative = Path::new(&self.host).join(self.path.trim_start_matches('/'));
        let plain = relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if self.host.is_empty() || !plain {
            return Err(RenderError::Other(format!(
                "refusing to write `{}` for host `{}`: it would leave the output directory",
                self.path.escape_debug(),
                self.host.escape_debug()
            )));
        }
        Ok(relative)
    }

    /// Whether the file holds secrets (an environment file, mode 0600).
    pub fn holds_secrets(&self) -> bool {
        self.mode & 0o077 == 0
    }
}

/// Choices that are not part of the topology.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Instance ids (`app1:3001`) taken out of rotation: nginx renders them `down`, HAProxy
    /// `disabled`, Apache `status=+D`: the same lines a plan's proxy edits write in place.
    pub drained: BTreeSet<String>,
}

/// Why nothing was rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// A target name that is not one of [`Target`]'s.
    #[error("unknown target `{target}`: expected systemd, nginx, apache, haproxy, mongod, mermaid or all")]
    UnknownTarget {
        /// The name given.
        target: String,
    },
    /// The check found errors.
    #[error("the topology has {} error(s); fix them before rendering (run `rctopo check`): {}", .report.errors(), .report.first_error())]
    CheckFailed {
        /// The check that refused, warnings included.
        report: Report,
    },
    /// The target needs a field the topology leaves out.
    #[error("target `{target}` needs {field}: {help}")]
    Missing {
        /// The target asked for.
        target: Target,
        /// The field path it needs.
        field: &'static str,
        /// How to provide it.
        help: &'static str,
    },
    /// A drained instance id that names no instance.
    #[error("drained instance `{id}` is not in the layout: use an id such as `app1:3001`")]
    UnknownInstance {
        /// The id given.
        id: String,
    },
    /// Any other reason, as a sentence.
    #[error("{0}")]
    Other(String),
}

/// Renders `target` for `layout`.
pub fn render(layout: &Layout, target: Target) -> Result<Vec<RenderedFile>, RenderError> {
    render_with(layout, target, &RenderOptions::default())
}

/// Renders `target` for `layout` with `options` (e.g. drained instances).
pub fn render_with(
    layout: &Layout,
    target: Target,
    options: &RenderOptions,
) -> Result<Vec<RenderedFile>, RenderError> {
    refuse_errors(layout)?;
    if let Some(id) = options
        .drained
        .iter()
        .find(|id| layout.instance(id).is_none())
    {
        return Err(RenderError::UnknownInstance { id: id.clone() });
    }
    let ctx = RenderContext {
        layout,
        options,
        name: header::topology_name(layout),
    };
    match target {
        Target::All => render_all(&ctx),
        one => render_one(&ctx, one),
    }
}

/// Everything a target renderer reads.
pub(crate) struct RenderContext<'a> {
    pub layout: &'a Layout,
    pub options: &'a RenderOptions,
    /// The topology's name for the headers, worked out once.
    name: String,
}

impl RenderContext<'_> {
    pub fn is_drained(&self, id: &str) -> bool {
        self.options.drained.contains(id)
    }

    /// The generated-by header for a file, in the file's comment syntax.
    pub fn header(&self, comment: Comment, what: &str) -> String {
        header::header(&self.name, comment, what)
    }

    /// Appends the generated-by header, `what` given in pieces.
    pub fn push_header(&self, out: &mut String, comment: Comment, what: &[&str]) {
        header::push_header(out, &self.name, comment, what);
    }

    /// The machine proxy files belong on.
    pub fn proxy_host(&self) -> String {
        crate::paths::proxy_machine(&self.layout.topology).unwrap_or_default()
    }
}

fn refuse_errors(layout: &Layout) -> Result<(), RenderError> {
    let report = crate::check(layout);
    if report.has_errors() {
        return Err(RenderError::CheckFailed { report });
    }
    Ok(())
}

impl RenderError {
    /// The check errors behind a refusal (none for other errors): what callers show beside the
    /// message.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            RenderError::CheckFailed { report } => report.error_diagnostics().cloned().collect(),
            _ => Vec::new(),
        }
    }
}

fn render_one(ctx: &RenderContext, target: Target) -> Result<Vec<RenderedFile>, RenderError> {
    match target {
        Target::Systemd => Ok(systemd::render(ctx)),
        Target::Nginx => nginx::render(ctx),
        Target::Apache => apache::render(ctx),
        Target::Haproxy => haproxy::render(ctx),
        Target::Mongod => mongod::render(ctx),
        Target::Mermaid => Ok(mermaid::render(ctx)),
        Target::All => render_all(ctx),
    }
}

/// The targets `all` means for this layout: systemd, the configured proxy, mongod when members
/// are listed and this deployment runs them (not an external MongoDB), and the diagram.
pub fn targets_for_all(layout: &Layout) -> Vec<Target> {
    let mut targets = vec![Target::Systemd];
    if let Some(proxy) = &layout.topology.proxy {
        targets.push(match proxy.kind {
            ProxyKind::Nginx => Target::Nginx,
            ProxyKind::Apache => Target::Apache,
            ProxyKind::Haproxy => Target::Haproxy,
        });
    }
    let mongo = &layout.topology.mongo;
    if mongo.runs_mongod() && !mongo.members.is_empty() {
        targets.push(Target::Mongod);
    }
    targets.push(Target::Mermaid);
    targets
}

fn render_all(ctx: &RenderContext) -> Result<Vec<RenderedFile>, RenderError> {
    let mut files = Vec::new();
    for target in targets_for_all(ctx.layout) {
        files.extend(render_one(ctx, target)?);
    }
    Ok(files)
}

/// The proxy section, or the error a proxy target gives without one.
pub(crate) fn require_proxy<'a>(
    ctx: &'a RenderContext,
    target: Target,
) -> Result<&'a crate::model::Proxy, RenderError> {
    ctx.layout
        .topology
        .proxy
        .as_ref()
        .ok_or(RenderError::Missing {
            target,
            field: "a [proxy] section",
            help: "add [proxy] with kind, server_name and affinity",
        })
}
