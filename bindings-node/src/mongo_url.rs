//! MongoDB connection strings: `MongoUrl.parse(s)` and `checkMongoUrls(url, oplogUrl?, version?)`.
//! The password never crosses into JavaScript: `redacted()` and `toString()` print `***`.

use crate::error::{js_error, ErrorCode, ErrorDetails};
use crate::report::Diagnostic;
use crate::text::Text;
use napi::bindgen_prelude::Either;
use napi::{Env, Result};
use napi_derive::napi;
use rocketchat_topology::mongo_url as core;
use rocketchat_topology::Version;
use serde_json::Value;
use std::collections::BTreeMap;

/// A connection string Rocket.Chat's driver accepts, cut into its parts.
#[napi]
pub struct MongoUrl {
    url: core::MongoUrl,
}

#[napi]
impl MongoUrl {
    /// Parses `url`, failing exactly where Rocket.Chat's driver would. Throws a `MongoUrlError`
    /// whose `kind` names the part at fault and whose `help` says how to fix it.
    #[napi(factory, catch_unwind)]
    pub fn parse(env: Env, #[napi(ts_arg_type = "string")] url: Text) -> Result<MongoUrl> {
        core::MongoUrl::parse(&url.0)
            .map(|url| MongoUrl { url })
            .map_err(|e| mongo_url_error(&env, &e))
    }

    /// `parse` without the throw, for the package's `MongoUrl.parse` (index.js): the parsed URL,
    /// or the refusal as one string, `kind:message` (a kind is a word without `:`). index.js
    /// builds the `MongoUrlError` in JavaScript: an `Error` made through N-API costs several
    /// times the parse. One string is the cheapest answer to hand over (an array of two cost a
    /// tenth of a rejected URL in `napi_set_element`), and it keeps a refusal off the garbage
    /// collector's finalizer list, where an `External` holding the core error went; the help is
    /// worked out by `_refusalHelp` from the URL, only when it is read.
    #[napi(js_name = "_tryParse", skip_typescript, catch_unwind)]
    pub fn try_parse(url: Text) -> Either<MongoUrl, String> {
        match core::MongoUrl::parse(&url.0) {
            Ok(url) => Either::A(MongoUrl { url }),
            Err(e) => {
                // Pushed rather than `format!`ed: the formatting machinery costs more than the
                // copy on this path, which a rejected URL takes every time.
                let (kind, message) = (e.kind().as_str(), e.message());
                let mut refusal = String::with_capacity(kind.len() + 1 + message.len());
                refusal.push_str(kind);
                refusal.push(':');
                refusal.push_str(message);
                Either::B(refusal)
            }
        }
    }

    /// How to fix `url`, which `_tryParse` refused (parsing is deterministic, so parsing it
    /// again gives the same error); `null` for a URL the driver accepts.
    #[napi(js_name = "_refusalHelp", skip_typescript, catch_unwind)]
    pub fn refusal_help(url: Text) -> Option<String> {
        core::MongoUrl::parse(&url.0)
            .err()
            .map(|e| e.help().to_string())
    }

    #[napi(getter, catch_unwind, ts_return_type = "'mongodb' | 'mongodb+srv'")]
    pub fn scheme(&self) -> String {
        self.url.scheme.as_str().to_string()
    }

    #[napi(getter, catch_unwind)]
    pub fn hosts(&self) -> Vec<MongoHost> {
        self.url.hosts.iter().map(MongoHost::from).collect()
    }

    #[napi(getter, catch_unwind)]
    pub fn username(&self) -> Option<String> {
        self.url.username.as_deref().map(String::from)
    }

    /// Whether the URL carries a non-empty password (the password itself is never exposed).
    #[napi(getter, catch_unwind)]
    pub fn has_password(&self) -> bool {
        self.url.has_password()
    }

    /// The database in the path, or the `dbName` option.
    #[napi(getter, catch_unwind)]
    pub fn database(&self) -> Option<String> {
        self.url.database.as_deref().map(String::from)
    }

    /// Lowercased option name -> value, as the driver read it. Secret values are `***`.
    #[napi(getter, catch_unwind, ts_return_type = "Record<string, unknown>")]
    pub fn options(&self) -> BTreeMap<&'static str, Value> {
        // napi turns a BTreeMap into a JavaScript object, in name order as the map lists them.
        self.url
            .options
            .iter()
            .map(|(name, value)| (*name, value.to_value()))
            .collect()
    }

    /// What the driver would warn about (deprecated options, repeated names).
    #[napi(getter, catch_unwind)]
    pub fn warnings(&self) -> Vec<String> {
        self.url.warnings.clone()
    }

    #[napi(getter, catch_unwind)]
    pub fn auth_mechanism(&self) -> Option<String> {
        self.url.auth_mechanism.as_deref().map(String::from)
    }

    #[napi(getter, catch_unwind)]
    pub fn replica_set(&self) -> Option<String> {
        self.url.replica_set().map(str::to_string)
    }

    /// Where the driver authenticates: `authSource`, else the database, else `admin`.
    #[napi(getter, catch_unwind)]
    pub fn auth_db(&self) -> String {
        self.url.effective_auth_db().to_string()
    }

    /// The URL rebuilt from its parts with the password as `***`.
    #[napi(catch_unwind)]
    pub fn redacted(&self) -> String {
        self.url.redacted()
    }

    /// Same as `redacted()`, so string interpolation never shows the password.
    #[napi(js_name = "toString", catch_unwind)]
    pub fn to_js_string(&self) -> String {
        self.url.redacted()
    }
}

