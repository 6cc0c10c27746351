//! Small facts about addresses.

/// `localhost`, `127.x.y.z`, `::1` (with or without brackets).
pub fn is_loopback(address: &str) -> bool {
    let a = address.trim_start_matches('[').trim_end_matches(']');
    a.eq_ignore_ascii_case("localhost")
        || a.eq_ignore_ascii_case("localhost.localdomain")
        || a == "::1"
        || a.strip_prefix("127.").is_some_and(|rest| {
            rest.split('.').count() == 3 && rest.split('.').all(|o| o.parse::<u8>().is_ok())
        })
}

/// `0.0.0.0` or `::`: every interface.
pub fn is_wildcard(address: &str) -> bool {
    matches!(address, "0.0.0.0" | "::" | "[::]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback() {
        assert!(is_loopback("localhost"));
        assert!(is_loopback("127.0.0.1"));
        assert!(is_loopback("127.1.2.3"));
        assert!(is_loopback("[::1]"));
        assert!(!is_loopback("10.0.0.1"));
        assert!(!is_loopback("127.example.com"));
    }
}
