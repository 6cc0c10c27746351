//! `Diagnostic`: one finding of the checker, as a read-only Python object.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use rocketchat_topology as core;

#[pyclass(frozen, module = "rocketchat_topology", from_py_object)]
#[derive(Clone)]
pub struct Diagnostic {
    inner: core::Diagnostic,
}

impl From<core::Diagnostic> for Diagnostic {
    fn from(inner: core::Diagnostic) -> Self {
        Diagnostic { inner }
    }
}

#[pymethods]
impl Diagnostic {
    /// Stable rule code, e.g. `T005`.
    #[getter]
    fn code(&self) -> &str {
        &self.inner.code
    }

    /// Kebab-case rule name, e.g. `duplicate-port`.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// `error`, `warning` or `info`.
    #[getter]
    fn severity(&self) -> &'static str {
        self.inner.severity.as_str()
    }

    /// Field path in the topology file, e.g. `hosts[1].ports[0]`.
    #[getter]
    fn path(&self) -> &str {
        &self.inner.path
    }

    #[getter]
    fn message(&self) -> &str {
        &self.inner.message
    }

    #[getter]
    fn help(&self) -> &str {
        &self.inner.help
    }

    /// `(line, column)`, 1-based, when the topology was read from text.
    #[getter]
    fn location(&self) -> Option<(usize, usize)> {
        self.inner.location.map(|l| (l.line, l.column))
    }

    /// The same dict as one entry of `rctopo check --format json`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::errors::to_python(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        let d = &self.inner;
        format!(
            "<Diagnostic {} {} {} at {}: {}>",
            d.severity, d.code, d.name, d.path, d.message
        )
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Diagnostic>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (&self.inner.code, &self.inner.path, &self.inner.message).hash(&mut h);
        h.finish()
    }
}

/// Diagnostics as a Python list of `Diagnostic`.
pub fn list<'py>(
    py: Python<'py>,
    diagnostics: &[core::Diagnostic],
) -> PyResult<Vec<Bound<'py, Diagnostic>>> {
    diagnostics
        .iter()
        .map(|d| Bound::new(py, Diagnostic::from(d.clone())))
        .collect()
}

/// `{"diagnostics": [...], "errors": n, "warnings": n}`, as `rctopo check --format json` prints.
pub fn report_dict<'py>(py: Python<'py>, report: &core::Report) -> PyResult<Bound<'py, PyDict>> {
    let value = crate::errors::to_python(py, &report.to_json())?;
    Ok(value.cast_into::<PyDict>()?)
}
