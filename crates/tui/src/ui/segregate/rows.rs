//! The preview table. Only the rows on screen are built, so a preview of 100,000 keys draws as
//! fast as one of ten. Keys are shown relative to the source prefix, cut on the left when too
//! long (the date is usually near the end), with the matched groups highlighted.

use super::{group_style, status_style};
use crate::sanitize;
use crate::state::State;
use crate::state::segregate::ListPhase;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use s3scope_core::segregate::PlanEntry;
use unicode_width::UnicodeWidthStr;

const DATE_WIDTH: u16 = 13;
const STATUS_WIDTH: u16 = 13;
/// Below this width the date column is left out (the groups and the destination show it).
const DATE_FROM: u16 = 100;

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let s = &state.segregate;
    if s.preview.entries.is_empty() {
        let lines = match &s.report {
            Some(report) => report
                .lines()
                .iter()
                .map(|l| sanitize::line(l, Style::new(), theme.escaped()))
                .collect(),
            None => vec![Line::styled(empty_text(state), theme.dim())],
        };
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let height = usize::from(area.height.saturating_sub(1));
    let rows_shown = &s.preview.rows[s.offset.min(s.preview.rows.len())..];
    let dest_width = s
        .preview
        .prefixes
        .iter()
        .map(|p| p.width())
        .max()
        .unwrap_or(10)
        .clamp(10, usize::from(area.width / 3)) as u16;
    let with_date = area.width >= DATE_FROM;
    let date_width = if with_date { DATE_WIDTH + 1 } else { 0 };
    let key_width = area
        .width
        .saturating_sub(date_width + dest_width + STATUS_WIDTH + 2);
    let mut titles = vec!["Key", "Date", "Destination", "Status"];
    if !with_date {
        titles.remove(1);
    }
    let header = Row::new(titles).style(theme.header());
    let source_len = s.listing.prefix.len();
    let rows = rows_shown.iter().take(height).enumerate().map(|(n, &i)| {
        let e = &s.preview.entries[i];
        let selected = s.offset + n == s.selected;
        let mut cells = vec![
            Cell::from(key_line(e, source_len, usize::from(key_width), theme)),
            Cell::from(sanitize::line(
                destination(e, source_len),
                Style::new(),
                theme.escaped(),
            )),
            Cell::from(status_cell(e, s.preview.checked[i], theme)),
        ];
        if with_date {
            let date = e
                .date
                .map_or_else(|| "-".into(), |d| d.format("%Y-%m-%d %H").to_string());
            cells.insert(1, Cell::from(date));
        }
        let row = Row::new(cells);
        if selected {
            row.style(theme.selected())
        } else {
            row
        }
    });
    let mut widths = vec![
        Constraint::Length(key_width),
        Constraint::Length(dest_width),
        Constraint::Length(STATUS_WIDTH),
    ];
    if with_date {
        widths.insert(1, Constraint::Length(DATE_WIDTH));
    }
    let table = Table::new(rows, widths).header(header).column_spacing(1);
    frame.render_widget(table, area);
}

/// Why there are no rows.
fn empty_text(state: &State) -> &'static str {
    let s = &state.segregate;
    match (&s.listing.phase, &s.preview.error) {
        (ListPhase::Idle, _) => {
            "Give a bucket and the source prefix the files arrive in (e edits the rule)."
        }
        (ListPhase::Running, _) => "Listing the source…",
        (ListPhase::Failed(_), _) => "The source could not be listed (r to retry).",
        (_, Some(_)) => "Fix the rule above to see where each key goes.",
        (_, None) if s.listing.objects.is_empty() => "No keys under this source prefix.",
        (_, None) => "Nothing to move: every key listed is skipped.",
    }
}

/// The destination without the key's relative name: `segregated/2022/12/31/` or `errors/`.
pub fn destination(e: &PlanEntry, source_len: usize) -> &str {
    if e.status.stays() {
        return "(stays)";
    }
    let rel = e.key.get(source_len..).unwrap_or("");
    e.target
        .strip_suffix(rel)
        .filter(|d| !d.is_empty())
        .unwrap_or(&e.target)
}

fn status_cell(e: &PlanEntry, checked: bool, theme: Theme) -> Line<'static> {
    let mut text = match e.reason {
        Some(r) if e.status == s3scope_core::segregate::Status::Error => match r {
            s3scope_core::segregate::classify::Reason::NoMatch => "no match".to_string(),
            s3scope_core::segregate::classify::Reason::Unparseable => "unparseable".to_string(),
        },
        _ => super::status_label(e.status).to_string(),
    };
    if !checked {
        text.push('?');
    }
    let mut style = status_style(theme, e.status);
    if !checked {
        style = style.patch(theme.dim());
    }
    Line::styled(text, style)
}

/// The key after the source prefix, groups highlighted, cut on the left to `width` columns.
fn key_line(e: &PlanEntry, source_len: usize, width: usize, theme: Theme) -> Line<'static> {
    let key = e.key.as_str();
    let start = if key.is_char_boundary(source_len) {
        source_len.min(key.len())
    } else {
        0
    };
    // Segments of (byte range, highlighted).
    let mut segments: Vec<(usize, usize, bool)> = Vec::new();
    let mut at = start;
    if let Some(m) = &e.matched {
        for &(a, b) in &m.spans {
            if a < at || b > key.len() || !key.is_char_boundary(a) || !key.is_char_boundary(b) {
                continue;
            }
            if a > at {
                segments.push((at, a, false));
            }
            segments.push((a, b, true));
            at = b;
        }
    }
    if at < key.len() {
        segments.push((at, key.len(), false));
    }
    // Cut whole characters off the front until the rest fits (escapes count as shown).
    let shown_width: usize = segments
        .iter()
        .map(|&(a, b, _)| sanitize::sanitize(&key[a..b]).width())
        .sum();
    let mut excess = shown_width.saturating_sub(width);
    let mut spans = Vec::new();
    if excess > 0 {
        spans.push(Span::styled("…", theme.dim()));
        excess += 1;
    }
    for (a, b, hit) in segments {
        let mut text = &key[a..b];
        while excess > 0 && !text.is_empty() {
            let c = text.chars().next().unwrap_or(' ');
            let w = sanitize::sanitize(&c.to_string()).width().max(1);
            excess = excess.saturating_sub(w);
            text = &text[c.len_utf8()..];
        }
        if text.is_empty() {
            continue;
        }
        let base = if hit {
            group_style(theme)
        } else {
            Style::new()
        };
        spans.extend(sanitize::spans(text, base, theme.escaped()));
    }
    Line::from(spans)
}
