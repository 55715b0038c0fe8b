//! Buckets pane view: the bucket table with its loading, error and empty states.

use crate::tui::keymap::Action;
use crate::tui::sanitize;
use crate::tui::state::State;
use crate::tui::state::buckets::Load;
use crate::tui::theme::Theme;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Padding, Paragraph, Row, Table, TableState, Wrap};

/// Width from which dates get seconds and a zone.
const WIDE: u16 = 120;
const SPINNER: [char; 4] = ['|', '/', '-', '\\'];

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let b = &state.buckets;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(title(state, theme, area.width >= WIDE));
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
    draw_table(frame, table_area, state, theme);
    draw_detail(frame, detail_area, state, theme);
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

/// The region cell: the region, "…" while looking it up, "?" when the lookup failed.
fn region_cell(state: &State, name: &str, region: Option<&str>, theme: Theme) -> Span<'static> {
    match region {
        Some(r) => Span::raw(sanitize::sanitize(r).into_owned()),
        None if state.buckets.region_errors.contains_key(name) => Span::styled("?", theme.error()),
        None if state.buckets.regions_pending > 0 => Span::styled("…", theme.dim()),
        None => Span::styled("-", theme.dim()),
    }
}

fn draw_table(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let b = &state.buckets;
    let wide = area.width >= WIDE;
    let region_width = b
        .buckets
        .iter()
        .filter_map(|x| x.region.as_deref())
        .map(|r| sanitize::sanitize(r).chars().count())
        .max()
        .unwrap_or(0)
        .clamp("Region".len(), 20);
    let date_width = if wide { 23 } else { 16 };
    let header = Row::new(vec![
        Cell::from("Name"),
        Cell::from("Region"),
        Cell::from("Created"),
    ])
    .style(theme.header());
    let rows = b.buckets.iter().map(|x| {
        Row::new(vec![
            Cell::from(sanitize::line(&x.name, Style::new(), theme.escaped())),
            Cell::from(region_cell(state, &x.name, x.region.as_deref(), theme)),
            Cell::from(date(x.created, wide)),
        ])
    });
    // The name column is as wide as the longest name, at most what is left; the room that
    // remains on wide screens goes to the right of the table.
    let name_width = b
        .buckets
        .iter()
        .map(|x| sanitize::sanitize(&x.name).chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    let widths = [
        Constraint::Max(u16::try_from(name_width).unwrap_or(u16::MAX)),
        Constraint::Length(u16::try_from(region_width).unwrap_or(20)),
        Constraint::Length(date_width),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(2)
        .flex(Flex::Start)
        .row_highlight_style(theme.selected())
        .highlight_symbol("> ");
    let mut table_state = TableState::default()
        .with_offset(b.offset)
        .with_selected(Some(b.selected));
    frame.render_stateful_widget(table, area, &mut table_state);
}

/// The selected bucket in full (names can be longer than the column), region failures too.
fn draw_detail(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let Some(x) = state.buckets.selected_bucket() else {
        return;
    };
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut spans = vec![Span::raw(" "), Span::styled("s3://", bold)];
    spans.extend(sanitize::spans(&x.name, bold, theme.escaped()));
    spans.push(Span::styled("  region ", theme.dim()));
    match (&x.region, state.buckets.region_errors.get(&x.name)) {
        (Some(r), _) => spans.extend(sanitize::spans(r, Style::new(), theme.escaped())),
        (None, Some(e)) => {
            spans.push(Span::styled("lookup failed: ", theme.error()));
            spans.extend(sanitize::spans(e, theme.error(), theme.escaped()));
        }
        (None, None) if state.buckets.regions_pending > 0 => {
            spans.push(Span::styled("resolving…", theme.dim()))
        }
        (None, None) => spans.push(Span::styled("unknown", theme.dim())),
    }
    spans.push(Span::styled("  created ", theme.dim()));
    spans.push(Span::raw(date(x.created, true)));
    frame.render_widget(
        Paragraph::new(Line::from(spans)).wrap(Wrap { trim: false }),
        area,
    );
}
