//! Why a connection string cannot be used: the same verdicts as Rocket.Chat's driver, each with
//! a help line that says how to fix the URL. Messages never hold a password.
//!
//! Most texts are fixed (`&'static str`, no allocation); a help line that costs real work (the
//! "did you mean" search over the driver's option names) is worked out only when it is read, so
//! rejecting a URL costs about what accepting one does.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

/// A connection string the driver would reject: what is wrong, in which part, and how to fix it.
#[derive(Clone, thiserror::Error)]
#[error("{message}")]
pub struct MongoUrlError {
    kind: ErrorKind,
    message: Cow<'static, str>,
    help: Help,
}

/// How to fix the URL: a text, or one to work out when first read.
#[derive(Clone)]
enum Help {
    Text(Cow<'static, str>),
    /// "did you mean `replicaSet`?" for an unknown option name.
    DidYouMean {
        unknown: String,
        text: OnceLock<String>,
    },
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

type Text = Cow<'static, str>;

impl MongoUrlError {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<Text>, help: impl Into<Text>) -> Self {
        MongoUrlError {
            kind,
            message: message.into(),
            help: Help::Text(help.into()),
        }
    }

    /// An unknown option: the help suggests the closest known name, searched for when read.
    pub(crate) fn unknown_option(message: impl Into<Text>, unknown: &str) -> Self {
        MongoUrlError {
            kind: ErrorKind::Option,
            message: message.into(),
            help: Help::DidYouMean {
                unknown: unknown.to_string(),
                text: OnceLock::new(),
            },
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
        match &self.help {
            Help::Text(t) => t,
            Help::DidYouMean { unknown, text } => text.get_or_init(|| did_you_mean(unknown)),
        }
    }

    pub(super) fn syntax(message: impl Into<Text>, help: impl Into<Text>) -> Self {
        Self::new(ErrorKind::Syntax, message, help)
    }

    pub(super) fn userinfo(message: impl Into<Text>, help: impl Into<Text>) -> Self {
        Self::new(ErrorKind::Userinfo, message, help)
    }

    pub(super) fn host(message: impl Into<Text>, help: impl Into<Text>) -> Self {
        Self::new(ErrorKind::Host, message, help)
    }

    pub(super) fn database(message: impl Into<Text>, help: impl Into<Text>) -> Self {
        Self::new(ErrorKind::Database, message, help)
    }

    pub(super) fn option(message: impl Into<Text>, help: impl Into<Text>) -> Self {
        Self::new(ErrorKind::Option, message, help)
    }

    pub(super) fn conflict(message: impl Into<Text>, help: impl Into<Text>) -> Self {
        Self::new(ErrorKind::Conflict, message, help)
    }

    pub(super) fn auth(message: impl Into<Text>, help: impl Into<Text>) -> Self {
        Self::new(ErrorKind::Auth, message, help)
    }
}

fn did_you_mean(unknown: &str) -> String {
    match crate::options::suggest(unknown) {
        Some(s) => format!("did you mean `{s}`? (option names are case-insensitive; Rocket.Chat's driver rejects unknown options)"),
        None => "remove it: Rocket.Chat's driver rejects unknown options".to_string(),
    }
}

/// Equal when they say the same, whether or not a deferred help has been read yet.
impl PartialEq for MongoUrlError {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.message == other.message && self.help() == other.help()
    }
}

impl Eq for MongoUrlError {}

impl fmt::Debug for MongoUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MongoUrlError")
            .field("kind", &self.kind)
            .field("message", &self.message())
            .field("help", &self.help())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suggestion_is_worked_out_when_read() {
        let e = MongoUrlError::unknown_option("option replset is not supported", "replset");
        let Help::DidYouMean { text, .. } = &e.help else {
            panic!("not a deferred help")
        };
        assert!(text.get().is_none());
        assert!(
            e.help().starts_with("did you mean `replicaSet`?"),
            "{}",
            e.help()
        );
        assert!(format!("{e:?}").contains("did you mean `replicaSet`?"));
        let far = MongoUrlError::unknown_option("option zzzzzz is not supported", "zzzzzz");
        assert_eq!(
            far.help(),
            "remove it: Rocket.Chat's driver rejects unknown options"
        );
    }
}
