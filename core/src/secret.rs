//! A value that must never be printed: passwords, and strings that embed them.

use serde::{Serialize, Serializer};
use std::fmt;

/// The text every redacted value prints as.
pub const REDACTED: &str = "***";

/// A secret string. `Debug`, `Display` and `Serialize` print `***`; the only way to the real value
/// is [`Secret::expose`], which renderers of mode-0600 environment files call on purpose.
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

/// Replaces the password of every `scheme://user:password@` in `text` with `***`.
/// Used on any text that quotes a URL from the topology (messages, errors).
///
/// The password runs from the first `:` after the user to the last `@` before whitespace, so a
/// password holding `/`, `?`, `#`, quotes or an unescaped `@` is hidden whole. When in doubt this
/// hides too much (a path holding `@`), never too little.
pub fn redact_url_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (before, after) = rest.split_at(i + 3);
        out.push_str(before);
        let token_end = after.find(char::is_whitespace).unwrap_or(after.len());
        let token = &after[..token_end];
        rest = match token.rfind('@') {
            Some(at) => {
                let userinfo = &token[..at];
                match userinfo.find(':') {
                    Some(colon) => {
                        out.push_str(&userinfo[..colon]);
                        out.push(':');
                        out.push_str(REDACTED);
                    }
                    None => out.push_str(userinfo),
                }
                &after[at..]
            }
            None => after,
        };
    }
    out.push_str(rest);
    out
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

    #[test]
    fn url_passwords_are_redacted() {
        assert_eq!(
            redact_url_passwords(
                "url `mongodb://rc:p@ss:w0rd@db1:27017,db2/rc?x=1` and http://a/b"
            ),
            "url `mongodb://rc:***@db1:27017,db2/rc?x=1` and http://a/b"
        );
        assert_eq!(
            redact_url_passwords("mongodb://user@db"),
            "mongodb://user@db"
        );
        assert_eq!(redact_url_passwords("no url"), "no url");
        assert_eq!(redact_url_passwords("a://"), "a://");
    }

    #[test]
    fn passwords_with_url_delimiters_are_hidden_whole() {
        let canary = "c4n4ry";
        for password in [
            "pa/ss",
            "it's",
            "a?b",
            "a#b",
            "q\"uote",
            "back`tick",
            "p@ss",
            "x:y",
            "a/b?c#d@e'f",
        ] {
            for scheme in ["nats", "https", "mongodb", "mongodb+srv", "monolith+nats"] {
                let url = format!("{scheme}://user:{canary}{password}{canary}@host:1/db?x=1");
                for text in [
                    url.clone(),
                    format!("url `{url}` is wrong"),
                    format!("'{url}'"),
                    format!("\"{url}\" and http://other:{canary}@h2 done"),
                    format!("{url}\nnext line"),
                ] {
                    let redacted = redact_url_passwords(&text);
                    assert!(!redacted.contains(canary), "{text:?} -> {redacted:?}");
                    assert!(redacted.contains("://user:***@h"), "{redacted:?}");
                }
            }
        }
    }

    #[test]
    fn text_after_the_url_is_kept() {
        assert_eq!(
            redact_url_passwords("`nats://u:pa/ss@h:4222` then https://a:b'c@h2/p x"),
            "`nats://u:***@h:4222` then https://a:***@h2/p x"
        );
        assert_eq!(
            redact_url_passwords("see http://host/a and mongodb://u@h"),
            "see http://host/a and mongodb://u@h"
        );
    }
}
