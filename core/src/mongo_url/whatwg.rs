//! The pieces of the WHATWG URL standard that Rocket.Chat's driver leans on when it reads a
//! connection string: input clean-up, percent-decoding (`decodeURIComponent` and the lenient
//! form decoder of `URLSearchParams`), path normalisation, and the host/port grammar of a URL
//! whose scheme is not "special" (`mongodb:`, `iLoveJS:`). Only what changes a verdict or a
//! parsed value is reproduced.

/// Input clean-up every WHATWG parse starts with: leading and trailing C0 controls and spaces
/// go, and so does every tab, line feed and carriage return.
pub(super) fn clean_input(s: &str) -> String {
    s.trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

/// Removes tabs and newlines only (inner parts of a URL whose ends are not trimmed).
pub(super) fn drop_tabs_and_newlines(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// JavaScript's `decodeURIComponent`: every `%` must start a `%XX` escape and the escapes must
/// spell valid UTF-8; `None` where JavaScript throws `URIError: URI malformed`.
pub fn decode_uri_component(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = hex_value(*bytes.get(i + 1)?)?;
            let lo = hex_value(*bytes.get(i + 2)?)?;
            out.push(hi * 16 + lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    // A raw character is whole UTF-8, so invalid UTF-8 here can only come from the escapes.
    String::from_utf8(out).ok()
}

/// The percent-decoder of `application/x-www-form-urlencoded`: a `%` not followed by two hex
/// digits stays as it is, and bytes that are not UTF-8 become U+FFFD.
fn percent_decode_lenient(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| Some(hex_value(*bytes.get(i + 1)?)? * 16 + hex_value(*bytes.get(i + 2)?)?))
            .flatten();
        match escaped {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `URLSearchParams` over a query string: `&`-separated pairs, empty pairs skipped, the name
/// ends at the first `=`, `+` means a space.
pub(super) fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent_decode_lenient(&name.replace('+', " ")),
                percent_decode_lenient(&value.replace('+', " ")),
            )
        })
        .collect()
}

fn is_single_dot(segment: &str) -> bool {
    segment == "." || segment.eq_ignore_ascii_case("%2e")
}

fn is_double_dot(segment: &str) -> bool {
    matches!(
        segment.to_ascii_lowercase().as_str(),
        ".." | ".%2e" | "%2e." | "%2e%2e"
    )
}

/// The serialised pathname of a path that starts with `/`: dot segments resolved the way a
/// URL parser resolves them (`/a/../b` is `/b`).
pub(super) fn normalize_path(path: &str) -> String {
    let raw: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
    let mut segments: Vec<&str> = Vec::new();
    for (i, segment) in raw.iter().enumerate() {
        let last = i + 1 == raw.len();
        if is_double_dot(segment) {
            segments.pop();
            if last {
                segments.push("");
            }
        } else if is_single_dot(segment) {
            if last {
                segments.push("");
            }
        } else {
            segments.push(segment);
        }
    }
    segments.iter().map(|s| format!("/{s}")).collect()
}

/// A host as a URL with a non-special scheme reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum UrlHost {
    /// An opaque host, still percent-encoded as the URL serialises it.
    Opaque(String),
    /// An IPv6 literal, serialised in its compressed lowercase form (without brackets).
    Ipv6(String),
}

/// The host and port of an authority (what follows the userinfo, up to `/`, `?` or `#`).
/// `None` where a URL parser fails.
pub(super) fn parse_host_port(authority: &str) -> Option<(UrlHost, Option<u16>)> {
    let mut inside_brackets = false;
    let mut split = None;
    for (i, c) in authority.char_indices() {
        match c {
            '[' => inside_brackets = true,
            ']' => inside_brackets = false,
            ':' if !inside_brackets => {
                split = Some(i);
                break;
            }
            _ => {}
        }
    }
    let (host, port) = match split {
        Some(i) => (&authority[..i], Some(&authority[i + 1..])),
        None => (authority, None),
    };
    if host.is_empty() && port.is_some() {
        return None;
    }
    let host = parse_host(host)?;
    let port = match port {
        None | Some("") => None,
        Some(p) => Some(parse_port(p)?),
    };
    Some((host, port))
}

