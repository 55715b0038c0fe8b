//! The bottom of the screen: profile/endpoint/read-only line, then the error, message, key
//! hints or the `:` command line.

use crate::keymap::Action;
use crate::sanitize;
use crate::state::{Pane, State};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::wrap;

const ERROR_PREFIX: &str = "error: ";

/// The message rows under the status line at this width: the command line, or the error
/// (up to 3 rows), the last message (up to 2), or key hints.
pub fn message_lines(state: &State, theme: Theme, width: u16) -> Vec<Line<'static>> {
    if state.command.is_some() {
        return vec![Line::raw("")];
    }
    let (spans, max) = if let Some(e) = &state.status.error {
        let mut spans = vec![Span::styled(ERROR_PREFIX, theme.error())];
        spans.extend(sanitize::spans(e, theme.error(), theme.escaped()));
        (spans, 3)
    } else if let Some(m) = &state.status.message {
        (sanitize::spans(m, theme.info(), theme.escaped()), 2)
    } else if state.pane == Pane::Browse && !state.browse.marks.is_empty() {
        (marked(state, theme).spans, 1)
    } else {
        (hints(state, theme).spans, 1)
    };
    let mut lines = wrap::wrap(&spans, width);
    lines.truncate(max);
    lines
}

/// Draws the status line, then `lines` (from [`message_lines`]) or the command line.
pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    state: &State,
    lines: Vec<Line<'static>>,
    theme: Theme,
) {
    let [bar, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    draw_bar(frame, bar, state, theme);
    if let Some(input) = &state.command {
        let width = usize::from(rest.width.saturating_sub(1)).max(1);
        let scroll = input.visual_scroll(width);
        let shown: String = input.value().chars().skip(scroll).collect();
        let line = Line::from(vec![
            Span::styled(":", theme.key()),
            Span::raw(sanitize::sanitize(&shown).into_owned()),
        ]);
        frame.render_widget(Paragraph::new(line), rest);
        let cursor = input.visual_cursor().saturating_sub(scroll);
        let x = rest
            .x
            .saturating_add(1)
            .saturating_add(u16::try_from(cursor).unwrap_or(u16::MAX));
        frame.set_cursor_position(Position::new(x.min(rest.right().saturating_sub(1)), rest.y));
        return;
    }
    frame.render_widget(Paragraph::new(lines), rest);
}

/// " profile NAME │ ENDPOINT │ read-only"
fn draw_bar(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let s = &state.status;
    let base = theme.dim();
    let strong = Style::new().add_modifier(Modifier::BOLD);
    let mut spans = vec![Span::styled(" profile ", base)];
    spans.extend(sanitize::spans(&s.profile, strong, theme.escaped()));
    spans.push(Span::styled(" │ ", base));
    spans.extend(sanitize::spans(&s.endpoint, Style::new(), theme.escaped()));
    spans.push(Span::styled(" │ ", base));
    if s.read_only {
        spans.push(Span::styled("read-only", theme.read_only()));
    } else {
        spans.push(Span::styled("read-write", base));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// "3 marked · 1,204 objects · 2.1 GiB — D delete · space unmarks"
fn marked(state: &State, theme: Theme) -> Line<'static> {
    let t = state.browse.marks.totals();
    Line::from(vec![
        Span::styled(
            format!(
                "{} marked · {} · {}",
                super::fmt::count(t.marks),
                super::fmt::plural(t.objects, "object"),
                super::fmt::size(t.bytes)
            ),
            theme.marked(),
        ),
        Span::styled(" — ", theme.dim()),
        Span::styled(state.keymap.first(Action::Delete), theme.key()),
        Span::styled(" delete · ", theme.dim()),
        Span::styled(state.keymap.first(Action::Mark), theme.key()),
        Span::styled(" unmarks", theme.dim()),
    ])
}

/// The most useful keys for the current pane, from the keymap.
fn hints(state: &State, theme: Theme) -> Line<'static> {
    let mut items = vec![(Action::Help, "help"), (Action::Command, "command")];
    if state.pane == Pane::Buckets {
        items.push((Action::Open, "browse"));
        items.push((Action::Copy, "copy"));
    }
    if state.pane == Pane::Browse {
        // Browse has more keys than room: the moving ones first, the rest in help.
        items = vec![
            (Action::Help, "help"),
            (Action::Open, "in"),
            (Action::Back, "out"),
            (Action::SortSize, "sort"),
            (Action::Filter, "filter"),
            (Action::Hidden, "hidden"),
            (Action::Refresh, "rescan"),
            (Action::Quit, "quit"),
        ];
    } else {
        items.extend([
            (Action::Refresh, "refresh"),
            (Action::NextPane, "next pane"),
            (Action::Quit, "quit"),
        ]);
    }
    let mut spans = Vec::new();
    for (i, (action, label)) in items.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(state.keymap.first(action), theme.key()));
        spans.push(Span::styled(format!(" {label}"), theme.dim()));
    }
    Line::from(spans)
}
