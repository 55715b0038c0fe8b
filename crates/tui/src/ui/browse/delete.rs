//! The delete preview over the rows: exactly what the plan will delete (count, bytes, the first
//! keys, the versioned-bucket note), the bucket name to type for a prefix delete, the job's
//! progress while it runs.

use crate::keymap::Action;
use crate::sanitize;
use crate::state::State;
use crate::state::browse::DeleteFlow;
use crate::theme::Theme;
use crate::ui::{fmt, wrap};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let b = &state.browse;
    let Some(flow) = &b.delete else { return };
    let key = |a: Action| Span::styled(state.keymap.first(a), theme.key());
    let dim = |s: &str| Span::styled(s.to_string(), theme.dim());
    let bucket = b.bucket.as_deref().unwrap_or_default();
    let mut lines = vec![Line::raw("")];
    let mut cursor: Option<(u16, usize)> = None;
    match flow {
        DeleteFlow::Planning { .. } => {
            let t = b.marks.totals();
            lines.push(Line::from(vec![
                Span::raw(format!(
                    "Planning the delete of {} marked: listing what is under them now… ",
                    fmt::count(t.marks)
                )),
                key(Action::Close),
                dim(" cancels"),
            ]));
        }
        DeleteFlow::Preview { plan, typed } => {
            let mut head = vec![Span::styled(
                format!(
                    "Delete {} ({}) from ",
                    fmt::plural(plan.count, "object"),
                    fmt::size(plan.bytes)
                ),
                theme.marked(),
            )];
            head.extend(sanitize::spans(
                &format!("s3://{bucket}"),
                theme.marked(),
                theme.escaped(),
            ));
            head.push(Span::styled("?", theme.marked()));
            lines.push(Line::from(head));
            if let Some(note) = plan.note() {
                lines.push(Line::styled(note, theme.warn()));
            }
            if !plan.missing_keys.is_empty() {
                lines.push(Line::styled(
                    format!(
                        "{} marked no longer there (nothing to delete for them)",
                        fmt::plural(plan.missing_keys.len() as u64, "key")
                    ),
                    theme.dim(),
                ));
            }
            lines.push(Line::raw(""));
            // The confirmation stays on screen: the keys get the rows left between.
            let mut foot = vec![Line::raw("")];
            if plan.count == 0 {
                foot.push(Line::from(vec![
                    Span::raw("Nothing to delete. "),
                    key(Action::Close),
                    dim(" goes back"),
                ]));
            } else if plan.needs_typed_confirmation {
                let label = "A prefix is marked: type the bucket name to confirm: ";
                let mut spans = vec![Span::raw(label)];
                spans.extend(sanitize::spans(typed, theme.title(), theme.escaped()));
                let x = label.chars().count() + sanitize::sanitize(typed).chars().count();
                cursor = Some((u16::try_from(x).unwrap_or(u16::MAX), foot.len()));
                foot.push(Line::from(spans));
                foot.push(confirm_line(state, flow.can_confirm(), theme));
            } else {
                foot.push(confirm_line(state, true, theme));
            }
            let room = usize::from(area.height).saturating_sub(lines.len() + foot.len() + 1);
            let shown = plan.first_keys.len().min(room.max(1));
            // One row per key, cut with an ellipsis: a wrapped key would push the
            // confirmation off the screen.
            let width = area.width.saturating_sub(4);
            for k in &plan.first_keys[..shown] {
                let spans = sanitize::spans(k, Style::new(), theme.escaped());
                let mut rows = wrap::wrap(&spans, width.saturating_sub(3)).into_iter();
                let mut row = rows.next().unwrap_or_default();
                row.spans.insert(0, Span::raw("  "));
                if rows.next().is_some() {
                    row.spans.push(Span::styled("…", theme.dim()));
                }
                lines.push(row);
            }
            let more = plan.count.saturating_sub(shown as u64);
            if more > 0 {
                lines.push(Line::styled(
                    format!("  … and {} more", fmt::count(more)),
                    theme.dim(),
                ));
            }
            if let Some((x, y)) = cursor {
                cursor = Some((x, y + lines.len()));
            }
            lines.extend(foot);
        }
        DeleteFlow::Running {
            id,
            plan,
            cancelling,
        } => {
            let p = state
                .jobs
                .active
                .iter()
                .find(|j| j.id == *id)
                .and_then(|j| j.progress.clone())
                .unwrap_or_default();
            lines.push(Line::styled(
                format!(
                    "Deleting {} of {} ({} of {})…",
                    fmt::count(p.done),
                    fmt::plural(plan.count, "object"),
                    fmt::size(p.bytes),
                    fmt::size(plan.bytes)
                ),
                theme.marked(),
            ));
            if p.errors > 0 {
                lines.push(Line::styled(
                    format!("{} not deleted so far", fmt::plural(p.errors, "key")),
                    theme.error(),
                ));
            }
            lines.push(Line::raw(""));
            lines.push(if *cancelling {
                Line::styled("cancelling: the batches in flight finish", theme.warn())
            } else {
                Line::from(vec![
                    key(Action::Cancel),
                    dim(" stops it between batches · the Jobs pane ("),
                    key(Action::PaneJobs),
                    dim(") follows it"),
                ])
            });
        }
    }
    let pad = Block::default().padding(Padding::horizontal(2));
    let inner = pad.inner(area);
    frame.render_widget(
        Paragraph::new(lines).block(pad).wrap(Wrap { trim: false }),
        area,
    );
    if let Some((x, y)) = cursor
        && let Ok(y) = u16::try_from(y)
        && y < inner.height
    {
        let x = (inner.x + x).min(inner.right().saturating_sub(1));
        frame.set_cursor_position(Position::new(x, inner.y + y));
    }
}

/// "Enter deletes · Esc does not", Enter dimmed (and said why) until the name matches.
fn confirm_line(state: &State, enabled: bool, theme: Theme) -> Line<'static> {
    let enter = state.keymap.first(Action::Open);
    let esc = state.keymap.first(Action::Close);
    let mut spans = if enabled {
        vec![Span::styled(enter, theme.key()), Span::raw(" deletes")]
    } else {
        vec![Span::styled(
            format!("{enter} deletes once the name matches"),
            theme.dim(),
        )]
    };
    spans.push(Span::styled(" · ", theme.dim()));
    spans.push(Span::styled(esc, theme.key()));
    spans.push(Span::raw(" does not (the marks stay)"));
    Line::from(spans)
}
