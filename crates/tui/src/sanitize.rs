//! Untrusted text (bucket names, server errors) turned into spans that can never drive the terminal.
//!
//! The escaping rule is the crate's one rule, [`s3scope_core::text::escape_control`], so a key looks
//! the same in the TUI and in headless output; here the escapes also get their own style so
//! that a literal `\x1b` typed into a name and an escaped ESC character are told apart.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use std::borrow::Cow;

/// The text with control characters and bidi overrides shown escaped (`\x1b`, `\u{202e}`).
pub fn sanitize(s: &str) -> Cow<'_, str> {
    s3scope_core::text::escape_control(s)
}

/// Spans of `s`: plain runs in `base`, escapes in `escaped`.
pub fn spans<'a>(s: &str, base: Style, escaped: Style) -> Vec<Span<'a>> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut buf = [0u8; 4];
    for c in s.chars() {
        let one: &str = c.encode_utf8(&mut buf);
        match s3scope_core::text::escape_control(one) {
            Cow::Borrowed(_) => plain.push(c),
            Cow::Owned(esc) => {
                if !plain.is_empty() {
                    out.push(Span::styled(std::mem::take(&mut plain), base));
                }
                out.push(Span::styled(esc, base.patch(escaped)));
            }
        }
    }
    if !plain.is_empty() || out.is_empty() {
        out.push(Span::styled(plain, base));
    }
    out
}

/// One line of untrusted text.
pub fn line<'a>(s: &str, base: Style, escaped: Style) -> Line<'a> {
    Line::from(spans(s, base, escaped))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;

    fn joined(spans: &[Span<'_>]) -> String {
        spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn escape_sequences_are_shown_not_sent() {
        assert_eq!(sanitize("evil\x1b[2J\x07name"), "evil\\x1b[2J\\x07name");
        assert_eq!(sanitize("a\u{9b}31m"), "a\\x9b31m");
        assert_eq!(sanitize("del\u{7f}"), "del\\x7f");
        assert_eq!(sanitize("two\nlines\r"), "two\\nlines\\r");
        assert_eq!(sanitize("\u{202e}txt.exe"), "\\u{202e}txt.exe");
    }

    #[test]
    fn printable_text_is_unchanged_and_borrowed() {
        assert!(matches!(sanitize("logs-2024 日本 é %+"), Cow::Borrowed(_)));
    }

    #[test]
    fn spans_mark_escapes() {
        let esc = Style::new().add_modifier(Modifier::UNDERLINED);
        let s = spans("a\x1b[31mb", Style::new(), esc);
        assert_eq!(joined(&s), "a\\x1b[31mb");
        assert_eq!(s.len(), 3);
        assert_eq!(s[1].content, "\\x1b");
        assert!(s[1].style.add_modifier.contains(Modifier::UNDERLINED));
        assert!(!s[2].style.add_modifier.contains(Modifier::UNDERLINED));
        let none = spans("", Style::new(), esc);
        assert_eq!(joined(&none), "");
        for span in spans("\x1b\x1b\u{7f}", Style::new(), esc) {
            assert!(!span.content.chars().any(char::is_control));
        }
    }
}