fn parse_port(p: &str) -> Option<u16> {
    if !p.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = p.trim_start_matches('0');
    if digits.len() > 5 {
        return None;
    }
    if digits.is_empty() {
        return Some(0);
    }
    digits
        .parse::<u32>()
        .ok()
        .and_then(|v| u16::try_from(v).ok())
}

/// Code points an opaque host may not hold.
fn is_forbidden_host_code_point(c: char) -> bool {
    matches!(
        c,
        '\0' | '\t'
            | '\n'
            | '\r'
            | ' '
            | '#'
            | '/'
            | ':'
            | '<'
            | '>'
            | '?'
            | '@'
            | '['
            | '\\'
            | ']'
            | '^'
            | '|'
    )
}

fn parse_host(host: &str) -> Option<UrlHost> {
    if let Some(inner) = host.strip_prefix('[') {
        let inner = inner.strip_suffix(']')?;
        return parse_ipv6(inner).map(|pieces| UrlHost::Ipv6(serialize_ipv6(&pieces)));
    }
    if host.chars().any(is_forbidden_host_code_point) {
        return None;
    }
    let mut encoded = String::with_capacity(host.len());
    for c in host.chars() {
        if !(' '..='~').contains(&c) {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                encoded.push_str(&format!("%{b:02X}"));
            }
        } else {
            encoded.push(c);
        }
    }
    Some(UrlHost::Opaque(encoded))
}

/// The WHATWG IPv6 parser (it accepts an embedded dotted IPv4 tail, rejects octets with
/// leading zeros).
pub(super) fn parse_ipv6(input: &str) -> Option<[u16; 8]> {
    let c: Vec<char> = input.chars().collect();
    let at = |p: usize| c.get(p).copied();
    let mut address = [0u16; 8];
    let mut piece = 0usize;
    let mut compress: Option<usize> = None;
    let mut p = 0usize;
    if at(p) == Some(':') {
        if at(p + 1) != Some(':') {
            return None;
        }
        p += 2;
        piece += 1;
        compress = Some(piece);
    }
    while at(p).is_some() {
        if piece == 8 {
            return None;
        }
        if at(p) == Some(':') {
            if compress.is_some() {
                return None;
            }
            p += 1;
            piece += 1;
            compress = Some(piece);
            continue;
        }
        let mut value: u32 = 0;
        let mut length = 0;
        while length < 4 {
            match at(p).and_then(|ch| ch.to_digit(16)) {
                Some(d) => {
                    value = value * 16 + d;
                    p += 1;
                    length += 1;
                }
                None => break,
            }
        }
        if at(p) == Some('.') {
            if length == 0 || piece > 6 {
                return None;
            }
            p -= length;
            let mut numbers_seen = 0;
            while at(p).is_some() {
                if numbers_seen > 0 {
                    if at(p) == Some('.') && numbers_seen < 4 {
                        p += 1;
                    } else {
                        return None;
                    }
                }
                at(p).filter(|ch| ch.is_ascii_digit())?;
                let mut ipv4_piece: Option<u32> = None;
                while let Some(d) = at(p).and_then(|ch| ch.to_digit(10)) {
                    ipv4_piece = match ipv4_piece {
                        None => Some(d),
                        Some(0) => return None,
                        Some(v) => Some(v * 10 + d),
                    };
                    if ipv4_piece.is_some_and(|v| v > 255) {
                        return None;
                    }
                    p += 1;
                }
                let v = ipv4_piece.unwrap_or(0);
                address[piece] = address[piece].wrapping_mul(0x100).wrapping_add(v as u16);
                numbers_seen += 1;
                if numbers_seen == 2 || numbers_seen == 4 {
                    piece += 1;
                }
            }
            if numbers_seen != 4 {
                return None;
            }
            break;
        } else if at(p) == Some(':') {
            p += 1;
            at(p)?;
        } else if at(p).is_some() {
            return None;
        }
        address[piece] = value as u16;
        piece += 1;
    }
    match compress {
        Some(start) => {
            let mut swaps = piece - start;
            let mut index = 7;
            while index != 0 && swaps > 0 {
                address.swap(index, start + swaps - 1);
                index -= 1;
                swaps -= 1;
            }
        }
        None if piece != 8 => return None,
        None => {}
    }
    Some(address)
}

