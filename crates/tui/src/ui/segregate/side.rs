//! Around the table: counts per target day (wide screens), the selected row in full, and the
//! confirmation asked before an apply.

use super::status_style;
use crate::sanitize;
use crate::state::segregate::{Confirm, SegregateState};
use crate::theme::Theme;
use humansize::{BINARY, format_size};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Padding, Paragraph, Wrap};
use s3scope_core::segregate::Status;

/// The target days and how many objects each gets.
pub fn draw_days(frame: &mut Frame<'_>, area: Rect, s: &SegregateState, theme: Theme) {
    let days = &s.preview.summary.days;
    let block = Block::default()
        .borders(Borders::LEFT)
        .border_style(theme.border())
        .padding(Padding::horizontal(1));
    let mut lines = vec![Line::styled(
        format!("{:<10} {:>7} {:>9}", "Day", "objects", "bytes"),
        theme.header(),
    )];
    let room = usize::from(area.height.saturating_sub(1));
    let shown = if days.len() > room {
        room.saturating_sub(1)
    } else {
        days.len()
    };
    for (day, c) in days.iter().take(shown) {
        lines.push(Line::raw(format!(
            "{day:<10} {:>7} {:>9}",
            c.objects,
            format_size(c.bytes, BINARY)
        )));
    }
    if days.len() > shown {
        lines.push(Line::styled(
            format!("… {} more days", days.len() - shown),
            theme.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The selected row in full: key → target, and why when it is not a plain move.
pub fn draw_detail(frame: &mut Frame<'_>, area: Rect, s: &SegregateState, theme: Theme) {
    let Some(&i) = s.preview.rows.get(s.selected) else {
        return;
    };
    let e = &s.preview.entries[i];
    let first = sanitize::spans(&e.key, Style::new(), theme.escaped());
    let mut arrow = vec![Span::styled("→ ", theme.dim())];
    arrow.extend(sanitize::spans(
        &e.target,
        status_style(theme, e.status),
        theme.escaped(),
    ));
    let mut second = vec![Span::styled(
        format!("{} · ", format_size(e.size, BINARY)),
        theme.dim(),
    )];
    let why = match (&e.detail, &e.existing, e.status) {
        (Some(d), _, _) => d.clone(),
        (None, Some(x), Status::Conflict) => format!(
            "the destination exists: {} with ETag {}",
            format_size(x.size, BINARY),
            x.etag.as_deref().unwrap_or("-")
        ),
        (None, Some(_), Status::AlreadyThere) => {
            "the destination holds the same object: only the source is deleted".into()
        }
        (None, _, Status::Error) => "the name does not match the pattern".into(),
        (_, _, Status::TooNew) => {
            "modified less than min_age ago: still arriving, stays for the next run".into()
        }
        (_, _, Status::Excluded) => "excluded by the rule's globs: stays where it is".into(),
        (_, _, Status::NotRecursive) => {
            "in a sub-prefix and the rule is not recursive: stays where it is".into()
        }
        _ if !s.preview.checked.get(i).copied().unwrap_or(true) => {
            "the destination is not checked yet".into()
        }
        _ => "copied, verified, then the source is deleted".into(),
    };
    second.extend(sanitize::spans(&why, theme.dim(), theme.escaped()));
    // One line each, cut at the edge: a wrapped key would push the others out.
    let lines = vec![Line::from(first), Line::from(arrow), Line::from(second)];
    frame.render_widget(Paragraph::new(lines), area);
}

/// The question before an apply, with the counts it will act on.
pub fn draw_confirm(
    frame: &mut Frame<'_>,
    area: Rect,
    s: &SegregateState,
    c: &Confirm,
    theme: Theme,
) {
    let sum = &c.summary;
    let size = |b: u64| format_size(b, BINARY);
    let target = s.value(crate::state::segregate::FieldId::Target);
    let errors = s.value(crate::state::segregate::FieldId::Errors);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{:>7} ", sum.moves.objects), theme.title()),
            Span::raw(format!(
                "move to {target} ({}, {} days)",
                size(sum.moves.bytes),
                sum.days.len()
            )),
        ]),
        Line::from(vec![
            Span::styled(format!("{:>7} ", sum.error.objects), theme.title()),
            Span::raw(format!(
                "go to {errors} ({} no match, {} unparseable)",
                sum.no_match, sum.unparseable
            )),
        ]),
        Line::from(vec![
            Span::styled(format!("{:>7} ", sum.already_there.objects), theme.title()),
            Span::raw("already there: only their source is deleted"),
        ]),
        Line::from(vec![
            Span::styled(format!("{:>7} ", sum.conflict.objects), theme.title()),
            Span::raw("conflicts: skipped, nothing overwritten"),
        ]),
        Line::raw(""),
        Line::styled(
            "Each source is deleted only after its copy is verified.",
            theme.dim(),
        ),
    ];
    if c.partial {
        lines.push(Line::styled(
            "Only the keys listed so far are in this plan; run again for the rest.",
            theme.dim(),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("y", theme.key()),
        Span::raw(" apply    "),
        Span::styled("any other key", theme.key()),
        Span::raw(" back, nothing changed"),
    ]));
    let height = u16::try_from(lines.len()).unwrap_or(12) + 2;
    let [box_area] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [box_area] = Layout::horizontal([Constraint::Length(area.width.min(72))])
        .flex(Flex::Center)
        .areas(box_area);
    let title = format!(" Apply to s3://{}? ", s.listing.bucket);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .padding(Padding::horizontal(1))
        .title(Span::styled(
            sanitize::sanitize(&title).into_owned(),
            theme.title(),
        ));
    frame.render_widget(Clear, box_area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        box_area,
    );
}
