//! Usage pane view: the user → bucket → category table, an hourly sparkline of the selected
//! row, the window chooser, collection progress and the trim confirmation.

mod overlay; // the hourly sparkline and the trim confirmation
mod table; // the tree as a table: names cut to fit, rates coloured

use crate::keymap::Action;
use crate::sanitize;
use crate::state::State;
use crate::state::usage::{CHOICES, Load};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Padding, Paragraph, Wrap};
use s3scope_core::instants::Period;

const SPINNER: [char; 4] = ['|', '/', '-', '\\'];

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
        table::draw(frame, body, state, theme);
        if chart_rows > 0 {
            overlay::chart(frame, chart, u, theme);
        }
    }
    frame.render_widget(Paragraph::new(footer(state, theme)), foot);
    if let Some(c) = &u.confirm {
        overlay::confirm(frame, area, state, &c.window.to_string(), &c.what, theme);
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
    for (i, c) in CHOICES.iter().enumerate() {
        spans.push(Span::raw(" "));
        let style = if i == state.usage.period {
            theme.tab_active()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(c.label(), style));
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
            Span::raw(format!(" to collect {} from ", u.choice().describe())),
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
            Span::raw(s3scope_core::usage::progress::line(&job.progress)),
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
