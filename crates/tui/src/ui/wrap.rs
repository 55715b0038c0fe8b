//! Word wrap of styled text into exact lines, so a footer can be sized to what it shows.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Greedy word wrap of `spans` into lines at most `width` columns wide; a word longer than a
/// line is cut. Styles are kept.
pub fn wrap(spans: &[Span<'_>], width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width.max(1));
    let mut lines: Vec<Vec<(char, Style)>> = Vec::new();
    let mut cur: Vec<(char, Style)> = Vec::new();
    let mut cur_width = 0;
    for span in spans {
        for c in span.content.chars() {
            let w = char_width(c);
            if cur_width + w > width && !cur.is_empty() {
                let carry = match cur.iter().rposition(|(ch, _)| *ch == ' ') {
                    Some(space) if c != ' ' => {
                        let rest = cur.split_off(space + 1);
                        cur.pop();
                        rest
                    }
                    _ => Vec::new(),
                };
                lines.push(std::mem::replace(&mut cur, carry));
                cur_width = cur.iter().map(|(ch, _)| char_width(*ch)).sum();
                if c == ' ' {
                    continue;
                }
            }
            cur.push((c, span.style));
            cur_width += w;
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines.into_iter().map(to_line).collect()
}

fn char_width(c: char) -> usize {
    let mut buf = [0u8; 4];
    Span::raw(&*c.encode_utf8(&mut buf)).width()
}

/// Runs of equal style become one span each.
fn to_line(chars: Vec<(char, Style)>) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut text = String::new();
    let mut style: Option<Style> = None;
    for (c, s) in chars {
        if style.is_some_and(|cur| cur != s) {
            spans.push(Span::styled(
                std::mem::take(&mut text),
                style.unwrap_or_default(),
            ));
        }
        style = Some(s);
        text.push(c);
    }
    if let Some(s) = style {
        spans.push(Span::styled(text, s));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Color;

    fn texts(lines: &[Line<'_>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn wraps_at_spaces_and_cuts_long_words() {
        let spans = [Span::raw("error: cannot connect to host")];
        assert_eq!(
            texts(&wrap(&spans, 14)),
            ["error: cannot", "connect to", "host"]
        );
        assert_eq!(
            texts(&wrap(&[Span::raw("abcdefgh")], 3)),
            ["abc", "def", "gh"]
        );
        assert_eq!(texts(&wrap(&[Span::raw("")], 10)), [""]);
        assert_eq!(texts(&wrap(&[Span::raw("fits")], 4)), ["fits"]);
    }

    #[test]
    fn keeps_styles() {
        let red = Style::new().fg(Color::Red);
        let spans = [Span::styled("error: ", red), Span::raw("x y")];
        let lines = wrap(&spans, 8);
        assert_eq!(texts(&lines), ["error: x", "y"]);
        assert_eq!(lines[0].spans[0].style, red);
        assert_eq!(lines[0].spans[1].style, Style::default());
    }
}
