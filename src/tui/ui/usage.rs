//! Usage pane view: the user → bucket → category table, an hourly sparkline of the selected
//! row, the window chooser, collection progress and the trim confirmation.

use super::fmt;
use crate::instants::Period;
use crate::tui::keymap::Action;
use crate::tui::sanitize;
use crate::tui::state::State;
use crate::tui::state::usage::{Load, PERIODS, TreeRow, UsageState};
use crate::tui::theme::Theme;
use crate::usage::model::Counters;
use crate::usage::view::{SortKey, bucket_label, series};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Cell, Clear, Padding, Paragraph, Row, Sparkline, Table, Wrap,
};

const SPINNER: [char; 4] = ['|', '/', '-', '\\'];
/// Success rates below these are shown as worth a look, and as failing.
const WARN_RATE: f64 = 0.95;
const BAD_RATE: f64 = 0.5;

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let u = &state.usage;
    let mut title = vec![Span::styled(" Usage ", theme.title())];
    if let Ok(setup) = u.setup() {
        title.push(Span::styled("· ", theme.dim()));
        title.extend(sanitize::spans(&setup.label, theme.dim(), theme.escaped()));
        title.push(Span::raw(" "));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .padding(Padding::horizontal(1))
        .title(Line::from(title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let chart_rows = if inner.height >= 16 { 4 } else { 0 };
    let [head, body, chart, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(chart_rows),
        Constraint::Length(1),
    ])
    .areas(inner);
    let chooser = chooser(state, theme);
    let width = u16::try_from(chooser.width()).unwrap_or(u16::MAX);
    let [left, right] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(width)]).areas(head);
    frame.render_widget(Paragraph::new(header(state, theme)), left);
    frame.render_widget(Paragraph::new(chooser), right);
    if u.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(empty(state, theme)).wrap(Wrap { trim: false }),
            body,
        );
    } else {
        draw_table(frame, body, state, theme);
        if chart_rows > 0 {
            draw_chart(frame, chart, u, theme);
        }
    }
    frame.render_widget(Paragraph::new(footer(state, theme)), foot);
    if let Some(c) = &u.confirm {
        draw_confirm(frame, area, state, &c.window.to_string(), &c.what, theme);
    }
}

/// "2024-05-10 13:00 .. 14:00 UTC, 1h · collected 05-10 14:05"
fn header(state: &State, theme: Theme) -> Line<'static> {
    let Some(s) = &state.usage.summary else {
        return Line::from("");
    };
    let w = &s.window;
    let until = if w.since.date_naive() == w.until.date_naive() {
        w.until.format("%H:%M")
    } else {
        w.until.format("%m-%d %H:%M")
    };
    let span = span_label(w.since, w.until);
    let partial = if w.complete { "" } else { ", hour in progress" };
    Line::from(vec![
        Span::raw(format!(
            "{} .. {until} UTC, {span}{partial}",
            w.since.format("%m-%d %H:%M")
        )),
        Span::styled(
            format!(" · at {}", s.generated_at.format("%m-%d %H:%M")),
            theme.dim(),
        ),
    ])
}

/// "1h", "24h", "7d": the length of a window.
fn span_label(
    since: chrono::DateTime<chrono::Utc>,
    until: chrono::DateTime<chrono::Utc>,
) -> String {
    let hours = (until - since).num_hours();
    Period::parse("window", &format!("{hours}h"))
        .map_or_else(|_| format!("{hours}h"), |p| p.to_string())
}

/// " w window 1h 24h 7d" with the chosen one highlighted.
fn chooser(state: &State, theme: Theme) -> Line<'static> {
    let mut spans = vec![
        Span::raw(" "),
        Span::styled(state.keymap.first(Action::UsageWindow), theme.key()),
        Span::styled(" window", theme.dim()),
    ];
    for (i, p) in PERIODS.iter().enumerate() {
        spans.push(Span::raw(" "));
        let style = if i == state.usage.period {
            theme.tab_active()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(p.to_string(), style));
    }
    Line::from(spans)
}

/// What the pane says when it has no rows.
fn empty(state: &State, theme: Theme) -> Vec<Line<'static>> {
    let u = &state.usage;
    let key = |a| Span::styled(state.keymap.first(a), theme.key());
    let setup = match u.setup() {
        Ok(s) => s,
        Err(e) => {
            return vec![
                Line::from(""),
                sanitize::line(&format!("error: {e}"), theme.error(), theme.escaped()),
                Line::from(""),
                Line::styled(
                    format!(
                        "Set the source in [profiles.{}.usage] of the config file (source = \"rgw\", \
                         or source = \"access-logs\" with log_bucket), see config.example.toml.",
                        state.status.profile
                    ),
                    theme.dim(),
                ),
            ];
        }
    };
    let collect_hint = || {
        Line::from(vec![
            Span::raw("Press "),
            key(Action::Refresh),
            Span::raw(format!(" to collect the last {} from ", u.period())),
            Span::raw(sanitize::sanitize(&setup.label).into_owned()),
            Span::raw("."),
        ])
    };
    let mut lines = vec![Line::from("")];
    match &u.load {
        Load::Idle | Load::Loading => lines.push(Line::styled("Reading the summary…", theme.dim())),
        Load::Failed(e) => lines.push(sanitize::line(
            &format!("error: {e}"),
            theme.error(),
            theme.escaped(),
        )),
        Load::Missing(_) => {
            let path = setup.settings.summary_file.display().to_string();
            lines.push(sanitize::line(
                &format!("No usage summary yet at {path}."),
                Style::new(),
                theme.escaped(),
            ));
            lines.push(collect_hint());
        }
        Load::Loaded if u.filter.is_active() => {
            lines.push(sanitize::line(
                &format!("No row matches `{}`.", u.filter.text()),
                Style::new(),
                theme.escaped(),
            ));
        }
        Load::Loaded => {
            lines.push(Line::from("No requests in this window."));
            lines.push(collect_hint());
        }
    }
    lines
}

