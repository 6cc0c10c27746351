//! What a value may contain to reach a configuration file's syntax unescaped.
//!
//! The renderers paste values into nginx, Apache, HAProxy, systemd, YAML, JavaScript and Mermaid
//! text. Rather than escape each value for seven syntaxes, the checker accepts only values whose
//! characters mean nothing special in any of them; the `S` rules report the rest, and rendering
//! refuses a layout with errors. Each function returns why a value is refused, or `None`.

use std::net::IpAddr;

/// Longest DNS name (RFC 1035).
const MAX_DNS_NAME: usize = 253;
/// Longest path accepted (PATH_MAX on Linux).
const MAX_PATH: usize = 4096;
/// Longest user or group name systemd accepts under its strict rules.
const MAX_ACCOUNT: usize = 31;
/// Longest host name: one DNS label, so it also fits directory and HAProxy server names.
const MAX_HOST_NAME: usize = 63;

/// Describes the first character of `s` that `allowed` rejects, e.g. "a space at position 4".
fn first_bad_char(s: &str, allowed: impl Fn(char) -> bool) -> Option<String> {
    s.chars()
        .enumerate()
        .find(|(_, c)| !allowed(*c))
        .map(|(i, c)| format!("{} at position {}", describe(c), i + 1))
}

/// A character named so a message never embeds raw control characters.
pub fn describe(c: char) -> String {
    match c {
        ' ' => "a space".into(),
        '\n' => "a newline".into(),
        '\r' => "a carriage return".into(),
        '\t' => "a tab".into(),
        '\0' => "a NUL byte".into(),
        '"' => "a double quote".into(),
        '\'' => "a single quote".into(),
        '\\' => "a backslash".into(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c if !c.is_ascii() => format!("the non-ASCII character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

/// A DNS name: dot-separated labels of letters, digits and inner hyphens.
pub fn dns_name(s: &str) -> Option<String> {
    if s.is_empty() {
        return Some("it is empty".into());
    }
    if s.len() > MAX_DNS_NAME {
        return Some(format!("it is longer than {MAX_DNS_NAME} characters"));
    }
    if let Some(bad) = first_bad_char(s, |c| c.is_ascii_alphanumeric() || c == '-' || c == '.') {
        return Some(format!("it contains {bad}"));
    }
    for label in s.split('.') {
        if label.is_empty() {
            return Some("it has an empty label (`..`, or a leading or trailing dot)".into());
        }
        if label.len() > MAX_HOST_NAME {
            return Some(format!("a label is longer than {MAX_HOST_NAME} characters"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some(format!("label `{label}` starts or ends with a hyphen"));
        }
    }
    None
}

/// An IPv4 or IPv6 address, written bare (`fd00::1`, not `[fd00::1]`): renderers add the
/// brackets where a syntax needs them, and INSTANCE_IP / BIND_IP take the bare form.
pub fn is_ip(s: &str) -> bool {
    s.parse::<IpAddr>().is_ok()
}

/// A DNS name or an IP address.
pub fn host_or_ip(s: &str) -> Option<String> {
    if is_ip(s) {
        None
    } else if s.starts_with('[') && is_ip(s.trim_start_matches('[').trim_end_matches(']')) {
        Some("it is a bracketed IPv6 address: write it without brackets".into())
    } else {
        dns_name(s).map(|why| format!("it is not an IP address, and as a DNS name {why}"))
    }
}

/// A public host name for URLs and virtual hosts: a DNS name or an IPv4 address (an IPv6
/// literal would need brackets in every URL the proxies build).
pub fn server_name(s: &str) -> Option<String> {
    if s.parse::<std::net::Ipv4Addr>().is_ok() {
        None
    } else if is_ip(s.trim_start_matches('[').trim_end_matches(']')) {
        Some("it is an IPv6 address: use a DNS name for the public site".into())
    } else {
        dns_name(s).map(|why| format!("it is not an IPv4 address, and as a DNS name {why}"))
    }
}

/// An absolute path of letters, digits and `. _ - + @ /`, without `.`/`..` segments.
/// Excludes what systemd expands (`%`, `$`), what breaks tokens (spaces, quotes, `;`, `{`, `#`)
/// and control characters.
pub fn absolute_path(s: &str) -> Option<String> {
    if !s.starts_with('/') {
        return Some("it is not an absolute path (it must start with `/`)".into());
    }
    if s.len() > MAX_PATH {
        return Some(format!("it is longer than {MAX_PATH} characters"));
    }
    let allowed =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '@' | '/');
    if let Some(bad) = first_bad_char(s, allowed) {
        return Some(format!("it contains {bad}"));
    }
    if s.split('/').any(|seg| seg == "." || seg == "..") {
        return Some("it has a `.` or `..` segment".into());
    }
    None
}

/// A user or group name under systemd's strict rules: `[a-z_][a-z0-9_-]*`, at most 31 characters.
pub fn account_name(s: &str) -> Option<String> {
    if s.is_empty() {
        return Some("it is empty".into());
    }
    if s.len() > MAX_ACCOUNT {
        return Some(format!("it is longer than {MAX_ACCOUNT} characters"));
    }
    let first_ok = s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_');
    if !first_ok {
        return Some("it must start with a lowercase letter or `_`".into());
    }
    first_bad_char(s, |c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-'
    })
    .map(|bad| format!("it contains {bad}"))
}

/// A host's name: it names a directory, HAProxy servers and Apache routes, so one label of
/// letters, digits, `.`, `_`, `-`, starting with a letter or digit.
pub fn host_name(s: &str) -> Option<String> {
    if s.is_empty() {
        return Some("it is empty".into());
    }
    if s.len() > MAX_HOST_NAME {
        return Some(format!("it is longer than {MAX_HOST_NAME} characters"));
    }
    if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Some("it must start with a letter or digit".into());
    }
    first_bad_char(s, |c| {
        c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
    })
    .map(|bad| format!("it contains {bad}"))
}

/// An environment variable name: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn env_name(s: &str) -> Option<String> {
    if s.is_empty() {
        return Some("it is empty".into());
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return Some("it starts with a digit".into());
    }
    first_bad_char(s, |c| c.is_ascii_alphanumeric() || c == '_')
        .map(|bad| format!("it contains {bad}"))
}

/// A value written double-quoted into a systemd EnvironmentFile: no control characters, no `"`,
/// `\` (escape), `$` or backtick (expanded by shells that source the file). `%` is allowed:
/// EnvironmentFile does no specifier expansion, and percent-encoded passwords need it.
/// The message never quotes the value (it may be a secret).
pub fn env_value(s: &str) -> Option<String> {
    first_bad_char(s, |c| {
        !c.is_control() && !matches!(c, '"' | '\\' | '$' | '`' | '\u{2028}' | '\u{2029}')
    })
    .map(|bad| format!("it contains {bad}"))
}

/// A replica set name: letters, digits, `_`, `-`, `.`.
pub fn replica_set_name(s: &str) -> Option<String> {
    if s.is_empty() {
        return Some("it is empty".into());
    }
    if s.len() > MAX_HOST_NAME {
        return Some(format!("it is longer than {MAX_HOST_NAME} characters"));
    }
    first_bad_char(s, |c| {
        c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
    })
    .map(|bad| format!("it contains {bad}"))
}

/// A `host[:port]` or `[v6]:port` member address.
pub fn host_port(s: &str) -> Option<String> {
    let (host, port) = split_host_port(s);
    if let Some(port) = port {
        let numeric = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
        if !numeric || port.parse::<u16>().map_or(true, |p| p == 0) {
            return Some("its port is not a number from 1 to 65535".into());
        }
    }
    host_or_ip(host)
}

/// `host:port`, `[v6]:port` or `host` -> host and optional port text (as MongoDB reads them).
fn split_host_port(s: &str) -> (&str, Option<&str>) {
    if let Some(rest) = s.strip_prefix('[') {
        return match rest.split_once(']') {
            Some((host, "")) => (host, None),
            Some((host, after)) => match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => (s, None),
            },
            None => (s, None),
        };
    }
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h, Some(p)),
        _ => (s, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_values() {
        assert_eq!(dns_name("chat.example.com"), None);
        assert_eq!(host_or_ip("10.0.0.1"), None);
        assert_eq!(host_or_ip("::1"), None);
        assert_eq!(host_or_ip("fd00::1"), None);
        assert!(
            host_or_ip("[fd00::1]").is_some(),
            "brackets are the renderers' job"
        );
        assert_eq!(server_name("chat.example.com"), None);
        assert_eq!(server_name("203.0.113.7"), None);
        assert!(server_name("fd00::1").is_some());
        assert_eq!(absolute_path("/opt/rocket.chat/bundle"), None);
        assert_eq!(account_name("rocketchat"), None);
        assert_eq!(host_name("app-1.eu"), None);
        assert_eq!(env_name("OVERWRITE_SETTING_Site_Name"), None);
        assert_eq!(
            env_value("mongodb://rc:p%40ss@db1:27017/rc?replicaSet=rs0"),
            None
        );
        assert_eq!(env_value("Bob's chat"), None);
        assert_eq!(replica_set_name("rs0"), None);
        assert_eq!(host_port("db1:27017"), None);
        assert_eq!(host_port("[fd00::1]:27017"), None);
    }

    #[test]
    fn refuses_syntax_characters() {
        assert!(dns_name("chat.example.com;").is_some());
        assert!(dns_name("a b").is_some());
        assert!(absolute_path("relative/path").is_some());
        assert!(absolute_path("/opt/%i").is_some());
        assert!(absolute_path("/opt/../etc").is_some());
        assert!(account_name("Root").is_some());
        assert!(host_name("app{1}").is_some());
        assert!(env_name("A-B").is_some());
        assert!(env_value("a\"b").is_some());
        assert!(env_value("a\nB=c").is_some());
        assert!(replica_set_name("rs 0").is_some());
        assert!(host_port("db1:x").is_some());
        assert!(host_port("db1:0").is_some());
        assert!(host_port("[::1]x").is_some());
    }

    #[test]
    fn messages_name_characters_without_raw_control_bytes() {
        let why = env_value("secret\npart").unwrap_or_default();
        assert_eq!(why, "it contains a newline at position 7");
        assert!(!why.contains("secret"));
    }
}
