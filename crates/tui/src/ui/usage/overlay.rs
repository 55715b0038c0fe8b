//! Below and over the Usage table: the hourly sparkline of the selected row, and the trim
//! confirmation.

use crate::sanitize;
use crate::state::State;
use crate::state::usage::UsageState;
use crate::theme::Theme;
use crate::ui::fmt;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Padding, Paragraph, Sparkline, Wrap};
use s3scope_core::usage::view::{bucket_label, series};

/// Requests per hour of the selected row, as many hours as fit (older ones summed).
pub fn chart(frame: &mut Frame<'_>, area: Rect, u: &UsageState, theme: Theme) {
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

pub fn confirm(
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
