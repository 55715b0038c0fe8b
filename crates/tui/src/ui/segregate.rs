//! Segregate pane view: the rule's fields (editable), counts per status or the apply's progress,
//! the preview rows with matched groups highlighted, counts per day, the confirmation.

mod fields; // the six rule fields, the counts / error / progress line
mod rows; // the preview table: key with groups, date, destination, status
mod side; // counts per target day, the selected row in full, the confirmation

use crate::state::State;
use crate::state::segregate::SegregateState;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

/// From this width the per-day counts get a column of their own.
const WIDE: u16 = 120;

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let s = &state.segregate;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(title(s, theme));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    let [fields_area, counts, body, detail, hints] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(3),
        Constraint::Length(1),
    ])
    .areas(inner);
    fields::draw_fields(frame, fields_area, s, theme);
    fields::draw_counts(frame, counts, state, theme);
    let (table, days) = if area.width >= WIDE && !s.preview.summary.days.is_empty() {
        let [t, d] = Layout::horizontal([Constraint::Min(40), Constraint::Length(34)]).areas(body);
        (t, Some(d))
    } else {
        (body, None)
    };
    rows::draw(frame, table, state, theme);
    if let Some(d) = days {
        side::draw_days(frame, d, s, theme);
    }
    side::draw_detail(frame, detail, s, theme);
    fields::draw_hints(frame, hints, state, theme);
    if let Some(c) = &s.confirm {
        side::draw_confirm(frame, area, s, c, theme);
    }
}

/// " Segregate · rule cdr (1/2) · s3://bucket/prefix · 2105 keys "
fn title(s: &SegregateState, theme: Theme) -> Line<'static> {
    let mut spans = vec![
        Span::styled(" Segregate ", theme.title()),
        Span::styled("· ", theme.dim()),
    ];
    spans.extend(crate::sanitize::spans(
        &s.rule_label(),
        Style::new(),
        theme.escaped(),
    ));
    if !s.listing.bucket.is_empty() {
        spans.push(Span::styled(" · ", theme.dim()));
        let loc = format!("s3://{}/{}", s.listing.bucket, s.listing.prefix);
        spans.extend(crate::sanitize::spans(&loc, Style::new(), theme.escaped()));
    }
    spans.push(Span::raw(" "));
    Line::from(spans)
}

/// How a status looks: colour where there is colour, attributes otherwise; the text always
/// says the status, so nothing rests on colour alone.
pub fn status_style(theme: Theme, status: s3scope_core::segregate::Status) -> Style {
    use s3scope_core::segregate::Status;
    if !theme.is_color() {
        return match status {
            Status::Move => Style::new(),
            Status::Error => Style::new().add_modifier(Modifier::BOLD),
            Status::Conflict => Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            Status::AlreadyThere => Style::new().add_modifier(Modifier::ITALIC),
            Status::TooNew | Status::Excluded | Status::NotRecursive => {
                Style::new().add_modifier(Modifier::DIM)
            }
        };
    }
    match status {
        Status::Move => Style::new().fg(Color::Green),
        Status::Error => Style::new().fg(Color::LightRed),
        Status::Conflict => Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        Status::AlreadyThere => Style::new().fg(Color::Cyan),
        // Left where they are: grey, they are not acted on.
        Status::TooNew | Status::Excluded | Status::NotRecursive => {
            Style::new().fg(Color::DarkGray)
        }
    }
}

/// A status as the pane writes it: "already there", "too new", "not recursive".
pub fn status_label(status: s3scope_core::segregate::Status) -> &'static str {
    use s3scope_core::segregate::Status;
    match status {
        Status::AlreadyThere => "already there",
        Status::TooNew => "too new",
        Status::NotRecursive => "not recursive",
        other => other.as_str(),
    }
}

/// Matched date groups inside a key.
pub fn group_style(theme: Theme) -> Style {
    if theme.is_color() {
        Style::new()
            .fg(Color::Black)
            .bg(Color::Yellow)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }
}