fn draw_table(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
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

/// Requests per hour of the selected row, as many hours as fit (older ones summed).
fn draw_chart(frame: &mut Frame<'_>, area: Rect, u: &UsageState, theme: Theme) {
    let (Some(summary), Some(row)) = (&u.summary, u.selected_row()) else {
        return;
    };
    let hours = series(
        summary,
        Some(&row.user),
        row.bucket.as_deref(),
        row.category.as_deref(),
    );
    let ops: Vec<u64> = hours.iter().map(|c| c.ops).collect();
    let width = usize::from(area.width.saturating_sub(2)).max(1);
    let per = ops.len().div_ceil(width).max(1);
    let data: Vec<u64> = ops.chunks(per).map(|c| c.iter().sum()).collect();
    let peak = data.iter().copied().max().unwrap_or(0);
    let sent: u64 = hours.iter().map(|c| c.bytes_sent).sum();
    let unit = if per == 1 {
        "hour".to_string()
    } else {
        format!("{per} hours")
    };
    let what = [
        Some(row.user.as_str()),
        row.bucket.as_deref().map(bucket_label),
        row.category.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" / ");
    let title = Line::from(vec![
        Span::styled(
            format!(
                " ops per {unit}, peak {} · {} out · ",
                fmt::count(peak),
                fmt::size(sent)
            ),
            theme.dim(),
        ),
        Span::raw(sanitize::sanitize(&what).into_owned()),
        Span::raw(" "),
    ]);
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.border())
        .title(title);
    frame.render_widget(
        Sparkline::default()
            .block(block)
            .data(&data)
            .style(theme.bar()),
        area,
    );
}

/// The last line: progress of a running collection, the filter field, or the keys.
fn footer(state: &State, theme: Theme) -> Line<'static> {
    let u = &state.usage;
    if let Some(job) = &u.job {
        let spin = SPINNER[(state.frame % 4) as usize];
        let verb = if job.trim {
            "collecting and trimming"
        } else {
            "collecting"
        };
        return Line::from(vec![
            Span::styled(
                format!(
                    " {spin} {verb} the {} up to {} UTC ",
                    span_label(job.window.since, job.window.until),
                    job.window.until.format("%H:%M")
                ),
                theme.info(),
            ),
            Span::styled(
                format!("({} cancels): ", state.keymap.first(Action::Cancel)),
                theme.dim(),
            ),
            Span::raw(job.progress.line()),
        ]);
    }
    if u.filter.editing || u.filter.is_active() {
        let mut spans = vec![Span::styled(" / ", theme.key())];
        spans.extend(sanitize::spans(
            u.filter.text(),
            Style::new(),
            theme.escaped(),
        ));
        if u.filter.editing {
            spans.push(Span::styled("▏ Enter keep · Esc clear", theme.dim()));
        }
        return Line::from(spans);
    }
    if let Some(last) = &u.last_run {
        return sanitize::line(&format!(" {last}"), theme.dim(), theme.escaped());
    }
    let k = |a| state.keymap.first(a);
    let mut spans = Vec::new();
    for (key, what) in [
        (k(Action::Refresh), "collect"),
        (k(Action::Trim), "trim"),
        (k(Action::UsageWindow), "window"),
        (k(Action::Filter), "filter"),
        (
            format!(
                "{}/{}/{}",
                k(Action::SortCount),
                k(Action::SortSize),
                k(Action::SortName)
            ),
            "sort",
        ),
        (k(Action::Open), "expand"),
    ] {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::styled(format!(" {what} "), theme.dim()));
    }
    Line::from(spans)
}

fn draw_confirm(
    frame: &mut Frame<'_>,
    area: Rect,
    state: &State,
    window: &str,
    what: &str,
    theme: Theme,
) {
    let width = area.width.saturating_sub(4).min(72);
    let height = 8.min(area.height);
    let popup = Rect {
        x: area.x + (area.width.saturating_sub(width)) / 2,
        y: area.y + (area.height.saturating_sub(height)) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.warn())
        .padding(Padding::horizontal(1))
        .title(Span::styled(" Trim? ", theme.title()));
    let lines = vec![
        Line::from(format!(
            "Collect {window}, save the summary and its backup,"
        )),
        sanitize::line(
            &format!("then delete {what}."),
            Style::new(),
            theme.escaped(),
        ),
        Line::from(""),
        Line::styled(
            format!("Profile `{}` allows writes.", state.status.profile),
            theme.dim(),
        ),
        Line::from(vec![
            Span::styled("y", theme.key()),
            Span::raw(" trim · "),
            Span::styled("any other key", theme.key()),
            Span::raw(" cancel"),
        ]),
    ];
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}
