//! `plan(current, desired, **policy)` and the `Plan` it returns.

use crate::errors::{self, Details, PlanError};
use crate::guard::guarded;
use crate::topology::Topology;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use rocketchat_topology::plan::{self as core_plan, CommandSet, Policy, ShellOptions};
use rocketchat_topology::{self as core, Layout};

/// A simulated rollout, with the desired layout its shell form needs.
#[pyclass(frozen, module = "rocketchat_topology")]
pub struct Plan {
    plan: core::Plan,
    desired: Layout,
}

/// Plans the rollout from `current` (None: a fresh install) to `desired`. Keyword arguments are
/// the policy (`max_unavailable=1`, `max_surge="25%"`, `canary=1`, `health={...}`, ...).
#[pyfunction]
#[pyo3(signature = (current, desired, **policy))]
pub fn plan(
    py: Python<'_>,
    current: Option<PyRef<'_, Topology>>,
    desired: PyRef<'_, Topology>,
    policy: Option<&Bound<'_, PyDict>>,
) -> PyResult<Plan> {
    guarded("planning", || {
        let policy: Policy = match policy {
            Some(kwargs) => {
                refuse_unknown_keywords(kwargs)?;
                Policy::from_value(settings(py, kwargs)?)
                    .map_err(|e| plan_error(py, e.to_string(), &[]))?
            }
            None => Policy::default(),
        };
        let desired = desired.layout_ref();
        core_plan::plan(current.as_ref().map(|c| c.layout_ref()), desired, &policy)
            .map(|plan| Plan {
                plan,
                desired: desired.clone(),
            })
            .map_err(|e| plan_error(py, e.to_string(), &e.diagnostics()))
    })
}

/// A misspelled keyword is a `TypeError`, as for any Python function; the policy's fields are
/// the keys of the default policy's serialised form.
fn refuse_unknown_keywords(kwargs: &Bound<'_, PyDict>) -> PyResult<()> {
    let defaults = serde_json::to_value(Policy::default()).unwrap_or_default();
    let known: Vec<&String> = defaults
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    for key in kwargs.keys() {
        let key: String = key.extract()?;
        if !known.iter().any(|k| **k == key) {
            let names: Vec<&str> = known.iter().map(|k| k.as_str()).collect();
            return Err(PyTypeError::new_err(format!(
                "plan() got an unexpected keyword argument '{key}': the policy keywords are {}",
                names.join(", ")
            )));
        }
    }
    Ok(())
}

/// A dict of settings as the JSON value core reads them from; a value JSON cannot hold (a set,
/// an object) is named as such.
fn settings(py: Python<'_>, dict: &Bound<'_, PyDict>) -> PyResult<serde_json::Value> {
    pythonize::depythonize(dict.as_any()).map_err(|e| plan_error(py, e.to_string(), &[]))
}

fn plan_error(py: Python<'_>, message: String, diagnostics: &[core::Diagnostic]) -> PyErr {
    errors::raise::<PlanError>(
        py,
        message,
        Details {
            diagnostics,
            ..Details::default()
        },
    )
}

#[pymethods]
impl Plan {
    /// Every step: `{"id", "wave", "host", "action": {"kind", ...}, "description"}`.
    #[getter]
    fn steps<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        errors::to_python(py, &self.plan.steps)
    }

    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        errors::to_python(py, &self.plan.summary)
    }

    /// The steps grouped by wave, in wave order: `waves[0]` is every step of the first wave.
    #[getter]
    fn waves<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        errors::to_python(py, &self.plan.waves())
    }

    /// `rctopo plan --format json` as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        errors::to_python(py, &self.plan.to_json())
    }

    /// `rctopo plan --format json` as text.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string_pretty(&self.plan.to_json())
            .map_err(|e| crate::errors::InternalError::new_err(e.to_string()))
    }

    /// `rctopo plan --format text`.
    fn to_text(&self) -> String {
        self.plan.to_text()
    }

    /// The plan as bash scripts, as `rctopo plan --format shell --out DIR` writes them:
    /// `[{"name", "host", "rollback", "text"}]`, one per run of steps on a machine (or one over
    /// ssh with `ssh=True`), then the rollback scripts. `commands` replaces the default commands.
    #[pyo3(signature = (ssh = false, commands = None))]
    fn to_shell<'py>(
        &self,
        py: Python<'py>,
        ssh: bool,
        commands: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyList>> {
        guarded("writing the plan's shell scripts", || {
            let commands: CommandSet = match commands {
                Some(c) => CommandSet::from_value(settings(py, c)?)
                    .map_err(|e| plan_error(py, e.to_string(), &[]))?,
                None => CommandSet::default(),
            };
            let options = ShellOptions { ssh, commands };
            let scripts = PyList::empty(py);
            for s in self.plan.to_shell(&self.desired, &options) {
                let d = PyDict::new(py);
                d.set_item("name", s.name)?;
                d.set_item("host", s.host)?;
                d.set_item("rollback", s.rollback)?;
                d.set_item("text", s.text)?;
                scripts.append(d)?;
            }
            Ok(scripts)
        })
    }

    fn __repr__(&self) -> String {
        let waves = self.plan.steps.last().map_or(0, |s| s.wave);
        format!(
            "<Plan {} step(s), last wave {}>",
            self.plan.steps.len(),
            waves
        )
    }
}
