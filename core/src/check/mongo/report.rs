//! What `rctopo mongo-url` (and the bindings) report about a MONGO_URL and an optional
//! MONGO_OPLOG_URL: the parsed parts, the driver's verdict and the Rocket.Chat rules on top.

use super::{url_diagnostics, UrlContext};
use crate::diagnostic::{Diagnostic, Severity};
use crate::mongo_url::{Host, MongoUrl, MongoUrlError, OptionMap};
use crate::version::Version;
use serde::Serialize;
use serde_json::Value;

/// The credentials part of a report; never the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UrlAuth {
    /// The user name.
    pub username: String,
    /// The database the driver authenticates against.
    pub db: String,
    /// `authMechanism`, when set.
    pub mechanism: Option<String>,
}

/// An error of the driver's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UrlError {
    /// `MONGO_URL` or `MONGO_OPLOG_URL`.
    pub url: &'static str,
    /// The part at fault (`syntax`, `option`, ...; see `mongo_url::ErrorKind`).
    pub kind: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// What one URL is made of, as the driver read it; empty when the driver refuses the URL.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UrlParts {
    /// `mongodb` or `mongodb+srv`.
    pub scheme: Option<&'static str>,
    /// The host list.
    pub hosts: Vec<Host>,
    /// The credentials, without the password.
    pub auth: Option<UrlAuth>,
    /// The database in the path.
    pub database: Option<String>,
    /// The options the driver would set, by their driver names.
    pub options: OptionMap,
    /// The driver's warnings (deprecated options, ...).
    pub warnings: Vec<String>,
}

/// One URL, parsed: the driver's verdict and the parts (MONGO_OPLOG_URL in a report).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckedUrl {
    /// Whether the driver accepts it.
    pub valid: bool,
    /// Its parts, at the top level of the JSON.
    #[serde(flatten)]
    pub parts: UrlParts,
}

/// The public JSON shape of `rctopo mongo-url` (DESIGN.md): MONGO_URL's parts at the top,
/// MONGO_OPLOG_URL's under `oplog`, every driver error in `errors`, rules in `diagnostics`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UrlReport {
    /// Whether Rocket.Chat's driver accepts the URL (and the oplog URL, when given).
    pub valid: bool,
    /// MONGO_URL's parts, at the top level of the JSON.
    #[serde(flatten)]
    pub parts: UrlParts,
    /// The driver's errors, for both URLs.
    pub errors: Vec<UrlError>,
    /// Rocket.Chat's M rules over both URLs.
    pub diagnostics: Vec<Diagnostic>,
    /// MONGO_OPLOG_URL, when given.
    pub oplog: Option<CheckedUrl>,
}

impl UrlReport {
    /// Exit status of the CLI: 0 when valid and no error diagnostic.
    pub fn passed(&self) -> bool {
        self.valid
            && !self
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error)
    }

    /// The report as JSON, as `rctopo mongo-url --format json` prints it.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

fn scheme_of(text: &str) -> Option<&'static str> {
    if text.starts_with("mongodb+srv://") {
        Some("mongodb+srv")
    } else if text.starts_with("mongodb://") {
        Some("mongodb")
    } else {
        None
    }
}

fn checked(text: &str, parsed: &Result<MongoUrl, MongoUrlError>) -> CheckedUrl {
    match parsed {
        Ok(url) => CheckedUrl {
            valid: true,
            parts: UrlParts {
                scheme: Some(url.scheme.as_str()),
                hosts: url.hosts.to_vec(),
                auth: url.username.as_ref().map(|u| UrlAuth {
                    username: u.to_string(),
                    db: url.effective_auth_db().to_string(),
                    mechanism: url.auth_mechanism.as_deref().map(String::from),
                }),
                database: url.database.as_deref().map(String::from),
                options: url.options.clone(),
                warnings: url.warnings.clone(),
            },
        },
        Err(_) => CheckedUrl {
            valid: false,
            parts: UrlParts {
                scheme: scheme_of(text),
                hosts: Vec::new(),
                auth: None,
                database: None,
                options: OptionMap::new(),
                warnings: Vec::new(),
            },
        },
    }
}

