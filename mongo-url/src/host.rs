//! One entry of the host list: a hostname, an IPv4 address, an `[IPv6]` literal or a unix
//! socket path (percent-encoded, ending in `.sock`), read the way the driver's `HostAddress`
//! reads it.

use super::error::MongoUrlError;
use super::whatwg;
use super::words;
use compact_str::{CompactString, ToCompactString};
use serde::Serialize;
use std::fmt;

/// The host list: a vector whose first three hosts (most lists: one host, or a replica set of
/// three) are kept in place, without an allocation. It reads as a slice of [`Host`]s.
pub type HostList = smallvec::SmallVec<[Host; 3]>;

/// MongoDB's default port.
pub const DEFAULT_PORT: u16 = 27017;

/// The kinds of host the Connection String specification names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum HostKind {
    /// A dotted IPv4 address.
    Ipv4,
    /// A bracketed IPv6 literal.
    IpLiteral,
    /// A DNS name.
    Hostname,
    /// A unix socket path (percent-encoded, ending in `.sock`).
    Unix,
}

impl HostKind {
    /// The name in the JSON report (`ip_literal`).
    pub fn as_str(&self) -> &'static str {
        match self {
            HostKind::Ipv4 => "ipv4",
            HostKind::IpLiteral => "ip_literal",
            HostKind::Hostname => "hostname",
            HostKind::Unix => "unix",
        }
    }
}

/// A host of the list. `port` is `None` for unix sockets and for a `mongodb+srv` service name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Host {
    /// The host as the driver keeps it (lowercased names, bracketless IPv6). Kept in place when
    /// at most 24 bytes long (most names), so reading a host allocates nothing.
    pub host: CompactString,
    /// The port; `None` for a unix socket or an SRV service name.
    pub port: Option<u16>,
    /// What kind of host it is.
    #[serde(rename = "type")]
    pub kind: HostKind,
}

impl Host {
    /// Whether the host is this machine's loopback (`localhost`, `127.x.x.x`, `::1`).
    pub fn is_loopback(&self) -> bool {
        match self.kind {
            HostKind::Unix => true,
            HostKind::Hostname => self.host == "localhost" || self.host.ends_with(".localhost"),
            HostKind::Ipv4 => self.host.starts_with("127."),
            HostKind::IpLiteral => self.host == "::1",
        }
    }

    /// `host:port` as written in a member list (`[::1]:27017` for IPv6).
    pub fn address(&self) -> String {
        match (self.kind, self.port) {
            (HostKind::IpLiteral, Some(p)) => format!("[{}]:{p}", self.host),
            (_, Some(p)) => format!("{}:{p}", self.host),
            (_, None) => self.host.to_string(),
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address())
    }
}

fn is_ipv4(host: &str) -> bool {
    // A name with a letter (most names) is no address: no need to cut it at its dots.
    if !host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return false;
    }
    let mut parts = 0;
    host.split('.').all(|p| {
        parts += 1;
        !p.is_empty()
            && p.len() <= 3
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u16>().is_ok_and(|v| v <= 255)
    }) && parts == 4
}

/// An entry of the host list that is not a host. The entry is not quoted: text that failed to
/// parse may be a password whose `@` is missing (`mongodb://rc:PW/db`).
fn unparsable() -> MongoUrlError {
    MongoUrlError::host(
        "an entry of the host list cannot be parsed (not repeated here: it may be a password whose `user:password@` lacks its `@`)",
        "write hosts as `name:port`, `1.2.3.4:port` or `[::1]:port`; percent-encode a unix socket path (`%2Ftmp%2Fmongodb-27017.sock`)",
    )
}

/// Reads one host of a `mongodb://` list.
pub(super) fn parse_host(entry: &str) -> Result<Host, MongoUrlError> {
    match plain_host(entry) {
        Some(PlainHost {
            name,
            port,
            has_upper,
        }) => {
            // Most names are written in lowercase: they are copied without a lowercasing pass.
            let mut name = CompactString::from(name);
            if has_upper {
                name.make_ascii_lowercase();
            }
            // An address starts with a digit; most names start with a letter, and are told
            // apart here without a call.
            let kind = if name.starts_with(|c: char| c.is_ascii_digit()) && is_ipv4(&name) {
                HostKind::Ipv4
            } else {
                HostKind::Hostname
            };
            with_port(entry, name, kind, port)
        }
        None => parse_any_host(entry),
    }
}

