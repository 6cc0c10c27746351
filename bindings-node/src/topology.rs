//! The `Topology` class: load, check, lay out and render one deployment.

use crate::error::{js_error, load_error, ErrorCode, ErrorDetails};
use crate::layout::Layout;
use crate::render::{RenderOptions, RenderedFile, Target};
use crate::report::{diagnostics, CheckReport, Diagnostic};
use crate::text::Text;
use napi::{Env, Result};
use napi_derive::napi;
use rocketchat_topology as core;
use rocketchat_topology::load::Expansion;
use rocketchat_topology::render::RenderError;

/// A topology file format.
#[napi(string_enum = "lowercase")]
#[derive(Debug, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
    Json,
}

impl From<Format> for core::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Toml => core::Format::Toml,
            Format::Yaml => core::Format::Yaml,
            Format::Json => core::Format::Json,
        }
    }
}

/// Options of `Topology.fromObject`.
#[napi(object)]
#[derive(Default)]
pub struct FromObjectOptions {
    /// Expand `${NAME}` from the environment (in secret fields, and for the variables
    /// `RCTOPO_ALLOW_ENV` lists). Default true.
    pub expand_env: Option<bool>,
}

/// A multi-instance Rocket.Chat deployment, read and resolved.
#[napi]
pub struct Topology {
    layout: core::Layout,
}

impl Topology {
    fn new(topology: core::Topology) -> Self {
        Topology {
            layout: core::Layout::resolve(&topology),
        }
    }

    /// The resolved core layout, for the other modules of this crate (plan).
    pub(crate) fn core_layout(&self) -> &core::Layout {
        &self.layout
    }
}

#[napi]
impl Topology {
    /// Reads a topology file; the format comes from its extension (.toml, .yaml/.yml, .json).
    /// `${NAME}` values are read from the process environment.
    #[napi(factory, catch_unwind)]
    pub fn load(env: Env, path: String) -> Result<Topology> {
        core::Topology::load(&path)
            .map(Topology::new)
            .map_err(|e| load_error(&env, &e))
    }

    /// Parses topology text in the given format.
    #[napi(factory, catch_unwind)]
    pub fn from_string(
        env: Env,
        #[napi(ts_arg_type = "string")] text: Text,
        format: Format,
    ) -> Result<Topology> {
        core::Topology::parse(&text.0, format.into())
            .map(Topology::new)
            .map_err(|e| load_error(&env, &e))
    }

    /// Builds a topology from an object shaped like the topology file (see `jsonSchema()`).
    /// `{ expandEnv: false }` takes every string as written (no `${NAME}` is read from the
    /// environment): for objects that come from someone else.
    #[napi(factory, catch_unwind)]
    pub fn from_object(
        env: Env,
        #[napi(ts_arg_type = "Record<string, unknown>")] value: serde_json::Value,
        options: Option<FromObjectOptions>,
    ) -> Result<Topology> {
        let expansion = match options.and_then(|o| o.expand_env) {
            Some(false) => Expansion::Off,
            _ => Expansion::from_environment(),
        };
        core::Topology::from_value_with(value, &expansion)
            .map(Topology::new)
            .map_err(|e| load_error(&env, &e))
    }

    /// The JSON Schema of a topology file.
    #[napi(catch_unwind, ts_return_type = "Record<string, unknown>")]
    pub fn json_schema() -> serde_json::Value {
        core::Topology::json_schema()
    }

    /// The file this topology was read from, when it came from a file.
    #[napi(getter, catch_unwind)]
    pub fn file(&self) -> Option<String> {
        self.layout.topology.provenance.source.file.clone()
    }

    /// Every instance with its host, ports, unit and environment (secrets read `***`).
    #[napi(catch_unwind)]
    pub fn layout(&self) -> Layout {
        Layout::from(&self.layout)
    }

    /// Every diagnostic of the checker, errors first.
    #[napi(catch_unwind)]
    pub fn check(&self) -> Vec<Diagnostic> {
        diagnostics(core::check(&self.layout))
    }

    /// The check as the CLI's `rctopo check --format json` prints it, with counts.
    #[napi(catch_unwind)]
    pub fn report(&self) -> CheckReport {
        core::check(&self.layout).into()
    }

    /// Asks the running replica set (every member directly) and judges its answers (rules
    /// L001-L018). Resolves with the report; rejects with a `TopologyError` when there is nothing
    /// to ask (a URL the driver refuses, no host).
    #[napi(catch_unwind, ts_return_type = "Promise<ProbeReport>")]
    pub fn probe(
        &self,
        options: Option<crate::probe::ProbeOptions>,
    ) -> Result<napi::bindgen_prelude::AsyncTask<crate::probe::ProbeTask>> {
        crate::probe::ProbeTask::new(self.layout.clone(), options)
            .map(napi::bindgen_prelude::AsyncTask::new)
    }

    /// The files `target` needs, in a stable order. Throws a `RenderError` (with the check's
    /// `diagnostics`) when the topology has check errors.
    #[napi(catch_unwind)]
    pub fn render(
        &self,
        env: Env,
        target: Target,
        options: Option<RenderOptions>,
    ) -> Result<Vec<RenderedFile>> {
        let options = options.unwrap_or_default().into();
        match core::render::render_with(&self.layout, target.into(), &options) {
            Ok(files) => Ok(files.into_iter().map(RenderedFile::from).collect()),
            Err(e) => Err(render_error(&env, &e)),
        }
    }
}

/// A render error as a `RenderError`; a refused check carries that check's error diagnostics.
fn render_error(env: &Env, e: &RenderError) -> napi::Error {
    let details = ErrorDetails {
        diagnostics: e.diagnostics().into_iter().map(Diagnostic::from).collect(),
        ..ErrorDetails::new(ErrorCode::RenderError)
    };
    js_error(env, e.to_string(), details)
}