/// WHATWG IPv6 serialisation: lowercase hex, the first longest run (of two or more) of zero
/// pieces written as `::`.
pub(super) fn serialize_ipv6(pieces: &[u16; 8]) -> String {
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < 8 {
        if pieces[i] == 0 {
            let start = i;
            while i < 8 && pieces[i] == 0 {
                i += 1;
            }
            let len = i - start;
            if len > 1 && best.is_none_or(|(_, l)| len > l) {
                best = Some((start, len));
            }
        } else {
            i += 1;
        }
    }
    let mut out = String::new();
    let mut i = 0;
    let mut ignore0 = false;
    while i < 8 {
        if ignore0 && pieces[i] == 0 {
            i += 1;
            continue;
        }
        ignore0 = false;
        if let Some((start, _)) = best {
            if start == i {
                out.push_str(if i == 0 { "::" } else { ":" });
                ignore0 = true;
                i += 1;
                continue;
            }
        }
        out.push_str(&format!("{:x}", pieces[i]));
        if i != 7 {
            out.push(':');
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_javascript() {
        assert_eq!(decode_uri_component("a%40b").as_deref(), Some("a@b"));
        assert_eq!(decode_uri_component("%C3%A9").as_deref(), Some("é"));
        assert_eq!(decode_uri_component("%zz"), None);
        assert_eq!(decode_uri_component("%C3"), None);
        assert_eq!(decode_uri_component("100%"), None);
    }

    #[test]
    fn form_decoding_is_lenient() {
        assert_eq!(
            parse_query("a=b+c&&d=%zz&e"),
            [
                ("a".into(), "b c".into()),
                ("d".into(), "%zz".into()),
                ("e".into(), "".into())
            ]
        );
    }

    #[test]
    fn dot_segments_resolve() {
        assert_eq!(normalize_path("/a/../b"), "/b");
        assert_eq!(normalize_path("/a/.."), "/");
        assert_eq!(normalize_path("/db"), "/db");
        assert_eq!(normalize_path("/"), "/");
        assert_eq!(normalize_path("/./x/%2E"), "/x/");
    }

    #[test]
    fn ipv6_round_trips() {
        let p = |s: &str| parse_ipv6(s).map(|a| serialize_ipv6(&a));
        assert_eq!(p("::1").as_deref(), Some("::1"));
        assert_eq!(p("0:0:0:0:0:0:0:1").as_deref(), Some("::1"));
        assert_eq!(p("fe80::1:2").as_deref(), Some("fe80::1:2"));
        assert_eq!(p("::ffff:1.2.3.4").as_deref(), Some("::ffff:102:304"));
        assert_eq!(p("1:2:3:4:5:6:7:8").as_deref(), Some("1:2:3:4:5:6:7:8"));
        assert_eq!(p("::"), Some("::".into()));
        assert_eq!(p("1::2::3"), None);
        assert_eq!(p(":1"), None);
        assert_eq!(p("::01.2.3.4"), None);
        assert_eq!(p("12345::"), None);
    }

    #[test]
    fn host_and_port() {
        assert_eq!(
            parse_host_port("Example.com:27018"),
            Some((UrlHost::Opaque("Example.com".into()), Some(27018)))
        );
        assert_eq!(parse_host_port("h:65536"), None);
        assert_eq!(parse_host_port(":1"), None);
        assert_eq!(parse_host_port("h:x"), None);
        assert_eq!(parse_host_port("a^b"), None);
        assert_eq!(
            parse_host_port("[::1]:0080"),
            Some((UrlHost::Ipv6("::1".into()), Some(80)))
        );
        assert_eq!(
            parse_host_port(""),
            Some((UrlHost::Opaque("".into()), None))
        );
    }
}
