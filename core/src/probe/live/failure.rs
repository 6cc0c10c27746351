//! Why a command got no answer, sorted into what the rules need to tell apart, with every text
//! scrubbed of passwords (driver errors can quote URLs and, in theory, anything they were given).

use mongodb::error::{Error, ErrorKind};
use std::fmt;

/// The server error code of `Unauthorized`.
const UNAUTHORIZED: i32 = 13;

/// Why a member or a command gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No connection: refused, reset, DNS, TLS, or nothing within the timeout.
    Unreachable(String),
    /// The probe's deadline passed while waiting for this answer.
    TimedOut,
    /// The server rejected the credentials.
    Authentication(String),
    /// Authenticated, but the user may not run this command.
    Unauthorized(String),
    /// The server's wire version is below what the driver speaks (MongoDB older than 4.2).
    TooOld(String),
    /// Any other server or driver error.
    Other(String),
}

impl Failure {
    /// Sorts a driver error; `secrets` are removed from its text.
    pub fn from_driver(error: &Error, secrets: &[String]) -> Failure {
        let text = |s: &str| scrub(s, secrets);
        let whole = error.to_string();
        if whole.contains("driver requires at least") {
            return Failure::TooOld(text(selection_cause(&whole)));
        }
        match error.kind.as_ref() {
            ErrorKind::Authentication { message, .. } => Failure::Authentication(text(message)),
            // No member error inside: the server accepted the connection but never answered.
            ErrorKind::ServerSelection { message, .. } if !message.contains("Error: ") => {
                Failure::TimedOut
            }
            ErrorKind::ServerSelection { message, .. } => {
                Failure::Unreachable(text(selection_cause(message)))
            }
            ErrorKind::Io(e) => Failure::Unreachable(text(&e.to_string())),
            ErrorKind::DnsResolve { message, .. } => {
                Failure::Unreachable(text(&format!("DNS: {message}")))
            }
            ErrorKind::Command(c) if c.code == UNAUTHORIZED || c.code_name == "Unauthorized" => {
                Failure::Unauthorized(text(&c.message))
            }
            // An authentication failure found while checking out a connection for a command.
            _ if whole.contains("Authentication failed") => Failure::Authentication(text(&whole)),
            _ => Failure::Other(text(&whole)),
        }
    }

    pub fn is_authentication(&self) -> bool {
        matches!(self, Failure::Authentication(_))
    }

    /// Whether the server did answer (and only refused or was too old).
    pub fn answered(&self) -> bool {
        matches!(self, Failure::Authentication(_) | Failure::TooOld(_))
    }

    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Failure::Unauthorized(_))
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Unreachable(m) => write!(f, "unreachable: {m}"),
            Failure::TimedOut => f.write_str("no answer within the timeout"),
            Failure::Authentication(m) => write!(f, "authentication failed: {m}"),
            Failure::Unauthorized(m) => write!(f, "not authorized: {m}"),
            Failure::TooOld(m) => write!(f, "too old: {m}"),
            Failure::Other(m) => f.write_str(m),
        }
    }
}

/// The driver's server selection error describes the whole topology; the cause is the member's
/// `Error: ...` inside it (`Kind: I/O error: Connection refused (os error 111), labels: {}`).
fn selection_cause(message: &str) -> &str {
    let cause = match message.find("Error: ") {
        Some(start) => &message[start + "Error: ".len()..],
        None => message,
    };
    let cause = cause.strip_prefix("Kind: ").unwrap_or(cause);
    let end = cause.find(", labels").unwrap_or(cause.len());
    cause[..end].trim_end_matches([' ', '}', ']'])
}

/// `text` with every secret replaced by `***` and URL passwords redacted.
pub fn scrub(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        out = out.replace(secret.as_str(), crate::secret::REDACTED);
    }
    crate::secret::redact_url_passwords(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_errors_keep_the_member_cause() {
        let m = "Server selection timeout: No available servers. Topology: { Type: Single, \
                 Servers: [ { Address: 127.0.0.1:1, Type: Unknown, Error: Kind: I/O error: \
                 Connection refused (os error 111), labels: {} } ] }";
        assert_eq!(
            selection_cause(m),
            "I/O error: Connection refused (os error 111)"
        );
        assert_eq!(selection_cause("timed out"), "timed out");
    }

    #[test]
    fn scrub_hides_secrets_and_url_passwords() {
        let text = "auth as rc with s3cr3t failed at mongodb://rc:other@db1";
        let out = scrub(text, &["s3cr3t".to_string(), String::new()]);
        assert_eq!(out, "auth as rc with *** failed at mongodb://***@db1");
    }
}
