//! First stage: the connection string cut into scheme, userinfo, host list, database and query,
//! with the checks the driver's URL reader (`mongodb-connection-string-url`) makes on the way.

use super::error::MongoUrlError;
use super::whatwg;
use compact_str::CompactString;
use std::borrow::Cow;

/// The placeholder host the driver's reader puts in place of the host list before handing the
/// rest to a URL parser; it can surface in a username (see [`split`]).
const PLACEHOLDER_HOST: &str = "__this_is_a_placeholder__";

/// Characters that must be percent-encoded in a username or password.
const RESERVED_IN_USERINFO: &[u8] = b":/?#[]@";

/// A connection string cut into its parts (percent-decoding done where the driver does it).
/// Host entries and query pairs borrow from the URL where nothing had to be decoded; the pairs
/// are held by the caller of [`split`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Parts<'a> {
    pub srv: bool,
    /// The host list as written (its entries: [`Parts::hosts`]).
    pub host_list: &'a str,
    /// Decoded username; `None` when there is no userinfo.
    pub username: Option<CompactString>,
    /// Decoded password; `None` when no `:` follows the username (`user:@` gives `Some("")`).
    pub password: Option<CompactString>,
    /// Database from the path (decoded), `None` when the path is empty or `/`.
    pub database: Option<CompactString>,
    /// Query pairs in order, names as written.
    pub query: &'a [(Cow<'a, str>, Cow<'a, str>)],
    /// Whether an `@` follows the host list before the query (`u:p@ss@db1`): the host list and
    /// database are then most likely the tail of a password with an unescaped `@`, so they are
    /// never shown (the driver still reads them as hosts, and so does the verdict).
    pub unescaped_at: bool,
}

impl<'a> Parts<'a> {
    /// The entries of the host list, split on commas.
    pub fn hosts(&self) -> impl Iterator<Item = &'a str> {
        let mut rest = Some(self.host_list);
        std::iter::from_fn(move || {
            let list = rest?;
            match memchr::memchr(b',', list.as_bytes()) {
                Some(comma) => {
                    rest = Some(&list[comma + 1..]);
                    Some(&list[..comma])
                }
                None => {
                    rest = None;
                    Some(list)
                }
            }
        })
    }

    /// How many entries the host list has.
    pub fn host_count(&self) -> usize {
        memchr::memchr_iter(b',', self.host_list.as_bytes()).count() + 1
    }
}

/// The warning for [`Parts::unescaped_at`].
pub(super) const UNESCAPED_AT_WARNING: &str =
    "the password appears to contain an unescaped `@`: write it as %40 (the driver reads the text between the `@`s as hosts, which are not shown here)";

struct Matched<'a> {
    username: Option<&'a str>,
    password: Option<&'a str>,
    hosts: &'a str,
    /// What follows the host list, to the end of the URL. The reader's regular expression stops
    /// it at the first line terminator ([`Matched::line`]); a rest that [`plain_tail`] reads
    /// has none (its bytes are all printable ASCII), so the search for one is left to the URLs
    /// that take the URL parser's way and to the rare `@` after the host list.
    rest: &'a str,
    /// The classes of the user name's and the password's bytes, read once for the checks that
    /// follow.
    username_bytes: Classes,
    password_bytes: Classes,
    /// Where the rest's query or fragment starts (its first `?` or `#`; its length when it has
    /// neither), and the first `@` before that: one search finds both, which [`split`] and
    /// [`plain_tail`] ask.
    query_at: usize,
    at_sign: Option<usize>,
}

impl<'a> Matched<'a> {
    /// The rest as the reader's regular expression matches it: up to the first line terminator.
    fn line(&self) -> &'a str {
        &self.rest[..line_end(self.rest)]
    }

    fn new(
        username: Option<&'a str>,
        password: Option<&'a str>,
        hosts: &'a str,
        rest: &'a str,
    ) -> Self {
        let (at_sign, query_at) = at_sign_and_query(rest);
        Matched {
            username,
            password,
            hosts,
            rest,
            username_bytes: Classes::of(username.unwrap_or("")),
            password_bytes: Classes::of(password.unwrap_or("")),
            query_at,
            at_sign,
        }
    }
}

