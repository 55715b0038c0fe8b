//! Untrusted text (object keys, metadata, server messages) made safe to print on a terminal.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Escapes control characters (C0, DEL, C1) and bidi overrides so that keys and metadata can
/// never move the cursor, change colours or hide text. Printable text is returned unchanged.
pub fn escape_control(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x100 => {
                    let _ = write!(out, "\\x{:02x}", c as u32);
                }
                c => {
                    let _ = write!(out, "\\u{{{:x}}}", c as u32);
                }
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_sequences_and_keeps_unicode() {
        assert_eq!(escape_control("a\x1b[31mb"), "a\\x1b[31mb");
        assert_eq!(escape_control("x\u{9b}y\u{7f}"), "x\\x9by\\x7f");
        assert_eq!(escape_control("line\nnext\ttab"), "line\\nnext\\ttab");
        assert_eq!(escape_control("évite 日本 %+ sp"), "évite 日本 %+ sp");
        assert_eq!(escape_control("\u{202e}abc"), "\\u{202e}abc");
        assert!(matches!(escape_control("plain"), Cow::Borrowed(_)));
    }
}
