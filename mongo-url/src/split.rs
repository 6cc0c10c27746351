//! First stage: the connection string cut into scheme, userinfo, host list, database and query,
//! with the checks the driver's URL reader (`mongodb-connection-string-url`) makes on the way.

use super::error::MongoUrlError;
use super::whatwg;

/// The placeholder host the driver's reader puts in place of the host list before handing the
/// rest to a URL parser; it can surface in a username (see [`split`]).
const PLACEHOLDER_HOST: &str = "__this_is_a_placeholder__";

/// Characters that must be percent-encoded in a username or password.
const RESERVED_IN_USERINFO: &[char] = &[':', '/', '?', '#', '[', ']', '@'];

/// A connection string cut into its parts (percent-decoding done where the driver does it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Parts {
    pub srv: bool,
    /// The host list, split on commas, as written.
    pub hosts: Vec<String>,
    /// Decoded username; `None` when there is no userinfo.
    pub username: Option<String>,
    /// Decoded password; `None` when no `:` follows the username (`user:@` gives `Some("")`).
    pub password: Option<String>,
    /// Database from the path (decoded), `None` when the path is empty or `/`.
    pub database: Option<String>,
    /// Query pairs in order, names as written.
    pub query: Vec<(String, String)>,
    /// Whether an `@` follows the host list before the query (`u:p@ss@db1`): the host list and
    /// database are then most likely the tail of a password with an unescaped `@`, so they are
    /// never shown (the driver still reads them as hosts, and so does the verdict).
    pub unescaped_at: bool,
}

/// The warning for [`Parts::unescaped_at`].
pub(super) const UNESCAPED_AT_WARNING: &str =
    "the password appears to contain an unescaped `@`: write it as %40 (the driver reads the text between the `@`s as hosts, which are not shown here)";

struct Matched<'a> {
    username: Option<&'a str>,
    password: Option<&'a str>,
    hosts: &'a str,
    rest: &'a str,
}

/// Where the host list starts at `after[start..]`: `None` when it would start with `:`.
fn hosts_at(after: &str, start: usize) -> Option<(&str, &str)> {
    let tail = &after[start..];
    if tail.starts_with(':') {
        return None;
    }
    let end = tail.find(['/', '?', '@']).unwrap_or(tail.len());
    // The reader's regular expression stops the rest at the first line terminator.
    let rest = &tail[end..];
    let rest_end = rest
        .find(['\n', '\r', '\u{2028}', '\u{2029}'])
        .unwrap_or(rest.len());
    Some((&tail[..end], &rest[..rest_end]))
}

/// The reader's regular expression
/// `^(?<protocol>[^/]+)://(?:(?<username>[^:@]*)(?::(?<password>[^@]*))?@)?(?<hosts>(?!:)[^/?@]*)(?<rest>.*)`
/// with its backtracking spelled out.
fn match_authority(after: &str) -> Option<Matched<'_>> {
    let userinfo = after.find([':', '@']).and_then(|i| {
        if after[i..].starts_with('@') {
            Some((&after[..i], None, i + 1))
        } else {
            let j = after[i + 1..].find('@')? + i + 1;
            Some((&after[..i], Some(&after[i + 1..j]), j + 1))
        }
    });
    if let Some((username, password, start)) = userinfo {
        if let Some((hosts, rest)) = hosts_at(after, start) {
            return Some(Matched {
                username: Some(username),
                password,
                hosts,
                rest,
            });
        }
    }
    let (hosts, rest) = hosts_at(after, 0)?;
    Some(Matched {
        username: None,
        password: None,
        hosts,
        rest,
    })
}

