//! Texts of steps (descriptions, paths, URLs) joined from their pieces. A plan writes several per
//! instance; `format!` goes through the formatting machinery piece by piece and grows its string
//! as it goes, where a join sizes the string once and copies each piece once.

/// The pieces, one after the other.
pub(crate) fn concat(pieces: &[&str]) -> String {
    let mut out = String::with_capacity(pieces.iter().map(|p| p.len()).sum());
    for piece in pieces {
        out.push_str(piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concat_writes_what_format_writes() {
        let id = "app1:3000";
        assert_eq!(concat(&["stop ", id]), format!("stop {id}"));
        assert_eq!(concat(&[]), "");
    }
}
