//! MONGO_URL and MONGO_OPLOG_URL: a connection-string parser that gives the verdicts of
//! Rocket.Chat's own driver (Node `mongodb` 6.x), following MongoDB's Connection String and
//! URI Options specifications for the parsed parts.
//!
//! The crate stands alone: it knows URLs, the driver's options and its errors, nothing of
//! Rocket.Chat deployments. `rocketchat-topology` re-exports it as `rocketchat_topology::mongo_url`
//! and adds the Rocket.Chat rules on top (`check_urls`).
//!
//! ```
//! use rocketchat_topology_mongo_url::MongoUrl;
//! let url = MongoUrl::parse("mongodb://rc:s3cret@db1,db2:27018/rocketchat?replicaSet=rs0").unwrap();
//! assert_eq!(url.hosts.len(), 2);
//! assert_eq!(url.replica_set(), Some("rs0"));
//! assert!(!url.to_string().contains("s3cret"));
//! ```

#![warn(missing_docs)]

mod error;
mod given;
mod host;
mod option_map;
mod option_set;
mod option_value;
pub mod options;
mod read;
mod secret;
mod split;
mod validate;
mod whatwg;
mod words;

/// The string type of the parsed parts (host names, user name, database...): a `str` kept in
/// place when at most 24 bytes long. It reads as `&str` (`Deref`, `as_str`), prints and
/// serialises as a `String` does, and `to_string` or `String::from` gives a `String`.
pub use compact_str::CompactString;
pub use error::{ErrorKind, MongoUrlError};
pub use host::{Host, HostKind, HostList, DEFAULT_PORT};
pub use option_map::OptionMap;
pub use option_value::OptionValue;
pub use secret::{Secret, REDACTED};

use serde_json::Value;
use std::fmt;

/// `mongodb://` or `mongodb+srv://`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum Scheme {
    /// `mongodb://`: the host list is the seed list.
    #[serde(rename = "mongodb")]
    Mongodb,
    /// `mongodb+srv://`: one service name resolved through DNS SRV and TXT records.
    #[serde(rename = "mongodb+srv")]
    MongodbSrv,
}

impl Scheme {
    /// The scheme without `://`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Scheme::Mongodb => "mongodb",
            Scheme::MongodbSrv => "mongodb+srv",
        }
    }
}

/// A connection string the driver accepts, cut into its parts. `Display` and `Debug` never show
/// the password; [`MongoUrl::expose`] returns the URL as written, for an environment file.
#[derive(Clone, PartialEq)]
pub struct MongoUrl {
    /// `mongodb` or `mongodb+srv`.
    pub scheme: Scheme,
    /// The host list, in the URL's order.
    pub hosts: HostList,
    /// The user name, percent-decoded.
    pub username: Option<CompactString>,
    /// The password, percent-decoded; never printed.
    pub password: Option<Secret>,
    /// The database in the path (the spec's auth database), or the `dbName` option.
    pub database: Option<CompactString>,
    /// Lowercased option name (from the driver's table) -> value, as the driver read it, in name
    /// order. Secret values are `***`.
    pub options: OptionMap,
    /// What the driver would warn about (deprecated options, names repeated in another case).
    pub warnings: Vec<String>,
    /// The authentication mechanism named by `authMechanism`.
    pub auth_mechanism: Option<CompactString>,
    written: Secret,
}

impl MongoUrl {
    /// Parses `uri`, failing exactly where `new MongoClient(uri)` in Rocket.Chat's driver throws.
    pub fn parse(uri: &str) -> Result<MongoUrl, MongoUrlError> {
        // The query's pairs, held on this stack frame while the URL is read.
        let mut query = split::Query::new();
        let parts = split::split(uri, &mut query)?;
        let hosts = read_hosts(&parts)?;
        let mut validated = validate::validate(&parts)?;
        if parts.srv
            && !validated.options.contains(options::at!("tls"))
            && !validated.options.contains(options::at!("ssl"))
        {
            // A mongodb+srv URL turns TLS on unless it says otherwise.
            validated
                .options
                .set(options::at!("tls"), Value::Bool(true).into());
        }
        let (hosts, database) = if parts.unescaped_at {
            (
                host::hidden(hosts),
                parts.database.map(|_| CompactString::const_new(REDACTED)),
            )
        } else {
            (hosts, parts.database)
        };
        Ok(MongoUrl {
            scheme: if parts.srv {
                Scheme::MongodbSrv
            } else {
                Scheme::Mongodb
            },
            hosts,
            username: parts.username,
            password: parts.password.map(Secret::new),
            database: database.or(validated.db_name_option),
            options: validated.options.into_map(),
            warnings: if parts.unescaped_at {
                let mut w = vec![split::UNESCAPED_AT_WARNING.to_string()];
                w.extend(validated.warnings);
                w
            } else {
                validated.warnings
            },
            auth_mechanism: validated.mechanism,
            written: Secret::new(uri),
        })
    }

