//! Segregate pane view: says plainly that date segregation is not built yet.

use super::placeholder;
use crate::tui::state::State;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

pub fn draw(frame: &mut Frame<'_>, area: Rect, _state: &State, theme: Theme) {
    let lines = vec![
        Line::raw(
            "Segregate (move objects into date-named prefixes, with a live preview of the plan) is not built yet — tracked in the Segregate issue.",
        ),
        Line::raw(""),
        Line::styled("Headless: nothing yet.", theme.dim()),
    ];
    placeholder::draw(frame, area, "Segregate", lines, theme);
}