/// A host entry [`plain_host`] reads directly.
struct PlainHost<'a> {
    /// The name as written.
    name: &'a str,
    port: Option<u16>,
    /// Whether the name has an uppercase letter (it must then be lowercased).
    has_upper: bool,
}

/// `name[:port]` with a name of ASCII letters, digits, `.`, `-` and `_` (every DNS name and IPv4
/// address): what the driver's URL parser gives back unchanged but for case, so it is read
/// without one. `None` for anything else (IPv6, unix sockets, escapes, a port that is not
/// digits), which [`parse_any_host`] reads; the tests hold both to the same result.
/// Only the bytes [`words::not_lowercase_name`] flags are looked at (in most names, the `:`
/// alone); the name's lowercase letters, digits, dots and dashes pass eight at a time.
fn plain_host(entry: &str) -> Option<PlainHost<'_>> {
    let bytes = entry.as_bytes();
    let mut name = entry;
    let mut port = None;
    let mut has_upper = false;
    for at in words::Flagged::new(bytes, b'a', words::not_lowercase_name) {
        match PLAIN_NAME[usize::from(bytes[at])] {
            Plain::No => return None,
            Plain::Upper => has_upper = true,
            Plain::Kept => {}
            Plain::Colon => {
                name = &entry[..at];
                port = Some(&entry[at + 1..]);
                break;
            }
        }
    }
    if name.is_empty() || entry.ends_with(".sock") {
        return None;
    }
    let port = match port {
        None | Some("") => None,
        Some(p) => Some(whatwg::parse_port(p)?),
    };
    Some(PlainHost {
        name,
        port,
        has_upper,
    })
}

/// What a byte is to [`plain_host`].
#[derive(Clone, Copy)]
enum Plain {
    No,
    /// An uppercase ASCII letter.
    Upper,
    /// A lowercase letter, a digit, `.`, `-` or `_`.
    Kept,
    /// `:`: the name ends, the port follows.
    Colon,
}

/// The bytes of an entry [`plain_host`] reads: ASCII letters, digits, `.`, `-` and `_` in the
/// name, which a `:` ends.
static PLAIN_NAME: [Plain; 256] = {
    let mut table = [Plain::No; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte.is_ascii_uppercase() {
            Plain::Upper
        } else if byte.is_ascii_lowercase()
            || byte.is_ascii_digit()
            || matches!(byte, b'.' | b'-' | b'_')
        {
            Plain::Kept
        } else if byte == b':' {
            Plain::Colon
        } else {
            Plain::No
        };
        b += 1;
    }
    table
};

/// Reads one host through the URL parser, as the driver does.
fn parse_any_host(entry: &str) -> Result<Host, MongoUrlError> {
    let escaped = entry.replace(' ', "%20");
    if escaped.ends_with(".sock") {
        let path = whatwg::decode_uri_component(&escaped).ok_or_else(unparsable)?;
        return Ok(Host {
            host: path,
            port: None,
            kind: HostKind::Unix,
        });
    }
    let (url_host, port) = whatwg::parse_host_port(&escaped).ok_or_else(unparsable)?;
    let normalized = whatwg::decode_uri_component(&url_host)
        .ok_or_else(unparsable)?
        .to_lowercase()
        .to_compact_string();
    let (host, kind) = if normalized.starts_with('[') && normalized.ends_with(']') {
        // The driver strips the brackets by the length of the still-encoded name.
        let chars: Vec<char> = normalized.chars().collect();
        let end = url_host.len().saturating_sub(1).min(chars.len()).max(1);
        (chars[1..end].iter().collect(), HostKind::IpLiteral)
    } else if is_ipv4(&normalized) {
        (normalized, HostKind::Ipv4)
    } else {
        (normalized, HostKind::Hostname)
    };
    with_port(entry, host, kind, port)
}

