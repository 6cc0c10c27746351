//! Text that is safe to print on a terminal.

use std::borrow::Cow;

/// `text` with every control character escaped (`\n`, `\u{1b}`): a value quoted in a line of
/// output can then neither forge another line nor send terminal escape sequences.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::escape_controls;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(
            escape_controls("7.11.0-a\n[Service]\u{1b}[2J"),
            "7.11.0-a\\n[Service]\\u{1b}[2J"
        );
        assert_eq!(escape_controls("plain é `x`"), "plain é `x`");
        assert_eq!(escape_controls("tab\there\r"), "tab\\there\\r");
    }
}
