//! Browse pane view: the bucket picked in Buckets, and a plain note that the scan is not built yet.

use super::placeholder;
use crate::tui::sanitize;
use crate::tui::state::State;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let mut lines = Vec::new();
    match &state.browse.bucket {
        Some(bucket) => {
            let mut spans = vec![
                Span::raw("Selected bucket: "),
                Span::styled("s3://", theme.title()),
            ];
            spans.extend(sanitize::spans(
                bucket,
                Style::new().add_modifier(Modifier::BOLD),
                theme.escaped(),
            ));
            lines.push(Line::from(spans));
        }
        None => lines.push(Line::styled(
            "No bucket selected: pick one in Buckets and press Enter.",
            theme.dim(),
        )),
    }
    lines.push(Line::raw(""));
    lines.push(Line::raw(
        "Browse (prefix tree scan) is not built yet — tracked in the Browse and Buckets issue.",
    ));
    lines.push(Line::raw(""));
    lines.push(Line::styled("Headless: nothing yet.", theme.dim()));
    placeholder::draw(frame, area, "Browse", lines, theme);
}
