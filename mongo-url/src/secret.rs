//! A value that must never be printed: the password of a connection string, and the string
//! itself, which embeds it.

use serde::{Serialize, Serializer};
use std::fmt;

/// The text every redacted value prints as.
pub const REDACTED: &str = "***";

/// A secret string. `Debug`, `Display` and `Serialize` print `***`; the only way to the real value
/// is [`Secret::expose`], which renderers of mode-0600 environment files call on purpose.
/// The value lives on the heap, in one place: moving a `Secret` moves a pointer, and a short
/// value is never copied into each struct or vector slot it passes through.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The real value. Call only where it must be written (an environment file), never to log.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_value() {
        let s = Secret::new("canary-7f3a");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"***\"");
        assert_eq!(s.expose(), "canary-7f3a");
    }
}