fn error(url: &'static str, parsed: &Result<MongoUrl, MongoUrlError>) -> Option<UrlError> {
    parsed.as_ref().err().map(|e| UrlError {
        url,
        kind: e.kind().as_str(),
        message: e.to_string(),
        help: e.help().to_string(),
    })
}

/// Parses MONGO_URL `url` (and MONGO_OPLOG_URL `oplog`) and applies the M rules for Rocket.Chat
/// `version` (rules that depend on the version are skipped when it is `None`).
pub fn check_urls(url: &str, oplog: Option<&str>, version: Option<Version>) -> UrlReport {
    let ctx = UrlContext::from_urls(url, oplog, version);
    let main = checked(url, &ctx.url.parsed);
    let oplog_checked = ctx
        .oplog
        .as_ref()
        .zip(oplog)
        .map(|(f, text)| checked(text, &f.parsed));
    let errors: Vec<UrlError> = error("MONGO_URL", &ctx.url.parsed)
        .into_iter()
        .chain(
            ctx.oplog
                .as_ref()
                .and_then(|f| error("MONGO_OPLOG_URL", &f.parsed)),
        )
        .collect();
    let diagnostics = crate::diagnostic::Report::new(url_diagnostics(&ctx)).diagnostics;
    UrlReport {
        valid: errors.is_empty(),
        parts: main.parts,
        errors,
        diagnostics,
        oplog: oplog_checked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "canary-7f3a";

    /// The report quotes neither a password nor any other secret, of URLs the driver accepts
    /// or refuses (the parser's own tests cover its `Display`, `Debug` and errors).
    #[test]
    fn the_report_never_shows_a_secret() {
        let tail = "t41l";
        for text in [
            format!("mongodb://rc:{CANARY}@db1/rocketchat?replicaSet=rs0&proxyHost=p&proxyUsername=u&proxyPassword={CANARY}"),
            format!("mongodb://rc:{CANARY}@@db1/rc"),
            format!("mongodb://rc:{CANARY}/x@db1/rc"),
            format!("mongodb://rc:{CANARY}%zz@db1/rc"),
            format!("mongodb://rc:{CANARY}@db1/rc?replSet=x"),
            format!("mongodb://rc:{CANARY}/rocketchat?replicaSet=rs0"),
            format!("mongodb://{CANARY}/x:pw@db1/rc"),
            format!("mongodb://AKIA:{CANARY}@db1/rc?replicaSet=rs0&authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:{CANARY},SERVICE_NAME:mongodb"),
            // A password with an unescaped `@`: its tail is not a host.
            format!("mongodb://u:p@{CANARY}@db1:27017/rc?replicaSet=rs0"),
            format!("mongodb://u:p@{tail}@db1/rc"),
            format!("mongodb://u:p@{tail}:99999@db1/rc"),
            format!("mongodb://u:p@{tail}/w{tail}%zz@db1/rc"),
        ] {
            for report in [
                check_urls(&text, Some(&text), "7.0.0".parse().ok()),
                check_urls(&text, None, None),
            ] {
                for shown in [report.to_json().to_string(), format!("{report:?}")] {
                    assert!(!shown.contains(CANARY) && !shown.contains(tail), "{text}: {shown}");
                }
            }
        }
        assert!(!check_urls(&format!("mongodb://rc:{CANARY}@@db1/rc"), None, None).valid);
    }

    #[test]
    fn report_json_lists_the_url_parts_at_the_top_and_the_oplog_verdict_apart() {
        let report = check_urls(
            "mongodb://rc:pw@db1:27017/rocketchat?replicaSet=rs0",
            Some("mongodb://db1:27017/local?replSet=x"),
            None,
        );
        let json = report.to_json();
        let keys: Vec<&str> = json
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let mut expected = [
            "valid",
            "scheme",
            "hosts",
            "auth",
            "database",
            "options",
            "warnings",
            "errors",
            "diagnostics",
            "oplog",
        ];
        expected.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, expected);
        // MONGO_URL parses but the oplog URL does not: the report as a whole is not valid.
        assert_eq!(json["valid"], false);
        assert_eq!(json["scheme"], "mongodb");
        assert_eq!(json["auth"]["username"], "rc");
        assert_eq!(json["oplog"]["valid"], false);
        assert_eq!(json["oplog"]["scheme"], "mongodb");
        assert_eq!(json["oplog"]["hosts"], serde_json::json!([]));
    }
}