/// The first `@` of `rest` before its query or fragment, and where that starts (the first `?`
/// or `#`, or the end).
fn at_sign_and_query(rest: &str) -> (Option<usize>, usize) {
    let bytes = rest.as_bytes();
    match memchr::memchr3(b'?', b'#', b'@', bytes) {
        Some(at) if bytes[at] == b'@' => {
            let after = &bytes[at + 1..];
            let query = memchr::memchr2(b'?', b'#', after).unwrap_or(after.len());
            (Some(at), at + 1 + query)
        }
        Some(query) => (None, query),
        None => (None, bytes.len()),
    }
}

/// Where the host list starts at `after[start..]`: `None` when it would start with `:`. The
/// rest is given whole, not yet cut at a line terminator (see [`Matched::rest`]).
fn hosts_at(after: &str, start: usize) -> Option<(&str, &str)> {
    let tail = &after[start..];
    if tail.starts_with(':') {
        return None;
    }
    let end = memchr::memchr3(b'/', b'?', b'@', tail.as_bytes()).unwrap_or(tail.len());
    Some(tail.split_at(end))
}

/// Where the reader's regular expression stops the rest: at the first line terminator (`\n`,
/// `\r`, U+2028, U+2029).
fn line_end(rest: &str) -> usize {
    let bytes = rest.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memchr3(b'\n', b'\r', 0xE2, &bytes[from..]) {
        let at = from + i;
        // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
        if bytes[at] != 0xE2 || matches!(bytes.get(at + 1..at + 3), Some([0x80, 0xA8 | 0xA9])) {
            return at;
        }
        from = at + 1;
    }
    rest.len()
}

/// The reader's regular expression
/// `^(?<protocol>[^/]+)://(?:(?<username>[^:@]*)(?::(?<password>[^@]*))?@)?(?<hosts>(?!:)[^/?@]*)(?<rest>.*)`
/// with its backtracking spelled out.
fn match_authority(after: &str) -> Option<Matched<'_>> {
    let userinfo = memchr::memchr2(b':', b'@', after.as_bytes()).and_then(|i| {
        if after[i..].starts_with('@') {
            Some((&after[..i], None, i + 1))
        } else {
            let j = memchr::memchr(b'@', &after.as_bytes()[i + 1..])? + i + 1;
            Some((&after[..i], Some(&after[i + 1..j]), j + 1))
        }
    });
    if let Some((username, password, start)) = userinfo {
        if let Some((hosts, rest)) = hosts_at(after, start) {
            return Some(Matched::new(Some(username), password, hosts, rest));
        }
    }
    let (hosts, rest) = hosts_at(after, 0)?;
    Some(Matched::new(None, None, hosts, rest))
}

