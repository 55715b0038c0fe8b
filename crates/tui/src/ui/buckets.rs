//! Buckets pane view: the bucket table with its loading, error and empty states.

mod table; // the table body: columns that fit, error rows, totals row

use crate::keymap::Action;
use crate::sanitize;
use crate::state::State;
use crate::state::buckets::{Load, TableLoad};
use crate::theme::Theme;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Padding, Paragraph, Wrap};
use s3scope_core::scan::buckets::Source;

/// Width from which dates get seconds and a zone.
const WIDE: u16 = 120;
const SPINNER: [char; 4] = ['|', '/', '-', '\\'];

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let b = &state.buckets;
    let head = title(state, theme, area.width >= WIDE);
    let room = usize::from(area.width.saturating_sub(4)).saturating_sub(head.width());
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(head);
    if !b.buckets.is_empty() {
        let (classes, plan) = table::layout(state, area.width.saturating_sub(2));
        let key = state.keymap.first(Action::Classes);
        if let Some(note) = super::fmt::classes_note(classes.len(), plan.classes, &key, room) {
            block = block.title(Line::styled(note, theme.warn()).right_aligned());
        }
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if b.buckets.is_empty() {
        let pad = Block::default().padding(Padding::horizontal(1));
        let lines = match &b.load {
            Load::Idle | Load::Loading => loading(state, theme),
            Load::Failed(message) => failed(state, message, theme),
            Load::Loaded => empty(state, theme),
        };
        frame.render_widget(
            Paragraph::new(lines).block(pad).wrap(Wrap { trim: false }),
            inner,
        );
        return;
    }
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(2)]).areas(inner);
    table::draw(frame, table_area, state, theme);
    table::draw_detail(frame, detail_area, state, theme);
}

/// " Buckets (12) · regions 10/12 · as of 12:03:04 UTC "
fn title(state: &State, theme: Theme, wide: bool) -> Line<'static> {
    let b = &state.buckets;
    let counted = b.load == Load::Loaded || !b.buckets.is_empty();
    let head = if counted {
        format!(" Buckets ({}) ", b.buckets.len())
    } else {
        " Buckets ".to_string()
    };
    let mut spans = vec![Span::styled(head, theme.title())];
    let mut note = |text: String, style: Style| {
        spans.push(Span::styled("· ", theme.dim()));
        spans.push(Span::styled(format!("{text} "), style));
    };
    if b.regions_pending > 0 {
        note(
            format!("regions {}/{}", b.regions_known(), b.buckets.len()),
            theme.dim(),
        );
    }
    if !b.region_errors.is_empty() {
        let n = b.region_errors.len();
        let what = if n == 1 {
            "region lookup failed"
        } else {
            "region lookups failed"
        };
        note(format!("{n} {what}"), theme.error());
    }
    match &b.load {
        Load::Loading if !b.buckets.is_empty() => {
            note(format!("refreshing {}", spinner(state)), theme.dim())
        }
        Load::Failed(_) if !b.buckets.is_empty() => note("refresh failed".into(), theme.error()),
        _ => {}
    }
    match &b.table_load {
        TableLoad::Loading => note(format!("sizes loading {}", spinner(state)), theme.dim()),
        TableLoad::Loaded { source, .. } => {
            note(format!("sizes from {}", source_name(*source)), theme.dim())
        }
        TableLoad::Failed(_) => note("sizes failed".into(), theme.error()),
        TableLoad::Idle => {}
    }
    if b.filter.is_active() {
        note(format!("{} shown", b.view.len()), theme.dim());
    }
    if let Some(at) = b.as_of {
        let fmt = if wide {
            "%Y-%m-%d %H:%M:%S UTC"
        } else {
            "%H:%M:%S UTC"
        };
        note(format!("as of {}", at.format(fmt)), theme.dim());
    }
    Line::from(spans)
}

fn spinner(state: &State) -> char {
    SPINNER[usize::try_from(state.frame % 4).unwrap_or(0)]
}

fn loading(state: &State, theme: Theme) -> Vec<Line<'static>> {
    let mut spans = vec![Span::raw("Loading buckets from ")];
    spans.extend(sanitize::spans(
        &state.status.endpoint,
        Style::new(),
        theme.escaped(),
    ));
    spans.push(Span::raw(format!("… {}", spinner(state))));
    vec![Line::raw(""), Line::from(spans)]
}

fn failed(state: &State, message: &str, theme: Theme) -> Vec<Line<'static>> {
    vec![
        Line::raw(""),
        Line::styled("Could not list the buckets:", theme.error()),
        sanitize::line(message, theme.error(), theme.escaped()),
        Line::raw(""),
        Line::from(vec![
            Span::raw("Press "),
            Span::styled(state.keymap.first(Action::Refresh), theme.key()),
            Span::raw(" to retry."),
        ]),
    ]
}

fn empty(state: &State, theme: Theme) -> Vec<Line<'static>> {
    let mut spans = vec![Span::raw("No buckets visible to profile ")];
    spans.extend(sanitize::spans(
        &state.status.profile,
        theme.title(),
        theme.escaped(),
    ));
    spans.push(Span::raw(" at "));
    spans.extend(sanitize::spans(
        &state.status.endpoint,
        Style::new(),
        theme.escaped(),
    ));
    spans.push(Span::raw("."));
    vec![
        Line::raw(""),
        Line::from(spans),
        Line::raw(""),
        Line::from(vec![
            Span::styled(
                "The credentials may belong to another account or lack s3:ListAllMyBuckets. Press ",
                theme.dim(),
            ),
            Span::styled(state.keymap.first(Action::Refresh), theme.key()),
            Span::styled(" to reload.", theme.dim()),
        ]),
    ]
}

fn date(d: Option<DateTime<Utc>>, wide: bool) -> String {
    let fmt = if wide {
        "%Y-%m-%d %H:%M:%S UTC"
    } else {
        "%Y-%m-%d %H:%M"
    };
    d.map_or_else(|| "-".into(), |d| d.format(fmt).to_string())
}

/// How a source is named on screen.
pub(crate) fn source_name(s: Source) -> &'static str {
    match s {
        Source::Auto => "auto",
        Source::Scan => "scan",
        Source::Rgw => "rgw",
        Source::Cloudwatch => "cloudwatch",
        Source::Inventory => "inventory",
    }
}
