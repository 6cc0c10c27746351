//! Python bindings of `rocketchat-topology`: conversion only. Every behaviour lives in the core
//! crate; this crate turns its values into Python objects (pythonize for serde types) and its
//! errors into typed exceptions, and keeps Rust panics from reaching the interpreter.

mod diagnostic;
mod errors;
mod guard;
mod mongo_url;
mod plan;
mod probe;
mod rendered;
mod topology;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("TopologyError", py.get_type::<errors::TopologyError>())?;
    m.add("MongoUrlError", py.get_type::<errors::MongoUrlError>())?;
    m.add("PlanError", py.get_type::<errors::PlanError>())?;
    m.add("InternalError", py.get_type::<errors::InternalError>())?;
    m.add(
        "TopologyFileNotFoundError",
        errors::file_not_found_type(py)?,
    )?;
    m.add_class::<topology::Topology>()?;
    m.add_class::<diagnostic::Diagnostic>()?;
    m.add_class::<rendered::RenderedFile>()?;
    m.add_class::<plan::Plan>()?;
    m.add_function(wrap_pyfunction!(plan::plan, m)?)?;
    m.add_class::<mongo_url::MongoUrl>()?;
    m.add_function(wrap_pyfunction!(mongo_url::check_mongo_urls, m)?)?;
    errors::install_defaults(m)?;
    mongo_url::install_properties(m)?;
    // Set, not added: `add` would list the test hook in `__all__`.
    m.setattr(
        "_panic_for_test",
        wrap_pyfunction!(guard::_panic_for_test, m)?,
    )?;
    Ok(())
}