/// `%XX` for every reserved character of `s`.
pub(super) fn escape_userinfo(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() && (RESERVED_IN_USERINFO.contains(&(c as u8)) || c == '%') {
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
        .bytes()
        .filter(|b| RESERVED_IN_USERINFO.contains(b))
        .map(char::from)
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
        if m.username_bytes.any(PERCENT) && !whatwg::is_uri_component(u) {
            return Err(MongoUrlError::userinfo(
                "the username has a `%` that does not start a valid percent-escape",
                "write a literal `%` in the username as %25 (percent-encode the username)",
            ));
        }
    }
    if m.password
        .is_some_and(|p| m.password_bytes.any(PERCENT) && !whatwg::is_uri_component(p))
    {
        return Err(MongoUrlError::userinfo(
            "the password has a `%` that does not start a valid percent-escape",
            "write a literal `%` in the password as %25 (percent-encode the password)",
        ));
    }
    if let Some(u) = m.username.filter(|_| m.username_bytes.any(RESERVED)) {
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
    if let Some(p) = m.password.filter(|_| m.password_bytes.any(RESERVED)) {
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
/// percent-encoded) and the pathname; the query's pairs go to the caller's [`Query`].
#[derive(Debug, PartialEq, Eq)]
struct Tail<'a> {
    userinfo: Option<(Cow<'a, str>, Option<Cow<'a, str>>)>,
    pathname: Cow<'a, str>,
    /// Whether the userinfo and the pathname may hold a `%`, as read when they were cut: one
    /// without is copied as it is, not read again for escapes to decode.
    userinfo_percent: bool,
    pathname_percent: bool,
}

/// Query pairs in order, names as written.
pub(super) type Query<'a> = whatwg::QueryPairs<'a>;

/// The driver hands `protocol://user:pass@<placeholder><rest>` to a WHATWG URL parser: the host
/// list is read apart, host by host, but the userinfo, path and query are the parser's. A stray
/// `@` in `rest` makes the parser's userinfo swallow the placeholder, as it does in the driver.
/// The query's pairs are added to `query`.
fn read_tail<'a>(
    m: &Matched<'a>,
    srv: bool,
    query: &mut Query<'a>,
) -> Result<Tail<'a>, MongoUrlError> {
    match plain_tail(m, query) {
        Some(tail) => Ok(tail),
        None => parse_tail(m, srv, query),
    }
}

/// The tail through the `url` crate's full WHATWG parse, for whatever [`plain_tail`] leaves.
fn parse_tail<'a>(
    m: &Matched<'_>,
    srv: bool,
    query: &mut Query<'a>,
) -> Result<Tail<'a>, MongoUrlError> {
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
    let url = url::Url::parse(&format!("{scheme}://{auth}{PLACEHOLDER_HOST}{}", m.line()))
        .map_err(|_| invalid_url())?;
    let username = url.username();
    // `url` reports the empty password of `user:@` as none; the driver's parser (whatwg-url)
    // keeps it as "", and the spec expects that.
    let password = url
        .password()
        .or(m.password.filter(|p| p.is_empty()))
        .map(|p| Cow::Owned(p.to_string()));
    let userinfo = (!username.is_empty() || password.is_some())
        .then(|| (Cow::Owned(username.to_string()), password));
    if let Some(q) = url.query() {
        let mut pairs = Query::new();
        whatwg::parse_query(q, &mut pairs);
        query.extend(
            pairs
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k.into_owned()), Cow::Owned(v.into_owned()))),
        );
    }
    Ok(Tail {
        userinfo,
        pathname: Cow::Owned(url.path().to_string()),
        userinfo_percent: true,
        pathname_percent: true,
    })
}

/// Whether `b` is one of `set` (a `const` spelling of `contains`, for [`CLASSES`]).
const fn one_of(set: &[u8], b: u8) -> bool {
    let mut i = 0;
    while i < set.len() {
        if set[i] == b {
            return true;
        }
        i += 1;
    }
    false
}

/// Characters a URL parser keeps as they are in userinfo: ASCII letters and digits,
/// `-._~!$&'()*+,` and `%` (whose escapes it leaves alone).
const fn kept_in_userinfo(b: u8) -> bool {
    b.is_ascii_alphanumeric() || one_of(b"-._~!$&'()*+,%", b)
}

/// Characters a URL parser keeps as they are in a path segment: those of userinfo and `;=:`.
const fn kept_in_segment(b: u8) -> bool {
    kept_in_userinfo(b) || one_of(b";=:", b)
}

const USERINFO: u8 = 1;
const SEGMENT: u8 = 2;
const RESERVED: u8 = 4;
const PERCENT: u8 = 8;

/// Each byte's classes above, worked out when compiling: the tests of every character of a URL
/// become one table lookup each.
static CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if kept_in_userinfo(byte) { USERINFO } else { 0 }
            | if kept_in_segment(byte) { SEGMENT } else { 0 }
            | if byte.is_ascii() && one_of(RESERVED_IN_USERINFO, byte) {
                RESERVED
            } else {
                0
            }
            | if byte == b'%' { PERCENT } else { 0 };
        b += 1;
    }
    table
};

