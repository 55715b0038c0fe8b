//! The rule's fields (with the cursor when one is edited), the line of counts per status (or the
//! rule's error, or the apply's progress), and the key hints of the pane.

use super::status_style;
use crate::keymap::Action;
use crate::sanitize;
use crate::state::State;
use crate::state::segregate::{FieldId, ListPhase, SegregateState};
use crate::theme::Theme;
use humansize::{BINARY, format_size};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use s3scope_core::job::eta_text;
use s3scope_core::segregate::Status;

/// Width of the progress bar of an apply.
const BAR: usize = 16;

/// Field rows: (field, share of the row) per row.
const LAYOUT: [&[(FieldId, u16)]; 3] = [
    &[
        (FieldId::Bucket, 1),
        (FieldId::Source, 1),
        (FieldId::Errors, 1),
    ],
    &[(FieldId::Pattern, 1)],
    &[(FieldId::Format, 1), (FieldId::Target, 2)],
];

pub fn draw_fields(frame: &mut Frame<'_>, area: Rect, s: &SegregateState, theme: Theme) {
    let rows = Layout::vertical([Constraint::Length(1); 3]).areas::<3>(area);
    let error_field = s.preview.error.as_ref().and_then(|e| FieldId::of(e.field));
    for (row, fields) in rows.into_iter().zip(LAYOUT) {
        let constraints: Vec<Constraint> = fields
            .iter()
            .map(|(_, share)| Constraint::Fill(*share))
            .collect();
        let cells = Layout::horizontal(constraints).spacing(2).split(row);
        for (&(field, _), cell) in fields.iter().zip(cells.iter()) {
            draw_field(frame, *cell, s, field, error_field == Some(field), theme);
        }
    }
}

