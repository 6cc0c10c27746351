//! `topology.probe({ timeoutMs })`: the live probe on libuv's thread pool, resolved as a Promise
//! so the event loop keeps running while it waits on the network.

use crate::error::{js_error, ErrorCode, ErrorDetails};
use crate::report::{diagnostics, saturating_u32, Diagnostic};
use napi::{Env, Error, Result, Task};
use napi_derive::napi;
use rocketchat_topology as core;
use rocketchat_topology::probe::{self, ProbeError, ProbeReport as CoreReport};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

/// How long the probe may wait.
#[napi(object)]
#[derive(Debug, Default, Clone, Copy)]
pub struct ProbeOptions {
    /// Milliseconds per phase (members answer concurrently, then the oplog is read); default 5000.
    pub timeout_ms: Option<u32>,
}

/// What one member answered.
#[napi(object)]
#[derive(Debug)]
pub struct ProbeMember {
    /// `host:port` as asked.
    pub host: String,
    /// Whether it answered (even if it then refused the credentials).
    pub reachable: bool,
    /// `PRIMARY`, `SECONDARY`, `ARBITER`, `OTHER` or `STANDALONE`, when it answered `hello`.
    pub state: Option<String>,
    /// `buildInfo.version`.
    pub version: Option<String>,
}

/// The probe's report: `rctopo probe --format json`, field for field.
#[napi(object)]
#[derive(Debug)]
pub struct ProbeReport {
    /// Errors first, then by code and path (rules L001-L018).
    pub diagnostics: Vec<Diagnostic>,
    pub errors: u32,
    pub warnings: u32,
    pub members: Vec<ProbeMember>,
}

impl From<CoreReport> for ProbeReport {
    fn from(r: CoreReport) -> Self {
        ProbeReport {
            errors: saturating_u32(r.report.errors()),
            warnings: saturating_u32(r.report.warnings()),
            diagnostics: diagnostics(r.report),
            members: r
                .members
                .into_iter()
                .map(|m| ProbeMember {
                    host: m.host,
                    reachable: m.reachable,
                    state: m.state,
                    version: m.version,
                })
                .collect(),
        }
    }
}

/// The probe, run off the JavaScript thread.
pub struct ProbeTask {
    layout: core::Layout,
    options: probe::ProbeOptions,
}

impl ProbeTask {
    pub fn new(layout: core::Layout, options: Option<ProbeOptions>) -> Result<ProbeTask> {
        let ms = options.unwrap_or_default().timeout_ms.unwrap_or(5000);
        if ms == 0 || ms > 3_600_000 {
            return Err(Error::from_reason(format!(
                "timeoutMs must be between 1 and 3600000, not {ms}"
            )));
        }
        Ok(ProbeTask {
            layout,
            options: probe::ProbeOptions {
                timeout: Duration::from_millis(u64::from(ms)),
            },
        })
    }
}

impl Task for ProbeTask {
    type Output = std::result::Result<CoreReport, ProbeError>;
    type JsValue = ProbeReport;

    fn compute(&mut self) -> Result<Self::Output> {
        // A panic on the worker thread must reject the Promise, not abort Node.
        catch_unwind(AssertUnwindSafe(|| {
            probe::probe(&self.layout, &self.options)
        }))
        .map_err(|_| {
            Error::from_reason(
                "internal error in rocketchat-topology while probing (please report it)",
            )
        })
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> Result<ProbeReport> {
        output.map(ProbeReport::from).map_err(|e| {
            js_error(
                &env,
                e.to_string(),
                ErrorDetails::new(ErrorCode::TopologyError),
            )
        })
    }
}
