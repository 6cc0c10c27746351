//! Typed exceptions, all `ValueError`s, carrying what the core reported: `diagnostics` (a list
//! of `Diagnostic`), and for load errors the field `path`, `location` (line, column) and `file`.
//! A topology file that does not exist is also a `FileNotFoundError`, as Python code expects.
//!
//! Raising stays cheap: what an error does not carry is not set on it. The classes hold `None`
//! for `path`, `location` and `file`, and give an error raised without findings its empty
//! `diagnostics` list when it is first read ([`install_defaults`]).

use crate::diagnostic;
use pyo3::create_exception;
use pyo3::exceptions::{PyFileNotFoundError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};
use pyo3::PyTypeInfo;
use rocketchat_topology as core;
use serde::Serialize;
use std::path::Path;

create_exception!(
    rocketchat_topology,
    TopologyError,
    PyValueError,
    "A topology that cannot be loaded, rendered or used; `.diagnostics` says why."
);
create_exception!(
    rocketchat_topology,
    MongoUrlError,
    PyValueError,
    "A MongoDB connection string that cannot be parsed; `.diagnostics` says why."
);
create_exception!(
    rocketchat_topology,
    PlanError,
    PyValueError,
    "A rollout that cannot be planned safely; `.diagnostics` says why."
);
create_exception!(
    rocketchat_topology,
    InternalError,
    PyRuntimeError,
    "A bug in rocketchat-topology (a Rust panic), caught before it reached the interpreter."
);

/// What an exception carries besides its message.
#[derive(Default)]
pub struct Details<'a> {
    pub diagnostics: &'a [core::Diagnostic],
    pub path: Option<&'a str>,
    pub location: Option<core::Location>,
    pub file: Option<&'a str>,
}

/// Builds an exception of type `E` with `message` and the attributes of `details`.
pub fn raise<E: PyTypeInfo>(py: Python<'_>, message: String, details: Details<'_>) -> PyErr {
    let err = PyErr::from_type(py.get_type::<E>(), message);
    if let Err(failed) = attach(py, &err, &details) {
        return failed;
    }
    err
}

/// Sets on the raised value only what differs from its class's defaults.
fn attach(py: Python<'_>, err: &PyErr, details: &Details<'_>) -> PyResult<()> {
    let value = err.value(py);
    if !details.diagnostics.is_empty() {
        value.setattr("diagnostics", diagnostic::list(py, details.diagnostics)?)?;
    }
    if let Some(path) = details.path {
        value.setattr("path", path)?;
    }
    if let Some(l) = details.location {
        value.setattr("location", (l.line, l.column))?;
    }
    if let Some(file) = details.file {
        value.setattr("file", file)?;
    }
    Ok(())
}

/// `[]`: the `diagnostics` of an error raised without findings.
#[pyfunction]
fn no_diagnostics<'py>(_error: &Bound<'py, PyAny>) -> Vec<Bound<'py, diagnostic::Diagnostic>> {
    Vec::new()
}

/// The defaults of the attributes [`attach`] leaves unset, on each class that carries them:
/// `path`, `location` and `file` are `None`; `diagnostics` is worked out on first read, so an
/// error's empty list is made only when read, and then kept (the same list on every read, its
/// own to append to).
pub fn install_defaults(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let empty = wrap_pyfunction!(no_diagnostics, m)?;
    for class in [
        py.get_type::<TopologyError>(),
        py.get_type::<MongoUrlError>(),
        py.get_type::<PlanError>(),
    ] {
        for name in ["path", "location", "file"] {
            class.setattr(name, py.None())?;
        }
        set_cached_property(&class, "diagnostics", &empty)?;
    }
    Ok(())
}

/// Sets `class.name` to a `functools.cached_property` of `getter`: computed on first read and
/// kept in the instance's `__dict__`, where an assignment also goes (the attribute stays
/// writable, as a plain attribute set at raise time was).
pub fn set_cached_property(
    class: &Bound<'_, PyType>,
    name: &str,
    getter: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let py = class.py();
    let cached = py
        .import("functools")?
        .getattr("cached_property")?
        .call1((getter,))?;
    // Called by `class` statements only; this class is made by pyo3.
    cached.call_method1("__set_name__", (class, name))?;
    class.setattr(name, cached)
}

/// A load error as `TopologyError`, with the field path, line:column and file.
pub fn load_error(py: Python<'_>, e: &core::LoadError) -> PyErr {
    raise::<TopologyError>(
        py,
        e.to_string(),
        Details {
            path: e.path(),
            location: e.location(),
            file: e.file(),
            ..Details::default()
        },
    )
}

/// `TopologyFileNotFoundError(FileNotFoundError, TopologyError)`, made once per interpreter:
/// `create_exception!` takes a single base. FileNotFoundError comes first so OSError's
/// constructor fills `errno`, `strerror` and `filename`.
static FILE_NOT_FOUND: PyOnceLock<Py<PyType>> = PyOnceLock::new();

pub fn file_not_found_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    let ty = FILE_NOT_FOUND.get_or_try_init(py, || -> PyResult<Py<PyType>> {
        let namespace = PyDict::new(py);
        namespace.set_item("__module__", "rocketchat_topology")?;
        namespace.set_item(
            "__doc__",
            "A topology file that does not exist: a FileNotFoundError and a TopologyError.",
        )?;
        let bases = (
            py.get_type::<PyFileNotFoundError>(),
            py.get_type::<TopologyError>(),
        );
        let made =
            py.get_type::<PyType>()
                .call1(("TopologyFileNotFoundError", bases, namespace))?;
        Ok(made.cast_into::<PyType>()?.unbind())
    })?;
    Ok(ty.bind(py))
}

/// A load error of `Topology.load(path)`: `TopologyFileNotFoundError` when the file is not
/// there, else `TopologyError`.
pub fn load_file_error(py: Python<'_>, path: &Path, e: &core::LoadError) -> PyErr {
    if !matches!(path.try_exists(), Ok(false)) {
        return load_error(py, e);
    }
    let file = path.display().to_string();
    let made = file_not_found_type(py).and_then(|ty| {
        // errno 2 (ENOENT) makes it what `open()` raises for a missing file.
        ty.call1((2, "No such file or directory", file.as_str()))
    });
    let err = match made {
        Ok(value) => PyErr::from_value(value),
        Err(failed) => return failed,
    };
    let details = Details {
        file: Some(&file),
        ..Details::default()
    };
    if let Err(failed) = attach(py, &err, &details) {
        return failed;
    }
    err
}

/// A serde value (already redacted by its `Serialize`) as plain Python data.
pub fn to_python<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value).map_err(|e| {
        InternalError::new_err(format!(
            "internal error in rocketchat-topology converting a result: {e}"
        ))
    })
}
