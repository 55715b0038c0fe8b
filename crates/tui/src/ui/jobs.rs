//! Jobs pane view: each long job (extract, process, scan, usage, plan, apply) with its stage,
//! a bar, rate, ETA, errors, and its outcome once it ended.

use crate::sanitize::sanitize;
use crate::state::State;
use crate::state::jobs::{JobEntry, JobStatus, all_entries};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Padding, Paragraph};
use s3scope_core::job::Snapshot;

const BAR: usize = 20;

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let entries: Vec<JobEntry> = all_entries(state).into_iter().map(|(_, j)| j).collect();
    let running = entries
        .iter()
        .filter(|j| j.status == JobStatus::Running)
        .count();
    let selected = state.jobs.selected.min(entries.len().saturating_sub(1));
    let title = format!(" Jobs ({running} running) ");
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .padding(Padding::horizontal(1))
        .title(Span::styled(title, theme.title()));
    let mut lines = Vec::new();
    if entries.is_empty() {
        lines.push(Line::raw("No jobs in this session yet."));
        lines.push(Line::styled(
            "Scans (Browse), usage collections (Usage), segregation listings and applies",
            theme.dim(),
        ));
        lines.push(Line::styled(
            "(Segregate) appear here while they run, and stay once they end.",
            theme.dim(),
        ));
        lines.push(Line::raw(""));
        lines.push(Line::raw(
            ":extract DATA_DIR        listing + bucket stats of the last 24 h",
        ));
        lines.push(Line::raw(
            ":process DATA_DIR OUTPUT rollups of the last 7 days",
        ));
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "Headless: s3scope extract | process (progress on stderr).",
            theme.dim(),
        ));
    }
    let per_job = 3;
    let visible = usize::from(area.height.saturating_sub(3)) / per_job;
    let first = selected.saturating_sub(visible.saturating_sub(1));
    for (i, job) in entries.iter().enumerate().skip(first).take(visible.max(1)) {
        job_lines(job, i == selected, theme, &mut lines);
    }
    if !entries.is_empty() {
        lines.push(Line::styled(
            "↑↓ select  c cancel  Enter its pane  :extract DIR  :process DIR OUT",
            theme.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn job_lines(job: &JobEntry, selected: bool, theme: Theme, out: &mut Vec<Line<'static>>) {
    let (status, style) = match &job.status {
        JobStatus::Running => ("running", theme.info()),
        JobStatus::Done { .. } => ("done", theme.info()),
        JobStatus::Failed(_) => ("failed", theme.error()),
        JobStatus::Cancelled => ("cancelled", theme.warn()),
    };
    let head = if selected {
        theme.selected()
    } else {
        theme.header()
    };
    out.push(Line::from(vec![
        Span::styled(
            format!(
                "{} {:<8}",
                if selected { "▶" } else { " " },
                job.kind.name()
            ),
            head,
        ),
        Span::styled(format!("{status:<10}"), style),
        Span::raw(sanitize(&job.label).into_owned()),
    ]));
    let detail = match (&job.status, &job.progress) {
        (JobStatus::Done { summary, output }, _) if output.is_empty() => {
            Line::raw(format!("  {}", sanitize(summary)))
        }
        (JobStatus::Done { summary, output }, _) => Line::from(vec![
            Span::raw(format!("  {} → ", sanitize(summary))),
            Span::styled(sanitize(output).into_owned(), theme.key()),
        ]),
        (JobStatus::Failed(e), _) => Line::styled(format!("  {}", sanitize(e)), theme.error()),
        (JobStatus::Cancelled, Some(p)) => Line::raw(format!("  stopped at {}", progress_text(p))),
        (_, Some(p)) => Line::from(vec![
            Span::raw("  "),
            Span::styled(bar(p), theme.bar()),
            Span::raw(format!(" {}", progress_text(p))),
        ]),
        (_, None) => Line::styled("  starting…", theme.dim()),
    };
    out.push(detail);
    let errors = match &job.progress {
        Some(p) if p.errors > 0 => Line::styled(
            format!(
                "  {} error(s), last: {}",
                p.errors,
                sanitize(p.last_error.as_deref().unwrap_or(""))
            ),
            theme.warn(),
        ),
        _ => Line::raw(""),
    };
    out.push(errors);
}

/// Filled by done/total when the total is known, else by the stages passed.
fn bar(p: &Snapshot) -> String {
    let ratio = match p.total {
        Some(t) if t > 0 => p.done as f64 / t as f64,
        _ => p.stage_index as f64 / p.stages.max(1) as f64,
    };
    let filled = ((ratio.clamp(0.0, 1.0) * BAR as f64).round() as usize).min(BAR);
    format!("[{}{}]", "█".repeat(filled), "░".repeat(BAR - filled))
}

fn progress_text(p: &Snapshot) -> String {
    let mut s = format!("{}/{} {} {}", p.stage_index + 1, p.stages, p.stage, p.done);
    if let Some(t) = p.total {
        s.push_str(&format!("/{t}"));
    }
    s.push_str(&format!(" {:.0}/s", p.rate));
    if let Some(eta) = p.eta {
        s.push_str(&format!(" ETA {}s", eta.as_secs()));
    }
    s.push_str(&format!(" {}s", p.elapsed.as_secs()));
    s
}
