//! Why a connection string cannot be used: the same verdicts as Rocket.Chat's driver, each with
//! a help line that says how to fix the URL. Messages never hold a password.

use std::fmt;

/// A connection string the driver would reject: what is wrong, in which part, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct MongoUrlError {
    kind: ErrorKind,
    message: String,
    help: String,
}

/// The part of the connection string at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The overall shape: scheme, `://`, host list.
    Syntax,
    /// The `user:password@` part.
    Userinfo,
    /// One entry of the host list.
    Host,
    /// The database path.
    Database,
    /// One URI option (unknown name, empty, repeated or bad value).
    Option,
    /// Options that cannot go together.
    Conflict,
    /// Credentials that do not fit the authentication mechanism.
    Auth,
}

impl ErrorKind {
    /// A stable slug (`syntax`, `option`, ...), as the JSON reports carry it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "syntax",
            ErrorKind::Userinfo => "userinfo",
            ErrorKind::Host => "host",
            ErrorKind::Database => "database",
            ErrorKind::Option => "option",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Auth => "auth",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl MongoUrlError {
    pub(crate) fn new(
        kind: ErrorKind,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        MongoUrlError {
            kind,
            message: message.into(),
            help: help.into(),
        }
    }

    /// The part of the URL at fault.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// What is wrong (also the error's `Display`).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// How to fix the URL.
    pub fn help(&self) -> &str {
        &self.help
    }

    pub(super) fn syntax(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self::new(ErrorKind::Syntax, message, help)
    }

    pub(super) fn userinfo(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self::new(ErrorKind::Userinfo, message, help)
    }

    pub(super) fn host(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self::new(ErrorKind::Host, message, help)
    }

    pub(super) fn database(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self::new(ErrorKind::Database, message, help)
    }

    pub(super) fn option(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self::new(ErrorKind::Option, message, help)
    }

    pub(super) fn conflict(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, message, help)
    }

    pub(super) fn auth(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self::new(ErrorKind::Auth, message, help)
    }
}