fn draw_field(
    frame: &mut Frame<'_>,
    area: Rect,
    s: &SegregateState,
    field: FieldId,
    wrong: bool,
    theme: Theme,
) {
    let editing = s.editing == Some(field);
    let label = format!("{:<7}", field.label());
    let label_style = if editing {
        theme.key().add_modifier(Modifier::REVERSED)
    } else if wrong {
        theme.error()
    } else {
        theme.dim()
    };
    let input = s.input(field);
    let width = usize::from(area.width.saturating_sub(8)).max(1);
    let scroll = if editing {
        input.visual_scroll(width)
    } else {
        0
    };
    let shown: String = input.value().chars().skip(scroll).collect();
    let mut value_style = Style::new().add_modifier(Modifier::UNDERLINED);
    if wrong {
        value_style = value_style.patch(theme.error());
    }
    let mut spans = vec![Span::styled(label, label_style), Span::raw(" ")];
    if shown.is_empty() && !editing {
        spans.push(Span::styled("(empty)", theme.dim()));
    } else {
        spans.extend(sanitize::spans(&shown, value_style, theme.escaped()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if editing {
        let cursor = input.visual_cursor().saturating_sub(scroll);
        let x = area
            .x
            .saturating_add(8)
            .saturating_add(u16::try_from(cursor).unwrap_or(u16::MAX));
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
    }
}

/// Counts per status, or why there are none, or the apply's progress.
pub fn draw_counts(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let s = &state.segregate;
    if let Some(job) = &s.job {
        let p = &job.progress;
        let total = p.total.unwrap_or(0);
        let ratio = if total > 0 {
            (p.done as f64 / total as f64).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let mut label = format!(
            "{}{}/{} · {}/{} · {:.0}/s",
            if job.cancelling { "stopping: " } else { "" },
            p.done,
            total,
            format_size(p.bytes, BINARY),
            format_size(p.bytes_total.unwrap_or(0), BINARY),
            p.rate
        );
        if let Some(eta) = p.eta {
            label.push_str(&format!(" · ETA {}", eta_text(eta.as_secs_f64())));
        }
        if p.errors > 0 {
            let what = if p.errors == 1 { "error" } else { "errors" };
            label.push_str(&format!(" · {} {what}", p.errors));
        }
        let filled = (ratio * BAR as f64).round() as usize;
        let line = Line::from(vec![
            Span::styled("█".repeat(filled), theme.key()),
            Span::styled("░".repeat(BAR - filled), theme.dim()),
            Span::raw(format!(" {:>3.0}% ", ratio * 100.0)),
            Span::raw(label),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let line = match &s.preview.error {
        Some(e) => {
            let mut spans = vec![Span::styled("✗ ", theme.error())];
            let text = format!("{}: {}", e.field, e.message);
            spans.extend(sanitize::spans(&text, theme.error(), theme.escaped()));
            Line::from(spans)
        }
        None => {
            // Narrow panes get short labels before the counts are cut at the edge.
            let full = counts_line(s, theme, false);
            let sum = &s.preview.summary;
            let stays = Status::ALL
                .iter()
                .any(|st| st.stays() && sum.count(*st).objects > 0);
            if stays && full.width() > usize::from(area.width) {
                counts_line(s, theme, true)
            } else {
                full
            }
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn counts_line(s: &SegregateState, theme: Theme, compact: bool) -> Line<'static> {
    let sum = &s.preview.summary;
    let sep = || Span::styled(" · ", theme.dim());
    let mut spans = Vec::new();
    for status in Status::ALL {
        let c = sum.count(status);
        // The statuses of keys left in place show only when there are some.
        if status.stays() && c.objects == 0 && s.filter != Some(status) {
            continue;
        }
        if !spans.is_empty() {
            spans.push(sep());
        }
        let label = match status {
            Status::AlreadyThere if compact => "there",
            Status::NotRecursive if compact => "not rec",
            other => super::status_label(other),
        };
        let mut style = status_style(theme, status);
        if s.filter == Some(status) {
            style = style.add_modifier(Modifier::REVERSED);
        }
        spans.push(Span::styled(format!("{label} {}", c.objects), style));
        if status == Status::Error && c.objects > 0 && !compact {
            spans.push(Span::styled(
                format!(
                    " ({} no match, {} unparseable)",
                    sum.no_match, sum.unparseable
                ),
                theme.dim(),
            ));
        }
    }
    if s.preview.unchecked > 0 {
        spans.push(sep());
        spans.push(Span::styled(
            format!("{} destinations unchecked", s.preview.unchecked),
            theme.dim(),
        ));
    }
    let listing = match &s.listing.phase {
        ListPhase::Idle => "no bucket".to_string(),
        ListPhase::Running => format!("listing… {} keys", s.listing.objects.len()),
        ListPhase::Done { complete: true } => format!("{} keys", s.listing.objects.len()),
        ListPhase::Done { complete: false } => {
            format!("first {} keys", s.listing.objects.len())
        }
        ListPhase::Failed(e) => format!("listing failed: {e}"),
    };
    spans.push(sep());
    let style = if matches!(s.listing.phase, ListPhase::Failed(_)) {
        theme.error()
    } else {
        theme.dim()
    };
    spans.extend(sanitize::spans(&listing, style, theme.escaped()));
    Line::from(spans)
}

/// The pane's keys, from the keymap (or the editing keys while a field is edited).
pub fn draw_hints(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let s = &state.segregate;
    let items: Vec<(String, &str)> = if s.editing.is_some() {
        vec![
            ("Tab/↓".into(), "next field"),
            ("Shift-Tab/↑".into(), "previous"),
            ("Enter/Esc".into(), "done"),
        ]
    } else if s.job.is_some() {
        vec![(state.keymap.first(Action::Cancel), "stop safely")]
    } else {
        let k = |a| state.keymap.first(a);
        vec![
            (k(Action::EditRule), "edit rule"),
            (k(Action::PickRule), "next rule"),
            (k(Action::StatusFilter), "filter status"),
            (k(Action::ApplyPlan), "apply"),
            (k(Action::Refresh), "relist"),
        ]
    };
    let mut spans = Vec::new();
    for (i, (key, label)) in items.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::styled(format!(" {label}"), theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