/// The classes of a text's bytes: those all its bytes are of, and those any is of. A user name
/// or password is read once, in one loop, rather than once for each question asked of it.
#[derive(Debug, Clone, Copy)]
struct Classes {
    all: u8,
    any: u8,
}

impl Classes {
    fn of(s: &str) -> Classes {
        s.bytes().fold(Classes { all: !0, any: 0 }, |c, b| {
            let class = CLASSES[usize::from(b)];
            Classes {
                all: c.all & class,
                any: c.any | class,
            }
        })
    }

    /// Whether every byte is of `class`.
    fn all(self, class: u8) -> bool {
        self.all & class != 0
    }

    /// Whether a byte is of `class`.
    fn any(self, class: u8) -> bool {
        self.any & class != 0
    }
}

/// The tail read straight from the string when a URL parser would give it back unchanged: the
/// userinfo, the path and the query made only of characters the parser keeps (no tab, newline,
/// space, fragment or non-ASCII), the path one segment that is not `.` or `..` (in any
/// spelling). `None` sends the URL to [`parse_tail`], with `query` left empty. Most real URLs
/// take this way; the tests hold it to `parse_tail`'s result on every corpus and spec-test URL.
/// It reads the rest whole: a rest it accepts has no line terminator, so it is the matched one.
fn plain_tail<'a>(m: &Matched<'a>, query: &mut Query<'a>) -> Option<Tail<'a>> {
    let username = m.username.unwrap_or("");
    if !m.username_bytes.all(USERINFO) || !m.password_bytes.all(USERINFO) {
        return None;
    }
    let (path, query_text) = match m.rest.as_bytes().get(m.query_at) {
        Some(b'?') => (&m.rest[..m.query_at], Some(&m.rest[m.query_at + 1..])),
        // A fragment is the URL parser's.
        Some(_) => return None,
        None => (m.rest, None),
    };
    let segment = match path.strip_prefix('/') {
        Some(segment) => segment,
        None if path.is_empty() => "",
        None => return None,
    };
    let maybe_dots = segment.bytes().all(|b| b"%.2eE".contains(&b));
    let segment_bytes = Classes::of(segment);
    if !segment_bytes.all(SEGMENT) || (maybe_dots && !segment.is_empty()) {
        return None;
    }
    // The query is checked and cut into pairs in the same pass.
    if query_text.is_some_and(|q| !whatwg::plain_query(q, query)) {
        return None;
    }
    let password = m.password.map(Cow::Borrowed);
    let userinfo =
        (!username.is_empty() || password.is_some()).then_some((Cow::Borrowed(username), password));
    Some(Tail {
        userinfo,
        pathname: Cow::Borrowed(path),
        userinfo_percent: m.username_bytes.any(PERCENT) || m.password_bytes.any(PERCENT),
        pathname_percent: segment_bytes.any(PERCENT),
    })
}

type Userinfo = (Option<CompactString>, Option<CompactString>);

/// `s` percent-decoded, or copied as it is when it holds no `%` (`percent` false).
fn decode(s: &str, percent: bool) -> Option<CompactString> {
    if percent {
        whatwg::decode_uri_component(s)
    } else {
        Some(CompactString::from(s))
    }
}

