//! The Usage tree as a table: indented names cut in the middle to fit, counts, success rates
//! coloured when they fail, bytes in and out; the sort column marked in the header.

use crate::sanitize;
use crate::state::State;
use crate::state::usage::TreeRow;
use crate::theme::Theme;
use crate::ui::fmt;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};
use s3scope_core::usage::model::Counters;
use s3scope_core::usage::view::{SortKey, bucket_label};

/// Success rates below these are shown as worth a look, and as failing.
const WARN_RATE: f64 = 0.95;
const BAD_RATE: f64 = 0.5;

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let u = &state.usage;
    let page = usize::from(area.height.saturating_sub(1)).max(1);
    let offset = u.offset.min(u.rows.len().saturating_sub(1));
    // The numbers take 9 + 7 + 10 + 10 columns and 4 gaps; the name gets the rest.
    let name_width = usize::from(area.width.saturating_sub(40)).max(10);
    let rows: Vec<Row<'_>> = u
        .rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(page)
        .map(|(i, r)| table_row(r, i == u.selected, name_width, theme))
        .collect();
    let marked = |name: &'static str, key: SortKey| -> String {
        match (u.sort == key, key) {
            (true, SortKey::Success) => format!("{name}▲"),
            (true, _) => format!("{name}▼"),
            (false, _) => name.to_string(),
        }
    };
    let titles = [
        marked("user / bucket / category", SortKey::Name),
        marked("ops", SortKey::Ops),
        marked("success", SortKey::Success),
        marked("bytes in", SortKey::BytesReceived),
        marked("bytes out", SortKey::BytesSent),
    ];
    let header = Row::new(titles.into_iter().enumerate().map(|(i, h)| {
        Cell::from(if i > 0 {
            Line::from(h).right_aligned()
        } else {
            Line::from(h)
        })
    }))
    .style(theme.header());
    let widths = [
        Constraint::Min(10),
        Constraint::Length(9),
        Constraint::Length(7),
        Constraint::Length(10),
        Constraint::Length(10),
    ];
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        area,
    );
}

fn table_row(r: &TreeRow, selected: bool, width: usize, theme: Theme) -> Row<'static> {
    let marker = match (r.depth, r.expanded) {
        (2, _) => "  ",
        (_, true) => "▾ ",
        (_, false) => "▸ ",
    };
    let indent = "  ".repeat(usize::from(r.depth));
    let name = match r.depth {
        1 => bucket_label(r.name()).to_string(),
        _ => r.name().to_string(),
    };
    let base = if selected {
        theme.selected()
    } else {
        Style::new()
    };
    let room = width.saturating_sub(indent.len() + 2);
    let mut spans = vec![Span::styled(format!("{indent}{marker}"), base)];
    // Names with control characters are shown whole, their escapes marked.
    let plain = matches!(sanitize::sanitize(&name), std::borrow::Cow::Borrowed(_));
    let shown = if plain { fit_middle(&name, room) } else { name };
    spans.extend(sanitize::spans(&shown, base, theme.escaped()));
    let c = &r.counters;
    let right = |s: String| Cell::from(Line::from(s).right_aligned());
    Row::new(vec![
        Cell::from(Line::from(spans)),
        right(fmt::count(c.ops)),
        Cell::from(Line::from(Span::styled(rate(c), rate_style(c, theme))).right_aligned()),
        right(fmt::size(c.bytes_received)),
        right(fmt::size(c.bytes_sent)),
    ])
    .style(base)
}

/// `name` cut in the middle to `width` columns: the ends of ARNs and bucket names are what
/// tell them apart.
fn fit_middle(name: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let w = |c: char| c.width().unwrap_or(0);
    if name.chars().map(w).sum::<usize>() <= width || width < 5 {
        return name.to_string();
    }
    let head_room = (width - 1) / 3;
    let tail_room = width - 1 - head_room;
    let take = |chars: &mut dyn Iterator<Item = char>, room: usize| {
        let mut used = 0;
        let mut out = Vec::new();
        for c in chars {
            if used + w(c) > room {
                break;
            }
            used += w(c);
            out.push(c);
        }
        out
    };
    let head: String = take(&mut name.chars(), head_room).into_iter().collect();
    let tail: String = take(&mut name.chars().rev(), tail_room)
        .into_iter()
        .rev()
        .collect();
    format!("{head}…{tail}")
}

fn rate(c: &Counters) -> String {
    c.success_rate()
        .map_or_else(|| "-".into(), |r| format!("{:.1}%", r * 100.0))
}

/// Failures stand out: below 95 % worth a look, below 50 % failing.
fn rate_style(c: &Counters, theme: Theme) -> Style {
    match c.success_rate() {
        Some(r) if r < BAD_RATE => theme.error(),
        Some(r) if r < WARN_RATE => theme.warn(),
        _ => Style::new(),
    }
}
