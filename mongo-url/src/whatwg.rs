//! The pieces of the WHATWG URL standard that Rocket.Chat's driver leans on when it reads a
//! connection string. The driver hands parts of the string to a WHATWG URL parser
//! (`whatwg-url`, and Node's `URL` for each host); the `url`, `percent-encoding` and
//! `form_urlencoded` crates implement the same standard. What is left here is where the driver
//! does something a URL parser does not, each with the reason.

use super::words;
use compact_str::CompactString;
use smallvec::SmallVec;
use std::borrow::Cow;

/// JavaScript's `decodeURIComponent`: every `%` must start a `%XX` escape and the escapes must
/// spell valid UTF-8; `None` where JavaScript throws `URIError: URI malformed`.
pub fn decode_uri_component(s: &str) -> Option<CompactString> {
    // The driver decodes userinfo and the database with JavaScript's strict decoder, which throws
    // on a `%` that starts no escape; percent-encoding's decoder keeps such a `%` as it is.
    if !has_percent(s) {
        return Some(CompactString::from(s));
    }
    let bytes = s.as_bytes();
    let escapes_complete = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'%')
        .all(|(i, _)| {
            bytes
                .get(i + 1..i + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
        });
    if !escapes_complete {
        return None;
    }
    percent_encoding::percent_decode(bytes)
        .decode_utf8()
        .ok()
        .map(CompactString::from)
}

/// Whether [`decode_uri_component`] decodes `s` (decoding, and so copying, only a text with a
/// `%` in it).
pub fn is_uri_component(s: &str) -> bool {
    !has_percent(s) || decode_uri_component(s).is_some()
}

/// Whether `s` holds a `%`. A plain loop: the strings are short (a user name, a password, a
/// database), and a `memchr` call cost about 50 instructions where the loop costs a few a byte.
fn has_percent(s: &str) -> bool {
    s.bytes().any(|b| b == b'%')
}

/// How many pairs a query holds in place: more options than most URLs carry. A longer query
/// moves them to the heap.
const TYPICAL_PAIRS: usize = 8;

/// A query's `(name, value)` pairs in order. They live only while the URL is read: the parse
/// keeps them on its stack and the query's readers fill them in place (a returned vector held
/// in place would be copied at each return).
pub(super) type QueryPairs<'a> = SmallVec<[(Cow<'a, str>, Cow<'a, str>); TYPICAL_PAIRS]>;

/// `URLSearchParams` over a query string: `&`-separated pairs, empty pairs skipped, the name
/// ends at the first `=`, `+` means a space, lenient percent-decoding; added to `pairs`.
/// Names and values borrow from `query` where nothing was decoded: a pair without `%` or `+`
/// is cut in place, any other is decoded by `form_urlencoded`.
pub(super) fn parse_query<'a>(query: &'a str, pairs: &mut QueryPairs<'a>) {
    let mut rest = query;
    while !rest.is_empty() {
        let end = memchr::memchr(b'&', rest.as_bytes()).unwrap_or(rest.len());
        if end > 0 {
            pairs.push(pair(&rest[..end]));
        }
        rest = rest.get(end + 1..).unwrap_or("");
    }
}

/// What a byte of a query is to [`pair`] and [`plain_query`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum QueryByte {
    /// Kept as it is, both by a URL parser and by `URLSearchParams`.
    Plain,
    /// `=`: may end the name.
    Equals,
    /// `%` or `+`: the pair needs decoding.
    Decoded,
    /// `&`: ends the pair.
    Ampersand,
    /// A byte a URL parser percent-encodes in the query of a `mongodb://` URL (not a special
    /// scheme): all but printable ASCII, and `"`, `#`, `<`, `>`.
    Encoded,
}

/// Each byte's [`QueryByte`], worked out when compiling.
static QUERY_BYTES: [QueryByte; 256] = {
    let mut table = [QueryByte::Encoded; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = match byte {
            b'=' => QueryByte::Equals,
            b'%' | b'+' => QueryByte::Decoded,
            b'&' => QueryByte::Ampersand,
            b'"' | b'#' | b'<' | b'>' => QueryByte::Encoded,
            _ if byte.is_ascii_graphic() => QueryByte::Plain,
            _ => QueryByte::Encoded,
        };
        b += 1;
    }
    table
};