/// The host with its port (the default when none is written); port 0 is refused.
/// Inlined: called apart, the host built in it is passed back through memory.
#[inline]
fn with_port(
    entry: &str,
    host: CompactString,
    kind: HostKind,
    port: Option<u16>,
) -> Result<Host, MongoUrlError> {
    let port = port.unwrap_or(DEFAULT_PORT);
    if port == 0 {
        return Err(MongoUrlError::host(
            format!("the host `{entry}` has port 0"),
            format!("use the port mongod listens on (default {DEFAULT_PORT})"),
        ));
    }
    Ok(Host {
        host,
        port: Some(port),
        kind,
    })
}

/// The hosts with their names hidden (`***`): they are the tail of a password (see
/// `Parts::unescaped_at`). Ports and kinds stay, as the driver reads them.
pub(super) fn hidden(hosts: HostList) -> HostList {
    hosts
        .into_iter()
        .map(|h| Host {
            host: CompactString::const_new(crate::secret::REDACTED),
            ..h
        })
        .collect()
}

/// The error for a host that cannot be read when the host list is a password's tail.
pub(super) fn unreadable_hidden_host() -> MongoUrlError {
    MongoUrlError::host(
        "a host of the list cannot be read (not shown: it is likely part of the password)",
        super::split::UNESCAPED_AT_WARNING,
    )
}

/// The service name of a `mongodb+srv` URL (not resolved: the driver resolves it at connect).
pub(super) fn srv_host(entry: &str) -> Host {
    Host {
        host: entry.to_lowercase().into(),
        port: None,
        kind: HostKind::Hostname,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> (String, Option<u16>, &'static str) {
        let host = parse_host(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        (host.host.into(), host.port, host.kind.as_str())
    }

    #[test]
    fn kinds() {
        assert_eq!(
            h("DB1.example.com:27018"),
            ("db1.example.com".into(), Some(27018), "hostname")
        );
        assert_eq!(h("10.0.0.5"), ("10.0.0.5".into(), Some(27017), "ipv4"));
        assert_eq!(h("[::1]:27019"), ("::1".into(), Some(27019), "ip_literal"));
        assert_eq!(
            h("%2Ftmp%2Fmongodb-27017.sock"),
            ("/tmp/mongodb-27017.sock".into(), None, "unix")
        );
        assert_eq!(h("rel%2Fm.sock"), ("rel/m.sock".into(), None, "unix"));
    }

    /// The direct reading of a plain host gives what the URL parser gives.
    #[test]
    fn plain_hosts_read_as_the_url_parser_reads_them() {
        let mut entries: Vec<String> = [
            "DB1:27017",
            "h:0",
            "h:00000",
            "h:0080",
            "h:65535",
            "h:65536",
            "h:",
            "h:+1",
            "h: 1",
            "h:1:2",
            "1.2.3.4",
            "01.2.3.4",
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "a_b",
            "-",
            ".",
            "x.sock",
            "X.SOCK",
            "x.sock:1",
            "h:99999999999",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for uri in crate::tests::agreement_corpus() {
            let mut query = crate::split::Query::new();
            if let Ok(parts) = crate::split::split(&uri, &mut query) {
                entries.extend(parts.hosts().map(|h| h.to_string()));
            }
        }
        let mut plain = 0;
        for entry in &entries {
            if plain_host(entry).is_some() {
                plain += 1;
                assert_eq!(parse_host(entry), parse_any_host(entry), "{entry}");
            }
        }
        assert!(plain > 5000, "only {plain} hosts were read directly");
    }

    #[test]
    fn rejects() {
        assert!(parse_host("h:0").is_err());
        assert!(parse_host("h:99999").is_err());
        assert!(parse_host("[::1").is_err());
        assert!(parse_host("a%zz").is_err());
        assert!(parse_host("%zz.sock").is_err());
        assert!(parse_host(":27017").is_err());
    }
}
