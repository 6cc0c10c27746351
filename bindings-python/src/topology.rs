//! `Topology`: a loaded topology and its resolved layout.

use crate::diagnostic::{self, Diagnostic};
use crate::errors::{self, Details, TopologyError};
use crate::guard::guarded;
use crate::rendered::RenderedFile;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rocketchat_topology::load::Expansion;
use rocketchat_topology::render::{self, RenderError, RenderOptions, Target};
use rocketchat_topology::{self as core, Format, Layout};
use std::path::PathBuf;

#[pyclass(frozen, module = "rocketchat_topology")]
pub struct Topology {
    /// Resolved once: every method reads the layout, which holds the topology itself.
    layout: Layout,
}

impl Topology {
    fn new(topology: core::Topology) -> Self {
        Topology {
            layout: Layout::resolve(&topology),
        }
    }

    pub fn layout_ref(&self) -> &Layout {
        &self.layout
    }
}

#[pymethods]
impl Topology {
    /// Reads a topology file; the format comes from the extension (.toml, .yaml/.yml, .json).
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        guarded("loading a topology file", || {
            core::Topology::load(&path)
                .map(Topology::new)
                .map_err(|e| errors::load_file_error(py, &path, &e))
        })
    }

    /// Parses topology text in `format` (`toml`, `yaml` or `json`).
    #[staticmethod]
    #[pyo3(signature = (text, format = "toml"))]
    fn from_str(py: Python<'_>, text: &str, format: &str) -> PyResult<Self> {
        guarded("parsing topology text", || {
            let format: Format = format.parse().map_err(|e| errors::load_error(py, &e))?;
            core::Topology::parse(text, format)
                .map(Topology::new)
                .map_err(|e| errors::load_error(py, &e))
        })
    }

    /// Builds a topology from a dict shaped like the topology file. `expand_env=False` takes
    /// every string as written (no `${NAME}` is read from the environment): for dicts that come
    /// from someone else.
    #[staticmethod]
    #[pyo3(signature = (value, expand_env = true))]
    fn from_dict(py: Python<'_>, value: &Bound<'_, PyAny>, expand_env: bool) -> PyResult<Self> {
        guarded("reading a topology dict", || {
            let value: serde_json::Value = pythonize::depythonize(value).map_err(|e| {
                errors::raise::<TopologyError>(
                    py,
                    format!("the topology dict is not plain data (str keys; str, int, float, bool, list, dict, None values): {e}"),
                    Details::default(),
                )
            })?;
            let expansion = if expand_env {
                Expansion::from_environment()
            } else {
                Expansion::Off
            };
            core::Topology::from_value_with(value, &expansion)
                .map(Topology::new)
                .map_err(|e| errors::load_error(py, &e))
        })
    }

    /// The JSON Schema of a topology file, as a dict.
    #[staticmethod]
    fn json_schema(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        guarded("building the JSON Schema", || {
            errors::to_python(py, &core::Topology::json_schema())
        })
    }

    /// The file this topology was read from, if any.
    #[getter]
    fn file(&self) -> Option<&str> {
        self.layout.topology.provenance.source.file.as_deref()
    }

    /// The resolved layout: `{"hosts": [...], "instances": [...]}`; secrets print as `***`.
    fn layout<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guarded("converting the layout", || {
            errors::to_python(py, &self.layout)
        })
    }

    /// Runs every rule; diagnostics come errors first. Never raises for findings.
    fn check<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, Diagnostic>>> {
        guarded("checking the topology", || {
            diagnostic::list(py, &core::check(&self.layout).diagnostics)
        })
    }

    /// The check as `rctopo check --format json` prints it:
    /// `{"diagnostics": [...], "errors": n, "warnings": n}`.
    fn report<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        guarded("checking the topology", || {
            diagnostic::report_dict(py, &core::check(&self.layout))
        })
    }

    /// Asks the running replica set (every member directly, `timeout` seconds per phase) and
    /// judges its answers (rules L001-L018). Releases the GIL while it waits.
    #[pyo3(signature = (timeout = 5.0))]
    fn probe<'py>(&self, py: Python<'py>, timeout: f64) -> PyResult<Bound<'py, PyDict>> {
        crate::probe::run(py, &self.layout, timeout)
    }

    /// The files of `target` (`systemd`, `nginx`, `apache`, `haproxy`, `mongod`, `mermaid` or
    /// `all`), with the instances in `drained` (ids like `app1:3001`) out of rotation. Raises
    /// `TopologyError` with the diagnostics when the check finds errors.
    // `drained = None`, not an empty list: a default pyo3 cannot spell shows as `...` in the
    // signature Python tools read.
    #[pyo3(signature = (target = "all", drained = None))]
    fn render(
        &self,
        py: Python<'_>,
        target: &str,
        drained: Option<Vec<String>>,
    ) -> PyResult<Vec<RenderedFile>> {
        guarded("rendering", || {
            let target: Target = target
                .parse()
                .map_err(|e| render_error(py, &self.layout, &e))?;
            let options = RenderOptions {
                drained: drained.into_iter().flatten().collect(),
            };
            render::render_with(&self.layout, target, &options)
                .map(|files| files.into_iter().map(RenderedFile::from).collect())
                .map_err(|e| render_error(py, &self.layout, &e))
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "<Topology {} host(s), {} instance(s) from {}>",
            self.layout.hosts.len(),
            self.layout.instances.len(),
            self.file().unwrap_or("<text>")
        )
    }
}

/// A render error as `TopologyError`; a refused check carries that check's error diagnostics.
fn render_error(py: Python<'_>, layout: &Layout, e: &RenderError) -> PyErr {
    errors::raise::<TopologyError>(
        py,
        e.to_string(),
        Details {
            diagnostics: &e.diagnostics(),
            file: layout.topology.provenance.source.file.as_deref(),
            ..Details::default()
        },
    )
}