/// One `name=value` pair (not empty, no `&`): cut at its first `=` when nothing needs decoding,
/// else decoded by `form_urlencoded`, which yields exactly one pair for it.
fn pair(text: &str) -> (Cow<'_, str>, Cow<'_, str>) {
    let mut equals = None;
    let mut decoded = false;
    for (at, &b) in text.as_bytes().iter().enumerate() {
        match QUERY_BYTES[usize::from(b)] {
            QueryByte::Equals => equals = equals.or(Some(at)),
            QueryByte::Decoded => decoded = true,
            _ => {}
        }
    }
    cut_pair(text, equals, decoded)
}

/// A pair whose first `=` (if any) and need for decoding are known. Inlined: most pairs need
/// no decoding and are cut in a few instructions where the call and its return cost more.
#[inline(always)]
fn cut_pair(text: &str, equals: Option<usize>, decoded: bool) -> (Cow<'_, str>, Cow<'_, str>) {
    if decoded {
        if let Some(pair) = decode_pair(text) {
            return pair;
        }
    }
    match equals {
        Some(i) => (Cow::Borrowed(&text[..i]), Cow::Borrowed(&text[i + 1..])),
        None => (Cow::Borrowed(text), Cow::Borrowed("")),
    }
}

/// A pair with an escape or a `+`, decoded by `form_urlencoded`.
#[inline(never)]
fn decode_pair(text: &str) -> Option<(Cow<'_, str>, Cow<'_, str>)> {
    form_urlencoded::parse(text.as_bytes()).next()
}

/// [`parse_query`] of a query a URL parser gives back unchanged (every byte printable ASCII but
/// `"`, `#`, `<`, `>`), in one pass that both checks the bytes and cuts the pairs. The pass
/// looks only at the bytes [`words::not_plain_in_query`] flags (the separators, escapes and
/// rare punctuation), skipping the letters and digits between them eight at a time.
/// `false` for any other query, which must go through the URL parser first (`pairs` is then
/// left empty).
pub(super) fn plain_query<'a>(query: &'a str, pairs: &mut QueryPairs<'a>) -> bool {
    let mut start = 0;
    let mut equals = None;
    let mut decoded = false;
    let bytes = query.as_bytes();
    for at in words::Flagged::new(bytes, b'a', words::not_plain_in_query) {
        match QUERY_BYTES[usize::from(bytes[at])] {
            QueryByte::Plain => {}
            QueryByte::Equals => equals = equals.or(Some(at - start)),
            QueryByte::Decoded => decoded = true,
            QueryByte::Ampersand => {
                if at > start {
                    pairs.push(cut_pair(&query[start..at], equals, decoded));
                }
                start = at + 1;
                equals = None;
                decoded = false;
            }
            QueryByte::Encoded => {
                pairs.clear();
                return false;
            }
        }
    }
    if query.len() > start {
        pairs.push(cut_pair(&query[start..], equals, decoded));
    }
    true
}

/// The host and port of one host of the list, as the driver's `new URL("iLoveJS://" + host)`
/// reads them: the host serialised as the URL does (an opaque host still percent-encoded, an
/// IPv6 literal in brackets). `None` where the URL parser fails.
pub(super) fn parse_host_port(entry: &str) -> Option<(String, Option<u16>)> {
    // A URL parser drops tabs and newlines anywhere and trims spaces and controls at the ends
    // (the driver has turned inner spaces into %20 before); the authority ends at `/`, `?`, `#`.
    let cleaned: String = entry
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let cleaned = cleaned.trim_matches(|c: char| c <= ' ');
    let authority = &cleaned[..cleaned.find(['/', '?', '#']).unwrap_or(cleaned.len())];
    let (host, port) = split_port(authority);
    if host.is_empty() && port.is_some() {
        return None;
    }
    let host = url::Host::parse_opaque(host).ok()?;
    let port = match port {
        None | Some("") => None,
        Some(p) => Some(parse_port(p)?),
    };
    Some((host.to_string(), port))
}

