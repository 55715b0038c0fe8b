//! The cleanup preview over the rows: what the plan removes (uploads, noncurrent versions,
//! delete markers: counts and bytes), the monthly saving, the ages it used; the running job.

use crate::keymap::Action;
use crate::sanitize;
use crate::state::State;
use crate::state::browse::{CleanupFlow, NONCURRENT_OLDER_THAN_DAYS, UPLOADS_OLDER_THAN_DAYS};
use crate::theme::Theme;
use crate::ui::fmt;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let b = &state.browse;
    let Some(flow) = &b.cleanup else { return };
    let key = |a: Action| Span::styled(state.keymap.first(a), theme.key());
    let dim = |s: String| Span::styled(s, theme.dim());
    let mut lines = vec![Line::raw("")];
    let mut title = vec![Span::styled("Clean up hidden costs under ", theme.title())];
    title.extend(sanitize::spans(&b.url(), theme.title(), theme.escaped()));
    lines.push(Line::from(title));
    lines.push(Line::styled(
        format!(
            "incomplete uploads older than {UPLOADS_OLDER_THAN_DAYS} days, versions noncurrent for over {NONCURRENT_OLDER_THAN_DAYS} days, delete markers that hide nothing"
        ),
        theme.dim(),
    ));
    lines.push(Line::raw(""));
    match flow {
        CleanupFlow::Planning { .. } => lines.push(Line::from(vec![
            Span::raw("listing versions and uploads… "),
            key(Action::Close),
            dim(" cancels".into()),
        ])),
        CleanupFlow::Preview { plan } | CleanupFlow::Running { plan, .. } => {
            let row = |what: &str, count: u64, bytes: Option<u64>| {
                let mut s = format!("  {:>7} {what}", fmt::count(count));
                if let Some(b) = bytes {
                    s.push_str(&format!("  {}", fmt::size(b)));
                }
                Line::raw(s)
            };
            lines.push(row(
                &fmt::noun_for(plan.uploads.count, "incomplete upload"),
                plan.uploads.count,
                Some(plan.uploads.bytes),
            ));
            lines.push(row(
                &fmt::noun_for(plan.versions.count, "noncurrent version"),
                plan.versions.count,
                Some(plan.versions.bytes),
            ));
            lines.push(row(
                &fmt::noun_for(plan.delete_markers.count, "delete marker"),
                plan.delete_markers.count,
                None,
            ));
            let total = plan.total();
            let mut saving = vec![Span::styled(
                format!(
                    "{} in all, {} freed",
                    fmt::plural(total.count, "item"),
                    fmt::size(total.bytes)
                ),
                theme.title(),
            )];
            if let Some(usd) = plan.monthly_saving_usd {
                saving.push(Span::styled(
                    format!(" · saves {}/mo", fmt::usd(usd)),
                    theme.warn(),
                ));
            }
            lines.push(Line::raw(""));
            lines.push(Line::from(saving));
            lines.push(Line::raw(""));
            if let CleanupFlow::Running { id, cancelling, .. } = flow {
                let p = state
                    .jobs
                    .active
                    .iter()
                    .find(|j| j.id == *id)
                    .and_then(|j| j.progress.clone())
                    .unwrap_or_default();
                lines.push(Line::raw(format!(
                    "removing: {} of {} done",
                    fmt::count(p.done),
                    fmt::count(total.count)
                )));
                lines.push(if *cancelling {
                    Line::styled("cancelling: requests in flight finish", theme.warn())
                } else {
                    Line::from(vec![
                        key(Action::Cancel),
                        dim(" stops it (resumable)".into()),
                    ])
                });
            } else if plan.items.is_empty() {
                lines.push(Line::from(vec![
                    Span::raw("Nothing to clean up here. "),
                    key(Action::Close),
                    dim(" goes back".into()),
                ]));
            } else {
                lines.push(Line::from(vec![
                    key(Action::Open),
                    Span::raw(" removes exactly these (journaled) · "),
                    key(Action::Close),
                    Span::raw(" does not"),
                ]));
            }
        }
    }
    let pad = Block::default().padding(Padding::horizontal(2));
    frame.render_widget(
        Paragraph::new(lines).block(pad).wrap(Wrap { trim: false }),
        area,
    );
}