/// One host of the list.
#[napi(object)]
pub struct MongoHost {
    pub host: String,
    /// Absent for unix sockets and `mongodb+srv` service names.
    pub port: Option<u32>,
    #[napi(
        js_name = "type",
        ts_type = "'ipv4' | 'ip_literal' | 'hostname' | 'unix'"
    )]
    pub kind: String,
}

impl From<&core::Host> for MongoHost {
    fn from(h: &core::Host) -> Self {
        MongoHost {
            host: h.host.to_string(),
            port: h.port.map(u32::from),
            kind: h.kind.as_str().to_string(),
        }
    }
}

/// The credentials part of a report; never the password.
#[napi(object)]
pub struct UrlAuth {
    pub username: String,
    /// The database the driver authenticates against.
    pub db: String,
    pub mechanism: Option<String>,
}

/// An error of the driver's verdict.
#[napi(object)]
pub struct UrlError {
    #[napi(ts_type = "'MONGO_URL' | 'MONGO_OPLOG_URL'")]
    pub url: String,
    /// The part at fault: syntax, userinfo, host, database, option, conflict, auth.
    pub kind: String,
    pub message: String,
    pub help: String,
}

/// One URL, parsed (the oplog URL in a report).
#[napi(object)]
pub struct UrlParts {
    pub valid: bool,
    #[napi(ts_type = "'mongodb' | 'mongodb+srv'")]
    pub scheme: Option<String>,
    pub hosts: Vec<MongoHost>,
    pub auth: Option<UrlAuth>,
    pub database: Option<String>,
    #[napi(ts_type = "Record<string, unknown>")]
    pub options: BTreeMap<String, Value>,
    pub warnings: Vec<String>,
}

/// What `rctopo mongo-url --format json` prints: MONGO_URL's parts, the driver's verdict for
/// both URLs in `errors`, and Rocket.Chat's rules in `diagnostics`.
#[napi(object)]
pub struct UrlReport {
    /// Whether Rocket.Chat's driver accepts the URL (and the oplog URL, when given).
    pub valid: bool,
    #[napi(ts_type = "'mongodb' | 'mongodb+srv'")]
    pub scheme: Option<String>,
    pub hosts: Vec<MongoHost>,
    pub auth: Option<UrlAuth>,
    pub database: Option<String>,
    #[napi(ts_type = "Record<string, unknown>")]
    pub options: BTreeMap<String, Value>,
    pub warnings: Vec<String>,
    pub errors: Vec<UrlError>,
    pub diagnostics: Vec<Diagnostic>,
    pub oplog: Option<UrlParts>,
}

fn auth(a: core::UrlAuth) -> UrlAuth {
    UrlAuth {
        username: a.username,
        db: a.db,
        mechanism: a.mechanism,
    }
}

fn hosts(hosts: &[core::Host]) -> Vec<MongoHost> {
    hosts.iter().map(MongoHost::from).collect()
}

impl From<core::CheckedUrl> for UrlParts {
    fn from(c: core::CheckedUrl) -> Self {
        let p = c.parts;
        UrlParts {
            valid: c.valid,
            scheme: p.scheme.map(str::to_string),
            hosts: hosts(&p.hosts),
            auth: p.auth.map(auth),
            database: p.database,
            options: p
                .options
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value.into()))
                .collect(),
            warnings: p.warnings,
        }
    }
}

impl From<core::UrlError> for UrlError {
    fn from(e: core::UrlError) -> Self {
        UrlError {
            url: e.url.to_string(),
            kind: e.kind.to_string(),
            message: e.message,
            help: e.help,
        }
    }
}

impl From<core::UrlReport> for UrlReport {
    fn from(r: core::UrlReport) -> Self {
        // The JavaScript report lists MONGO_URL's parts at its top level, as the JSON does.
        let UrlParts {
            scheme,
            hosts,
            auth,
            database,
            options,
            warnings,
            ..
        } = core::CheckedUrl {
            valid: r.valid,
            parts: r.parts,
        }
        .into();
        UrlReport {
            valid: r.valid,
            scheme,
            hosts,
            auth,
            database,
            options,
            warnings,
            errors: r.errors.into_iter().map(UrlError::from).collect(),
            diagnostics: r.diagnostics.into_iter().map(Diagnostic::from).collect(),
            oplog: r.oplog.map(UrlParts::from),
        }
    }
}

/// Checks MONGO_URL (and MONGO_OPLOG_URL) as Rocket.Chat `rocketchatVersion` would use them:
/// the driver's verdict plus the M rules (version-dependent rules are skipped without a version).
/// Throws a `MongoUrlError` only when `rocketchatVersion` is not a version; a bad URL is reported.
#[napi(catch_unwind)]
pub fn check_mongo_urls(
    env: Env,
    #[napi(ts_arg_type = "string")] url: Text,
    #[napi(ts_arg_type = "string | undefined | null")] oplog_url: Option<Text>,
    rocketchat_version: Option<String>,
) -> Result<UrlReport> {
    let version = match rocketchat_version {
        None => None,
        Some(v) => Some(v.parse::<Version>().map_err(|e| {
            let details = ErrorDetails {
                path: Some("rocketchatVersion".to_string()),
                ..ErrorDetails::new(ErrorCode::MongoUrlError)
            };
            js_error(&env, format!("rocketchatVersion: {e}"), details)
        })?),
    };
    let oplog_url = oplog_url.as_ref().map(|t| t.0.as_str());
    Ok(core::check_urls(&url.0, oplog_url, version).into())
}

fn mongo_url_error(env: &Env, e: &core::MongoUrlError) -> napi::Error {
    let details = ErrorDetails {
        kind: Some(e.kind().as_str().to_string()),
        help: Some(e.help().to_string()),
        ..ErrorDetails::new(ErrorCode::MongoUrlError)
    };
    js_error(env, e.to_string(), details)
}
