//! Drawing: the frame layout (tabs, pane, status) and one view per pane; reads State, never changes it.

mod browse; // Browse pane: the prefix tree, live or from a snapshot
mod buckets; // Buckets pane: the bucket table
mod fmt; // compact sizes, counts, bars, dates for table cells
pub use fmt::{plural, usd};
mod help; // the `?` overlay, generated from the keymap
mod jobs; // Jobs pane: every long job with its stage, bar, rate, ETA, errors, outcome
mod segregate; // Segregate pane: rule fields, live preview, counts, apply progress
mod status; // status line, messages, command line
mod usage; // Usage pane: user → bucket → category table, hourly chart, collect and trim
mod wrap; // exact word wrap for the footer

use super::state::{Pane, State};
use super::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Draws one frame.
pub fn draw(frame: &mut Frame<'_>, state: &State, theme: Theme) {
    let area = frame.area();
    let messages = status::message_lines(state, theme, area.width);
    let footer = 1 + u16::try_from(messages.len()).unwrap_or(1);
    let [tabs, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(footer),
    ])
    .areas(area);
    draw_tabs(frame, tabs, state, theme);
    match state.pane {
        Pane::Buckets => buckets::draw(frame, body, state, theme),
        Pane::Browse => browse::draw(frame, body, state, theme),
        Pane::Usage => usage::draw(frame, body, state, theme),
        Pane::Segregate => segregate::draw(frame, body, state, theme),
        Pane::Jobs => jobs::draw(frame, body, state, theme),
    }
    status::draw(frame, foot, state, messages, theme);
    if let Some(h) = &state.help {
        help::draw(frame, area, state, h, theme);
    }
}

/// " s3scope  1 Buckets  2 Browse ..." with the active pane highlighted.
fn draw_tabs(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let mut spans = vec![Span::styled(" s3scope ", theme.brand())];
    for pane in Pane::ALL {
        let key = state.keymap.first(pane_action(pane));
        let label = format!(" {key} {} ", pane.title());
        let style = if pane == state.pane {
            theme.tab_active()
        } else {
            theme.dim()
        };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(label, style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn pane_action(pane: Pane) -> super::keymap::Action {
    use super::keymap::Action;
    match pane {
        Pane::Buckets => Action::PaneBuckets,
        Pane::Browse => Action::PaneBrowse,
        Pane::Usage => Action::PaneUsage,
        Pane::Segregate => Action::PaneSegregate,
        Pane::Jobs => Action::PaneJobs,
    }
}