/// The authority cut at its first `:` outside brackets.
fn split_port(authority: &str) -> (&str, Option<&str>) {
    let mut inside_brackets = false;
    for (i, c) in authority.char_indices() {
        match c {
            '[' => inside_brackets = true,
            ']' => inside_brackets = false,
            ':' if !inside_brackets => return (&authority[..i], Some(&authority[i + 1..])),
            _ => {}
        }
    }
    (authority, None)
}

/// The URL standard's port: ASCII digits (leading zeros allowed) up to 65535. The `url` crate
/// parses ports only inside a whole URL, so this one rule is spelled out.
pub(super) fn parse_port(p: &str) -> Option<u16> {
    if p.is_empty() {
        return None;
    }
    // Saturating above any port, so that leading zeros and long numbers need no special case.
    let mut value: u32 = 0;
    for b in p.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        value = (value * 10 + u32::from(b - b'0')).min(1 << 20);
    }
    u16::try_from(value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_javascript() {
        assert_eq!(decode_uri_component("a%40b").as_deref(), Some("a@b"));
        assert_eq!(decode_uri_component("%C3%A9").as_deref(), Some("é"));
        assert_eq!(decode_uri_component("a+b").as_deref(), Some("a+b"));
        assert_eq!(decode_uri_component("%zz"), None);
        assert_eq!(decode_uri_component("%C3"), None);
        assert_eq!(decode_uri_component("100%"), None);
        assert_eq!(decode_uri_component("%%41"), None);
    }

    fn parsed(query: &str) -> QueryPairs<'_> {
        let mut pairs = QueryPairs::new();
        parse_query(query, &mut pairs);
        pairs
    }

    #[test]
    fn form_decoding_is_lenient() {
        assert_eq!(
            parsed("a=b+c&&d=%zz&e").as_slice(),
            [
                (Cow::from("a"), Cow::from("b c")),
                ("d".into(), "%zz".into()),
                ("e".into(), "".into())
            ]
        );
    }

    #[test]
    fn query_pairs_are_what_form_urlencoded_reads() {
        let mut queries: Vec<String> = crate::tests::agreement_corpus()
            .iter()
            .filter_map(|u| u.split_once('?').map(|(_, q)| q.to_string()))
            .collect();
        queries.extend(
            [
                "", "&", "&&a", "=", "==", "a=b=c", "%", "+=+", "a&b=", "%zz=%41+",
            ]
            .map(String::from),
        );
        for q in &queries {
            let ours: Vec<(String, String)> = parsed(q)
                .into_iter()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let theirs: Vec<(String, String)> = form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            assert_eq!(ours, theirs, "{q}");
            let mut plain = QueryPairs::new();
            if plain_query(q, &mut plain) {
                assert_eq!(plain, parsed(q), "{q}");
            } else {
                assert!(plain.is_empty(), "{q}");
            }
        }
    }

    #[test]
    fn host_and_port() {
        let p = |s: &str| parse_host_port(s);
        assert_eq!(
            p("Example.com:27018"),
            Some(("Example.com".into(), Some(27018)))
        );
        assert_eq!(p("h:65536"), None);
        assert_eq!(p(":1"), None);
        assert_eq!(p("h:x"), None);
        assert_eq!(p("a^b"), None);
        assert_eq!(p("[::1]:0080"), Some(("[::1]".into(), Some(80))));
        assert_eq!(
            p("[0:0:0:0:0:ffff:1.2.3.4]"),
            Some(("[::ffff:102:304]".into(), None))
        );
        assert_eq!(p("[::01.2.3.4]"), None);
        assert_eq!(p("[1::2::3]"), None);
        assert_eq!(p("caf\u{e9}"), Some(("caf%C3%A9".into(), None)));
        assert_eq!(p(""), Some(("".into(), None)));
    }
}