fn decode_userinfo(
    raw: Option<(Cow<'_, str>, Option<Cow<'_, str>>)>,
    percent: bool,
) -> Result<Userinfo, MongoUrlError> {
    let Some((u, p)) = raw else {
        return Ok((None, None));
    };
    let decode = |s: &str| {
        decode(s, percent).ok_or_else(|| {
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

/// The database of the path. `percent` says whether the path may hold a `%`, `quote` whether
/// an error may repeat the path.
fn database(
    pathname: &str,
    percent: bool,
    quote: bool,
) -> Result<Option<CompactString>, MongoUrlError> {
    if pathname == "/" || pathname.is_empty() {
        return Ok(None);
    }
    let name = decode(&pathname[1..], percent).ok_or_else(|| {
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

/// Cuts `uri` into [`Parts`], failing where the driver's reader fails. The query's pairs are
/// put in `query` (empty), which the parts then borrow.
pub(super) fn split<'a, 'q>(
    uri: &'a str,
    query: &'q mut Query<'a>,
) -> Result<Parts<'q>, MongoUrlError> {
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
    // An `@` counts when no line terminator comes before it (the matched rest ends there).
    let unescaped_at =
        m.username.is_some() && m.at_sign.is_some_and(|at| line_end(&m.rest[..at]) == at);
    let tail = read_tail(&m, srv, query)?;
    if srv && m.hosts.contains(',') {
        return Err(MongoUrlError::syntax(
            "a mongodb+srv URL names exactly one service host",
            "write one DNS name after `mongodb+srv://`, or use `mongodb://` with a host list",
        ));
    }
    if srv && m.hosts.contains(':') {
        return Err(MongoUrlError::syntax(
            "a mongodb+srv URL cannot carry a port",
            "remove the port: the SRV record gives the ports",
        ));
    }
    let (username, password) = decode_userinfo(tail.userinfo, tail.userinfo_percent)?;
    let database = database(&tail.pathname, tail.pathname_percent, !unescaped_at)?;
    let query: &'q Query<'a> = query;
    Ok(Parts {
        srv,
        host_list: m.hosts,
        username,
        password,
        database,
        query: query.as_slice(),
        unescaped_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The direct reading gives what the URL parser gives, wherever it is taken.
    #[test]
    fn the_plain_tail_is_what_the_url_parser_reads() {
        let mut plain = 0;
        for uri in crate::tests::agreement_corpus() {
            let (srv, after) = match uri.strip_prefix("mongodb://") {
                Some(after) => (false, after),
                None => match uri.strip_prefix("mongodb+srv://") {
                    Some(after) => (true, after),
                    None => continue,
                },
            };
            // split() reads the tail only after these checks pass.
            let Some(m) = match_authority(after) else {
                continue;
            };
            if m.hosts.is_empty() || check_userinfo(&m, after).is_err() {
                continue;
            }
            let mut direct_query = Query::new();
            if let Some(direct) = plain_tail(&m, &mut direct_query) {
                plain += 1;
                let mut parsed_query = Query::new();
                let parsed = parse_tail(&m, srv, &mut parsed_query).expect(&uri);
                assert_eq!(direct.userinfo, parsed.userinfo, "{uri}");
                assert_eq!(direct.pathname, parsed.pathname, "{uri}");
                // A text said to hold no `%` is copied undecoded: it must hold none.
                let (u, p) = direct.userinfo.clone().unwrap_or_default();
                let userinfo = format!("{u}{}", p.unwrap_or_default());
                assert!(direct.userinfo_percent || !userinfo.contains('%'), "{uri}");
                assert!(
                    direct.pathname_percent || !direct.pathname.contains('%'),
                    "{uri}"
                );
                assert_eq!(direct_query, parsed_query, "{uri}");
            } else {
                assert!(direct_query.is_empty(), "{uri}");
            }
        }
        assert!(plain > 5000, "only {plain} URLs were read directly");
    }

    #[test]
    fn the_rest_stops_at_a_line_terminator() {
        for (rest, end) in [
            ("/db?x=1", 7),
            ("/a\nb", 2),
            ("/a\rb", 2),
            ("/\u{2028}b", 1),
            ("/\u{e9}\u{2029}", 3),
            ("/\u{20ac}\u{2027}x", 8),
        ] {
            assert_eq!(line_end(rest), end, "{rest:?}");
        }
    }

    #[test]
    fn dot_segments_and_fragments_go_to_the_url_parser() {
        for rest in [
            "/.", "/..", "/%2e", "/.%2E", "/a/b", "/db#x", "?a=b#c", "/d b", "/\u{e9}", "/a@b",
        ] {
            let m = Matched::new(None, None, "h", rest);
            assert_eq!(plain_tail(&m, &mut Query::new()), None, "{rest}");
        }
    }
}
