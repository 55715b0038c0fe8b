//! The diff view: growth of each prefix since the previous snapshot, biggest change first.

use crate::sanitize;
use crate::state::State;
use crate::state::browse::DiffLoad;
use crate::theme::Theme;
use crate::ui::fmt;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row as TableRow, Table, TableState};
use s3scope_core::scan::diff::DiffRow;

/// `+1.2 MiB`, `-300 B`, `0 B`.
fn signed_size(d: i64) -> String {
    match d {
        0 => fmt::size(0),
        d if d > 0 => format!("+{}", fmt::size(d.unsigned_abs())),
        d => format!("-{}", fmt::size(d.unsigned_abs())),
    }
}

fn signed_count(d: i64) -> String {
    match d {
        0 => "0".into(),
        d if d > 0 => format!("+{}", fmt::count(d.unsigned_abs())),
        d => format!("-{}", fmt::count(d.unsigned_abs())),
    }
}

/// Growth in the warning colour (bytes that cost more), shrinkage in the calm one; the sign
/// says it without colour.
fn delta_cell(text: String, d: i64, theme: Theme) -> Cell<'static> {
    let style = match d {
        d if d > 0 => theme.warn(),
        d if d < 0 => theme.info(),
        _ => theme.dim(),
    };
    Cell::from(Line::styled(text, style).right_aligned())
}

fn row(r: &DiffRow, theme: Theme) -> TableRow<'static> {
    let state = if r.is_new() {
        Span::styled("new", theme.warn())
    } else if r.is_gone() {
        Span::styled("gone", theme.info())
    } else {
        Span::raw("")
    };
    let name = sanitize::spans(&r.prefix, ratatui::style::Style::new(), theme.escaped());
    TableRow::new(vec![
        delta_cell(signed_size(r.bytes_delta), r.bytes_delta, theme),
        delta_cell(signed_count(r.objects_delta), r.objects_delta, theme),
        Cell::from(Line::from(fmt::size(r.bytes_before)).right_aligned()),
        Cell::from(Line::from(fmt::size(r.bytes_after)).right_aligned()),
        Cell::from(state),
        Cell::from(Line::from(name)),
    ])
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let Some(view) = &state.browse.diff else {
        return;
    };
    let (old_at, new_at, diff) = match &view.load {
        DiffLoad::Ready {
            old_at,
            new_at,
            diff,
        } => (*old_at, *new_at, diff),
        other => {
            let text = match other {
                DiffLoad::Loading { .. } => "reading the previous snapshot…".to_string(),
                DiffLoad::NothingOlder => {
                    "no earlier snapshot of this location to compare with: scan again later (r)"
                        .to_string()
                }
                DiffLoad::Failed(e) => format!("error: {}", sanitize::sanitize(e)),
                DiffLoad::Ready { .. } => String::new(),
            };
            let style = if matches!(other, DiffLoad::Failed(_)) {
                theme.error()
            } else {
                theme.dim()
            };
            frame.render_widget(
                Paragraph::new(Line::styled(format!(" {text}"), style)),
                area,
            );
            return;
        }
    };
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let now = state.now.unwrap_or_else(chrono::Utc::now);
    let since = if area.width < 110 {
        format!(
            " since {} ({}): ",
            old_at.format("%Y-%m-%d %H:%M"),
            fmt::age(old_at, now)
        )
    } else {
        format!(
            " since {} ({}) → {}: ",
            old_at.format("%Y-%m-%d %H:%M"),
            fmt::age(old_at, now),
            new_at.map_or("this scan".to_string(), |t| t
                .format("%Y-%m-%d %H:%M")
                .to_string()),
        )
    };
    let t = &diff.total;
    let growth = if t.bytes_delta > 0 {
        theme.warn()
    } else {
        theme.info()
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" Growth", theme.title()),
            Span::raw(since),
            Span::styled(signed_size(t.bytes_delta), growth),
            Span::raw(format!(
                " ({} objects) in {} prefixes",
                signed_count(t.objects_delta),
                diff.prefixes.len()
            )),
        ])),
        head,
    );
    if diff.prefixes.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(" nothing changed", theme.dim())),
            body,
        );
        return;
    }
    let header = ["Δ Size", "Δ Objects", "Before", "After", "", "Prefix"]
        .into_iter()
        .enumerate()
        .map(|(i, h)| {
            if (1..4).contains(&i) || i == 0 {
                Cell::from(Line::from(h).right_aligned())
            } else {
                Cell::from(h)
            }
        });
    let widths = [
        Constraint::Length(11),
        Constraint::Length(10),
        Constraint::Length(10),
        Constraint::Length(10),
        Constraint::Length(4),
        Constraint::Min(10),
    ];
    let (shown, selected) = fmt::visible(
        view.cursor.selected,
        view.cursor.offset,
        diff.prefixes.len(),
        body.height,
    );
    let rows = diff.prefixes[shown].iter().map(|r| row(r, theme));
    let table = Table::new(rows, widths)
        .header(TableRow::new(header).style(theme.header()))
        .column_spacing(1)
        .row_highlight_style(theme.selected())
        .highlight_symbol("> ");
    let mut ts = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, body, &mut ts);
}
