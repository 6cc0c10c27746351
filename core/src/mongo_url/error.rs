//! Why a connection string cannot be used: the same verdicts as Rocket.Chat's driver, each with
//! a help line that says how to fix the URL. Messages never hold a password.

/// A connection string the driver would reject.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MongoUrlError {
    /// The overall shape: scheme, `://`, host list.
    #[error("{message}")]
    Syntax { message: String, help: String },
    /// The `user:password@` part.
    #[error("{message}")]
    Userinfo { message: String, help: String },
    /// One entry of the host list.
    #[error("{message}")]
    Host { message: String, help: String },
    /// The database path.
    #[error("{message}")]
    Database { message: String, help: String },
    /// One URI option (unknown name, empty, repeated or bad value).
    #[error("{message}")]
    Option {
        name: String,
        message: String,
        help: String,
    },
    /// Options that cannot go together.
    #[error("{message}")]
    Conflict { message: String, help: String },
    /// Credentials that do not fit the authentication mechanism.
    #[error("{message}")]
    Auth { message: String, help: String },
}

impl MongoUrlError {
    /// How to fix the URL.
    pub fn help(&self) -> &str {
        match self {
            MongoUrlError::Syntax { help, .. }
            | MongoUrlError::Userinfo { help, .. }
            | MongoUrlError::Host { help, .. }
            | MongoUrlError::Database { help, .. }
            | MongoUrlError::Option { help, .. }
            | MongoUrlError::Conflict { help, .. }
            | MongoUrlError::Auth { help, .. } => help,
        }
    }

    /// A stable slug for the kind of error (`syntax`, `option`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            MongoUrlError::Syntax { .. } => "syntax",
            MongoUrlError::Userinfo { .. } => "userinfo",
            MongoUrlError::Host { .. } => "host",
            MongoUrlError::Database { .. } => "database",
            MongoUrlError::Option { .. } => "option",
            MongoUrlError::Conflict { .. } => "conflict",
            MongoUrlError::Auth { .. } => "auth",
        }
    }

    pub(super) fn syntax(message: impl Into<String>, help: impl Into<String>) -> Self {
        MongoUrlError::Syntax {
            message: message.into(),
            help: help.into(),
        }
    }

    pub(super) fn userinfo(message: impl Into<String>, help: impl Into<String>) -> Self {
        MongoUrlError::Userinfo {
            message: message.into(),
            help: help.into(),
        }
    }

    pub(super) fn host(message: impl Into<String>, help: impl Into<String>) -> Self {
        MongoUrlError::Host {
            message: message.into(),
            help: help.into(),
        }
    }

    pub(super) fn option(
        name: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        MongoUrlError::Option {
            name: name.into(),
            message: message.into(),
            help: help.into(),
        }
    }

    pub(super) fn conflict(message: impl Into<String>, help: impl Into<String>) -> Self {
        MongoUrlError::Conflict {
            message: message.into(),
            help: help.into(),
        }
    }

    pub(super) fn auth(message: impl Into<String>, help: impl Into<String>) -> Self {
        MongoUrlError::Auth {
            message: message.into(),
            help: help.into(),
        }
    }
}
