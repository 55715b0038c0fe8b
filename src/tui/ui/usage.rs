//! Usage pane view: says plainly that request/bandwidth usage is not built yet.

use super::placeholder;
use crate::tui::state::State;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

pub fn draw(frame: &mut Frame<'_>, area: Rect, _state: &State, theme: Theme) {
    let lines = vec![
        Line::raw(
            "Usage (requests and bandwidth per user, bucket, operation and hour, from the Ceph RGW admin API or S3 access logs) is not built yet — tracked in the Usage issue.",
        ),
        Line::raw(""),
        Line::styled("Headless: nothing yet.", theme.dim()),
    ];
    placeholder::draw(frame, area, "Usage", lines, theme);
}