/// `%XX` for every reserved character of `s`.
pub(super) fn escape_userinfo(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if RESERVED_IN_USERINFO.contains(&c) || c == '%' {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// The reserved characters found in `s`, each with its escape (`'@' as %40`), for a help line
/// that must not repeat a password.
fn escapes_needed(s: &str) -> String {
    let mut seen: Vec<char> = s
        .chars()
        .filter(|c| RESERVED_IN_USERINFO.contains(c))
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen.iter()
        .map(|c| format!("'{c}' as %{:02X}", *c as u32))
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_userinfo(m: &Matched<'_>, after: &str) -> Result<(), MongoUrlError> {
    if let Some(u) = m.username {
        if whatwg::decode_uri_component(u).is_none() {
            return Err(MongoUrlError::userinfo(
                "the username has a `%` that does not start a valid percent-escape",
                "write a literal `%` in the username as %25 (percent-encode the username)",
            ));
        }
    }
    if m.password
        .is_some_and(|p| whatwg::decode_uri_component(p).is_none())
    {
        return Err(MongoUrlError::userinfo(
            "the password has a `%` that does not start a valid percent-escape",
            "write a literal `%` in the password as %25 (percent-encode the password)",
        ));
    }
    if let Some(u) = m.username.filter(|u| u.contains(RESERVED_IN_USERINFO)) {
        return Err(MongoUrlError::userinfo(
            "the username contains unescaped reserved characters",
            format!("percent-encode {} in the username", escapes_needed(u)),
        ));
    }
    let empty = |s: Option<&str>| s.is_none_or(str::is_empty);
    if (empty(m.username) || empty(m.password))
        && (after.starts_with('@') || after.starts_with(':'))
    {
        return Err(MongoUrlError::userinfo(
            "the URL has an empty userinfo section (`@` or `:` right after `://`)",
            "remove the stray `@`/`:` or write `user:password@` in full",
        ));
    }
    if let Some(p) = m.password.filter(|p| p.contains(RESERVED_IN_USERINFO)) {
        return Err(MongoUrlError::userinfo(
            "the password contains unescaped reserved characters",
            format!(
                "percent-encode them in the password: {} (a password written `${{NAME}}` must hold the encoded form)",
                escapes_needed(p)
            ),
        ));
    }
    Ok(())
}

fn invalid_url() -> MongoUrlError {
    MongoUrlError::syntax(
        "the URL cannot be parsed (a host, port or userinfo after the host list is malformed)",
        "check for a stray `@` after the hosts and percent-encode `@` in credentials as %40",
    )
}

/// The part of the URL after the host list, as a URL parser reads it: the userinfo (still
/// percent-encoded), the pathname and the query.
struct Tail {
    userinfo: Option<(String, Option<String>)>,
    pathname: String,
    query: Option<String>,
}

/// The driver hands `protocol://user:pass@<placeholder><rest>` to a WHATWG URL parser: the host
/// list is read apart, host by host, but the userinfo, path and query are the parser's. A stray
/// `@` in `rest` makes the parser's userinfo swallow the placeholder, as it does in the driver.
fn read_tail(m: &Matched<'_>, srv: bool) -> Result<Tail, MongoUrlError> {
    let scheme = if srv { "mongodb+srv" } else { "mongodb" };
    let mut auth = String::new();
    if let Some(u) = m.username {
        auth.push_str(u);
    }
    if let Some(p) = m.password {
        auth.push(':');
        auth.push_str(p);
    }
    if !auth.is_empty() {
        auth.push('@');
    }
    let url = url::Url::parse(&format!("{scheme}://{auth}{PLACEHOLDER_HOST}{}", m.rest))
        .map_err(|_| invalid_url())?;
    let username = url.username();
    // `url` reports the empty password of `user:@` as none; the driver's parser (whatwg-url)
    // keeps it as "", and the spec expects that.
    let password = url
        .password()
        .or(m.password.filter(|p| p.is_empty()))
        .map(str::to_string);
    let userinfo =
        (!username.is_empty() || password.is_some()).then(|| (username.to_string(), password));
    Ok(Tail {
        userinfo,
        pathname: url.path().to_string(),
        query: url.query().map(str::to_string),
    })
}

type Userinfo = (Option<String>, Option<String>);

fn decode_userinfo(raw: Option<(String, Option<String>)>) -> Result<Userinfo, MongoUrlError> {
    let Some((u, p)) = raw else {
        return Ok((None, None));
    };
    let decode = |s: &str| {
        whatwg::decode_uri_component(s).ok_or_else(|| {
            MongoUrlError::userinfo(
                "the userinfo has a `%` that does not start a valid percent-escape",
                "write a literal `%` as %25",
            )
        })
    };
    let username = decode(&u)?;
    let password = p.as_deref().map(&decode).transpose()?;
    if username.is_empty() {
        return Ok((None, None));
    }
    Ok((Some(username), password))
}

/// The database of the path. `quote` says whether an error may repeat the path.
fn database(pathname: &str, quote: bool) -> Result<Option<String>, MongoUrlError> {
    if pathname == "/" || pathname.is_empty() {
        return Ok(None);
    }
    let name = whatwg::decode_uri_component(&pathname[1..]).ok_or_else(|| {
        MongoUrlError::database(
            if quote {
                format!(
                    "the database path `{}` has a `%` that does not start a valid percent-escape",
                    &pathname[1..]
                )
            } else {
                "the database path has a `%` that does not start a valid percent-escape".into()
            },
            if quote {
                "write a literal `%` as %25".to_string()
            } else {
                format!("write a literal `%` as %25; {UNESCAPED_AT_WARNING}")
            },
        )
    })?;
    Ok((!name.is_empty()).then_some(name))
}

/// Cuts `uri` into [`Parts`], failing where the driver's reader fails.
pub(super) fn split(uri: &str) -> Result<Parts, MongoUrlError> {
    let (srv, after) = if let Some(after) = uri.strip_prefix("mongodb://") {
        (false, after)
    } else if let Some(after) = uri.strip_prefix("mongodb+srv://") {
        (true, after)
    } else {
        return Err(MongoUrlError::syntax(
            "the URL must start with `mongodb://` or `mongodb+srv://`",
            "write the scheme in lowercase, with nothing before it: `mongodb://host:27017/rocketchat?replicaSet=rs0`",
        ));
    };
    let m = match_authority(after).ok_or_else(|| {
        MongoUrlError::syntax(
            "the host list cannot start with `:`",
            "write a host before the port: `mongodb://localhost:27017/`",
        )
    })?;
    if m.hosts.is_empty() {
        return Err(MongoUrlError::syntax(
            "the URL has no host",
            "list at least one host after `://`: `mongodb://db1:27017,db2:27017/rocketchat`",
        ));
    }
    check_userinfo(&m, after)?;
    let before_query = &m.rest[..m.rest.find(['?', '#']).unwrap_or(m.rest.len())];
    let unescaped_at = m.username.is_some() && before_query.contains('@');
    let tail = read_tail(&m, srv)?;
    let hosts: Vec<String> = m.hosts.split(',').map(str::to_string).collect();
    if srv && hosts.len() != 1 {
        return Err(MongoUrlError::syntax(
            "a mongodb+srv URL names exactly one service host",
            "write one DNS name after `mongodb+srv://`, or use `mongodb://` with a host list",
        ));
    }
    if srv && hosts.iter().any(|h| h.contains(':')) {
        return Err(MongoUrlError::syntax(
            "a mongodb+srv URL cannot carry a port",
            "remove the port: the SRV record gives the ports",
        ));
    }
    let (username, password) = decode_userinfo(tail.userinfo)?;
    let database = database(&tail.pathname, !unescaped_at)?;
    let query = tail
        .query
        .map(|q| whatwg::parse_query(&q))
        .unwrap_or_default();
    Ok(Parts {
        srv,
        hosts,
        username,
        password,
        database,
        query,
        unescaped_at,
    })
}
