//! Jobs pane view: says plainly that extract/process jobs are not built yet.

use super::placeholder;
use crate::tui::state::State;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

pub fn draw(frame: &mut Frame<'_>, area: Rect, _state: &State, theme: Theme) {
    let lines = vec![
        Line::raw(
            "Jobs (extract and process runs with stages, progress, throughput, ETA and cancel) is not built yet — tracked in the Extract and process issue.",
        ),
        Line::raw(""),
        Line::styled("Headless: nothing yet.", theme.dim()),
    ];
    placeholder::draw(frame, area, "Jobs", lines, theme);
}