    /// The URL exactly as written, password included. Only for environment files (mode 0600).
    pub fn expose(&self) -> &str {
        self.written.expose()
    }

    /// Whether the URL carries a non-empty password.
    pub fn has_password(&self) -> bool {
        self.password.as_ref().is_some_and(|p| !p.is_empty())
    }

    /// Whether the URL holds any secret: a password, or one of [`MongoUrl::written_secrets`].
    pub fn has_secret(&self) -> bool {
        self.has_password() || !self.written_secrets().is_empty()
    }

    /// The secrets written in the query, by name (never value): secret options (`proxyPassword`,
    /// `tlsCertificateKeyFilePassword`...) and secret `authMechanismProperties` entries
    /// (`authMechanismProperties AWS_SESSION_TOKEN`).
    pub fn written_secrets(&self) -> Vec<String> {
        let mut names: Vec<String> = options::OPTIONS
            .iter()
            .filter(|o| o.secret && self.option(o.name).is_some())
            .map(|o| o.name.to_string())
            .collect();
        if let Some(props) = self
            .option("authMechanismProperties")
            .and_then(OptionValue::as_object)
        {
            names.extend(
                props
                    .keys()
                    .filter(|k| options::is_secret_property(k))
                    .map(|k| format!("authMechanismProperties {k}")),
            );
        }
        names
    }

    /// One option's value, by name in any case.
    pub fn option(&self, name: &str) -> Option<&OptionValue> {
        if name
            .bytes()
            .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
        {
            self.options.get(name)
        } else {
            self.options.get(name.to_lowercase().as_str())
        }
    }

    /// A string option (`replicaSet`, `authSource`, `readPreference`...).
    pub fn option_str(&self, name: &str) -> Option<&str> {
        self.option(name).and_then(OptionValue::as_str)
    }

    /// A boolean option (`directConnection`, `tls`...).
    pub fn option_bool(&self, name: &str) -> Option<bool> {
        self.option(name).and_then(OptionValue::as_bool)
    }

    /// The `replicaSet` option.
    pub fn replica_set(&self) -> Option<&str> {
        self.option_str("replicaset")
    }

    /// The explicit `authSource` option.
    pub fn auth_source(&self) -> Option<&str> {
        self.option_str("authsource")
    }

    /// Where the driver authenticates: `authSource`, else the database, else `admin`.
    pub fn effective_auth_db(&self) -> &str {
        self.auth_source()
            .or(self.database.as_deref())
            .unwrap_or("admin")
    }

    /// Whether the scheme is `mongodb+srv`.
    pub fn is_srv(&self) -> bool {
        self.scheme == Scheme::MongodbSrv
    }

    /// The URL rebuilt from its parts with the password as `***`.
    pub fn redacted(&self) -> String {
        let mut s = format!("{}://", self.scheme.as_str());
        if let Some(u) = &self.username {
            s.push_str(&split::escape_userinfo(u));
            if self.password.is_some() {
                s.push(':');
                s.push_str(REDACTED);
            }
            s.push('@');
        }
        let hosts: Vec<String> = self
            .hosts
            .iter()
            .map(|h| match h.kind {
                HostKind::Unix => split::escape_userinfo(&h.host).replace('/', "%2F"),
                _ => h.address(),
            })
            .collect();
        s.push_str(&hosts.join(","));
        s.push('/');
        if let Some(db) = &self.database {
            s.push_str(db);
        }
        let query: Vec<String> = self
            .options
            .iter()
            .map(|(k, v)| match v.as_str() {
                Some(t) => format!("{k}={t}"),
                None => format!("{k}={v}"),
            })
            .collect();
        if !query.is_empty() {
            s.push('?');
            s.push_str(&query.join("&"));
        }
        s
    }
}

/// The host list read host by host; a host that cannot be read after an unescaped `@` is not
/// quoted (it is likely part of the password).
fn read_hosts(parts: &split::Parts<'_>) -> Result<HostList, MongoUrlError> {
    if parts.srv {
        return Ok(parts.hosts().map(host::srv_host).collect());
    }
    // Not counted first: the list holds three hosts in place, as many as most lists have, and a
    // longer list grows as a vector does.
    let mut hosts = HostList::new();
    for entry in parts.hosts() {
        match host::parse_host(entry) {
            Ok(host) => hosts.push(host),
            Err(_) if parts.unescaped_at => return Err(host::unreadable_hidden_host()),
            Err(e) => return Err(e),
        }
    }
    Ok(hosts)
}

impl fmt::Display for MongoUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for MongoUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MongoUrl")
            .field("scheme", &self.scheme)
            .field("hosts", &self.hosts)
            .field("username", &self.username)
            .field("password", &self.password)
            .field("database", &self.database)
            .field("options", &self.options)
            .field("warnings", &self.warnings)
            .finish()
    }
}

#[cfg(test)]
mod tests;

/// The README's example runs as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExample;
