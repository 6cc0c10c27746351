//! JavaScript errors: an `Error` whose `code` names what failed (`TopologyError`, `RenderError`,
//! ...) and whose `diagnostics` holds the findings that caused it (empty when none apply).

use crate::report::{Diagnostic, Location};
use napi::bindgen_prelude::{JsValue, Object};
use napi::{Env, Error, Result};
use napi_derive::napi;

/// The `code` property of every error this package throws.
#[napi(string_enum)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The topology could not be read: syntax, a bad field, an unset `${NAME}`.
    TopologyError,
    /// Files could not be rendered (an unknown target, or a topology whose check has errors).
    RenderError,
    /// The planner refused the rollout, or the policy is invalid.
    PlanError,
    /// A MongoDB connection string Rocket.Chat's driver would reject.
    MongoUrlError,
}

impl ErrorCode {
    fn as_str(self) -> &'static str {
        match self {
            ErrorCode::TopologyError => "TopologyError",
            ErrorCode::RenderError => "RenderError",
            ErrorCode::PlanError => "PlanError",
            ErrorCode::MongoUrlError => "MongoUrlError",
        }
    }
}

/// The fields every thrown `Error` carries besides `message`:
/// `catch (e) { const err = e as Error & ErrorDetails }`.
#[napi(object)]
pub struct ErrorDetails {
    pub code: ErrorCode,
    /// The field path the error concerns (`hosts[0].cores`), when it concerns one.
    pub path: Option<String>,
    /// Where that field sits in the file, when known.
    pub location: Option<Location>,
    /// The findings that caused the error; empty when none apply.
    pub diagnostics: Vec<Diagnostic>,
    /// MongoUrlError: the part of the URL at fault (syntax, userinfo, host, database, option,
    /// conflict, auth).
    pub kind: Option<String>,
    /// MongoUrlError: how to fix the URL.
    pub help: Option<String>,
}

impl ErrorDetails {
    pub fn new(code: ErrorCode) -> Self {
        ErrorDetails {
            code,
            path: None,
            location: None,
            diagnostics: Vec::new(),
            kind: None,
            help: None,
        }
    }
}

/// Builds the JavaScript `Error` to throw. If building it fails, falls back to a plain error
/// with the same message, so the caller still sees what went wrong.
pub fn js_error(env: &Env, message: String, details: ErrorDetails) -> Error {
    let code = details.code;
    match build(env, &message, details) {
        Ok(error) => error,
        Err(_) => Error::from_reason(format!("{}: {message}", code.as_str())),
    }
}

fn build(env: &Env, message: &str, details: ErrorDetails) -> Result<Error> {
    let mut object: Object = env.create_error(Error::from_reason(message))?;
    object.set("code", details.code.as_str())?;
    if let Some(path) = details.path {
        object.set("path", path)?;
    }
    if let Some(location) = details.location {
        object.set("location", location)?;
    }
    object.set("diagnostics", details.diagnostics)?;
    if let Some(kind) = details.kind {
        object.set("kind", kind)?;
    }
    if let Some(help) = details.help {
        object.set("help", help)?;
    }
    Ok(Error::from(object.to_unknown()))
}

/// A topology load error as a JavaScript error.
pub fn load_error(env: &Env, e: &rocketchat_topology::LoadError) -> Error {
    let details = ErrorDetails {
        path: e.path().map(str::to_string),
        location: e.location().map(Location::from),
        ..ErrorDetails::new(ErrorCode::TopologyError)
    };
    js_error(env, e.to_string(), details)
}
