//! Jobs pane view: running jobs with stage, bar, throughput, ETA and errors; finished jobs
//! with their outcome and output; the selected job's details below.

use super::fmt;
use crate::tui::keymap::Action;
use crate::tui::sanitize;
use crate::tui::state::State;
use crate::tui::state::jobs::{FinishedJob, JobRow, running};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState, Wrap};

const BAR: u16 = 12;

fn progress(r: &JobRow) -> String {
    match (r.ratio(), r.total) {
        (Some(x), Some(t)) => format!(
            "{} {:>3.0}% {}/{}",
            fmt::bar(r.done, t, BAR),
            x * 100.0,
            fmt::count_short(r.done),
            fmt::count_short(t)
        ),
        _ => format!("{} {}", fmt::count(r.done), r.unit),
    }
}

fn running_row(r: &JobRow, theme: Theme) -> Row<'static> {
    let rate = r.rate.map_or_else(
        || "-".into(),
        |x| format!("{}/s", fmt::count_short(x as u64)),
    );
    let eta = r.eta.map_or_else(|| "-".into(), fmt::elapsed);
    let errors = if r.errors > 0 {
        Cell::from(Span::styled(fmt::count(r.errors), theme.error()))
    } else {
        Cell::from(Span::styled("0", theme.dim()))
    };
    Row::new(vec![
        Cell::from(Span::styled("running", theme.warn())),
        Cell::from(r.kind.label()),
        Cell::from(Line::from(sanitize::spans(
            &r.target,
            Style::new(),
            theme.escaped(),
        ))),
        Cell::from(Span::styled(progress(r), theme.bar())),
        Cell::from(Line::from(rate).right_aligned()),
        Cell::from(Line::from(eta).right_aligned()),
        errors,
    ])
}

fn finished_row(f: &FinishedJob, theme: Theme) -> Row<'static> {
    let (word, style) = if f.ok {
        ("done", theme.info())
    } else {
        ("stopped", theme.error())
    };
    Row::new(vec![
        Cell::from(Span::styled(word, style)),
        Cell::from(f.kind.label()),
        Cell::from(Line::from(sanitize::spans(
            &f.target,
            Style::new(),
            theme.escaped(),
        ))),
        Cell::from(Span::styled(
            sanitize::sanitize(&f.summary).into_owned(),
            theme.dim(),
        )),
        Cell::from(""),
        Cell::from(""),
        Cell::from(""),
    ])
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let rows = running(state);
    let finished = &state.jobs.finished;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(
            format!(
                " Jobs · {} running · {} finished ",
                rows.len(),
                finished.len()
            ),
            theme.title(),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if rows.is_empty() && finished.is_empty() {
        let lines = vec![
            Line::raw(""),
            Line::raw(" No long job has run in this session yet."),
            Line::styled(
                " Scans (Browse), usage collections (Usage) and segregation listings and applies",
                theme.dim(),
            ),
            Line::styled(
                " (Segregate) appear here with their progress; `extract` and `process` run headless.",
                theme.dim(),
            ),
        ];
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    }
    let [table_area, details] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(4)]).areas(inner);
    let header = Row::new(vec![
        Cell::from("State"),
        Cell::from("Job"),
        Cell::from("Target"),
        Cell::from("Progress / outcome"),
        Cell::from(Line::from("Rate").right_aligned()),
        Cell::from(Line::from("ETA").right_aligned()),
        Cell::from("Errors"),
    ])
    .style(theme.header());
    let widths = [
        Constraint::Length(7),
        Constraint::Length(15),
        Constraint::Percentage(25),
        Constraint::Min(20),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(6),
    ];
    let all: Vec<Row<'static>> = rows
        .iter()
        .map(|r| running_row(r, theme))
        .chain(finished.iter().map(|f| finished_row(f, theme)))
        .collect();
    let len = all.len();
    let selected = state.jobs.selected.min(len.saturating_sub(1));
    let table = Table::new(all, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(theme.selected())
        .highlight_symbol("> ");
    let mut ts = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, table_area, &mut ts);

    let key = |a: Action| Span::styled(state.keymap.first(a), theme.key());
    let lines: Vec<Line<'static>> = match rows.get(selected) {
        Some(r) => vec![
            Line::from(vec![
                Span::styled(format!(" {}: ", r.kind.label()), theme.title()),
                Span::raw(sanitize::sanitize(&r.stage).into_owned()),
            ]),
            Line::styled(
                format!(
                    " {}{}{}",
                    r.bytes
                        .map_or_else(String::new, |b| format!("{} so far · ", fmt::size(b))),
                    r.elapsed.map_or_else(String::new, |e| format!(
                        "running for {} · ",
                        fmt::elapsed(e)
                    )),
                    format_args!("{} errors", r.errors)
                ),
                theme.dim(),
            ),
            Line::from(vec![
                Span::raw(" "),
                key(Action::Cancel),
                Span::styled(" cancels safely · ", theme.dim()),
                key(Action::Open),
                Span::styled(" shows its pane", theme.dim()),
            ]),
        ],
        None => match finished.get(selected - rows.len().min(selected)) {
            Some(f) => vec![
                Line::from(vec![
                    Span::styled(format!(" {}: ", f.kind.label()), theme.title()),
                    Span::raw(sanitize::sanitize(&f.summary).into_owned()),
                ]),
                Line::styled(
                    format!(
                        " {}{}",
                        f.output.as_deref().map_or_else(String::new, |o| format!(
                            "output: {} · ",
                            sanitize::sanitize(o)
                        )),
                        f.ended.map_or_else(
                            || "ended".to_string(),
                            |t| format!("ended {}", t.format("%Y-%m-%d %H:%M:%S UTC"))
                        )
                    ),
                    theme.dim(),
                ),
            ],
            None => Vec::new(),
        },
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), details);
}
