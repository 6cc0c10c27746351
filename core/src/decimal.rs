//! Numbers as decimal text without the formatting machinery: resolving and rendering write a
//! port or two for every instance, and `format!`/`to_string` cost several times `itoa`'s
//! conversion (most of it in `Formatter::pad_integral`).

/// Appends `n` in decimal, as `n.to_string()` writes it.
pub(crate) fn push_decimal(out: &mut String, n: u64) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// `n` in decimal, as `n.to_string()` writes it.
pub(crate) fn decimal(n: u64) -> String {
    let mut out = String::with_capacity(20);
    push_decimal(&mut out, n);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_to_string_writes() {
        for n in (0..100_000).chain([u64::from(u16::MAX), u64::from(u32::MAX), u64::MAX]) {
            assert_eq!(decimal(n), n.to_string());
        }
        let mut s = String::from("app1:");
        push_decimal(&mut s, 3000);
        assert_eq!(s, "app1:3000");
    }
}
