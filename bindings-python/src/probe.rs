//! `Topology.probe`: the live probe, run with the GIL released (it waits on the network).

use crate::errors::{self, Details, TopologyError};
use crate::guard::guarded;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rocketchat_topology::probe::{self, ProbeOptions};
use rocketchat_topology::Layout;
use std::time::Duration;

/// Probes `layout`'s replica set; `{"diagnostics", "errors", "warnings", "members"}` as
/// `rctopo probe --format json` prints it. Raises `TopologyError` when there is nothing to ask.
pub fn run<'py>(py: Python<'py>, layout: &Layout, timeout: f64) -> PyResult<Bound<'py, PyDict>> {
    if !(timeout.is_finite() && timeout > 0.0 && timeout <= 3600.0) {
        return Err(PyValueError::new_err(format!(
            "timeout must be seconds between 0 and 3600, not {timeout}"
        )));
    }
    let options = ProbeOptions {
        timeout: Duration::from_secs_f64(timeout),
    };
    // Other Python threads (and servers scripted in Python) run while the probe waits.
    let result = py.detach(|| {
        guarded("probing the replica set", || {
            Ok(probe::probe(layout, &options))
        })
    })?;
    match result {
        Ok(report) => Ok(errors::to_python(py, &report.to_json())?.cast_into::<PyDict>()?),
        Err(e) => Err(errors::raise::<TopologyError>(
            py,
            e.to_string(),
            Details::default(),
        )),
    }
}
