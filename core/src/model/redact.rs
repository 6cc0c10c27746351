//! `Debug` helpers for model fields that may hold passwords: URLs with credentials and
//! secret-named environment variables. The model keeps plain strings (they are what the file
//! says); only their printing is guarded.

use crate::secret::{is_secret_name, redact_url_passwords, REDACTED};
use std::collections::BTreeMap;
use std::fmt;

/// A URL (or any text quoting one) printed with its passwords hidden.
pub(super) struct Url<'a>(pub &'a str);

impl fmt::Debug for Url<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&redact_url_passwords(self.0), f)
    }
}

/// An optional URL printed with its passwords hidden.
pub(super) fn url(value: &Option<String>) -> Option<Url<'_>> {
    value.as_deref().map(Url)
}

/// A MongoDB URL printed as the driver reads it, with its userinfo and secret options hidden;
/// `***` whole when it cannot be parsed (any part of it may then be a password).
pub(super) struct MongoUrl<'a>(pub &'a str);

impl fmt::Debug for MongoUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match crate::mongo_url::MongoUrl::parse(self.0) {
            Ok(url) => fmt::Debug::fmt(&redact_url_passwords(&url.redacted()), f),
            Err(_) => f.write_str(REDACTED),
        }
    }
}

/// An optional MongoDB URL, printed as [`MongoUrl`].
pub(super) fn mongo_url(value: &Option<String>) -> Option<MongoUrl<'_>> {
    value.as_deref().map(MongoUrl)
}

/// An `env` table printed with secret-named values as `***` and URL passwords hidden.
pub(super) struct Env<'a>(pub &'a BTreeMap<String, String>);

impl fmt::Debug for Env<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if is_secret_name(name) {
                map.entry(name, &format_args!("{REDACTED}"));
            } else {
                map.entry(name, &Url(value));
            }
        }
        map.finish()
    }
}
