//! A panic in Rust must never take the interpreter down. pyo3 already turns a panic into
//! `PanicException`, but that derives from `BaseException` and slips past `except Exception`;
//! every call into the core goes through [`guarded`], which turns it into `InternalError`.

use crate::errors::InternalError;
use pyo3::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `f`, turning a panic into `InternalError` with the panic's message.
pub fn guarded<T>(what: &str, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => {
            let detail = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("no message");
            Err(InternalError::new_err(format!(
                "internal error in rocketchat-topology while {what}: {detail} (please report it)"
            )))
        }
    }
}

/// Panics inside the guard, so tests can prove a panic surfaces as `InternalError`.
#[pyfunction]
pub fn _panic_for_test() -> PyResult<()> {
    guarded("running the panic self-test", || {
        panic!("deliberate panic from the self-test")
    })
}
