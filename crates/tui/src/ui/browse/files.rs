//! The files of a prefix (one capped listing) and one object's HEAD details.

use crate::keymap::Action;
use crate::sanitize;
use crate::state::State;
use crate::state::browse::Load;
use crate::theme::Theme;
use crate::ui::fmt;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

pub fn draw_files(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let b = &state.browse;
    let Some(f) = &b.files else { return };
    let [note, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let back = Span::styled(state.keymap.first(Action::Back), theme.key());
    let listed = f.page.as_ref().map_or(0, |p| p.objects.len());
    let note_line = match &f.load {
        Load::Loading => Line::styled(" listing the objects directly in this prefix…", theme.dim()),
        Load::Failed(e) => {
            let mut spans = vec![Span::styled(" cannot list: ", theme.error())];
            spans.extend(sanitize::spans(e, theme.error(), theme.escaped()));
            Line::from(spans)
        }
        Load::Done => {
            let more = f.page.as_ref().is_some_and(|p| p.truncated);
            let mut text = format!(" {} directly here", fmt::plural(listed as u64, "object"));
            if more {
                text = format!(
                    " first {} of {} objects directly here (one capped listing)",
                    fmt::count(listed as u64),
                    fmt::count(f.expected)
                );
            }
            Line::from(vec![
                Span::styled(text, theme.dim()),
                Span::styled(" · ", theme.dim()),
                back,
                Span::styled(" back", theme.dim()),
            ])
        }
    };
    frame.render_widget(Paragraph::new(note_line), note);
    let wide = area.width >= 120;
    let header = Row::new(vec![
        Cell::from(Line::from("Size").right_aligned()),
        Cell::from("Class"),
        Cell::from("Modified"),
        Cell::from("Name"),
    ])
    .style(theme.header());
    let (shown, selected) = fmt::visible(
        f.cursor.selected,
        f.cursor.offset,
        f.order.len(),
        body.height,
    );
    let count = shown.len();
    let rows = f.objects().skip(shown.start).take(count).map(|o| {
        let marked = b.marks.contains(&o.key);
        let mut name = sanitize::spans(f.name(o), Style::new(), theme.escaped());
        if marked {
            name.insert(0, Span::styled("* ", theme.marked()));
        }
        let row = Row::new(vec![
            Cell::from(Line::from(fmt::size(o.size)).right_aligned()),
            Cell::from(sanitize::sanitize(&o.storage_class).into_owned()),
            Cell::from(fmt::date(o.last_modified.map(|t| t.timestamp()), true)),
            Cell::from(Line::from(name)),
        ]);
        if marked {
            row.style(theme.marked())
        } else {
            row
        }
    });
    let widths = [
        Constraint::Length(10),
        Constraint::Length(if wide { 19 } else { 12 }),
        Constraint::Length(16),
        Constraint::Min(10),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(theme.selected())
        .highlight_symbol("> ");
    let mut ts = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, body, &mut ts);
}

pub fn draw_object(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let Some(o) = &state.browse.object else {
        return;
    };
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines = Vec::new();
    let field = |name: &str, value: &str, lines: &mut Vec<Line<'static>>| {
        let mut spans = vec![Span::styled(format!("{name:<14}"), theme.dim())];
        spans.extend(sanitize::spans(value, Style::new(), theme.escaped()));
        lines.push(Line::from(spans));
    };
    let mut key = vec![Span::styled(format!("{:<14}", "Key"), theme.dim())];
    key.extend(sanitize::spans(&o.key, bold, theme.escaped()));
    lines.push(Line::from(key));
    match (&o.load, &o.details) {
        (Load::Loading, _) => lines.push(Line::styled("HEAD…", theme.dim())),
        (Load::Failed(e), _) => {
            let mut spans = vec![Span::styled("HEAD failed: ", theme.error())];
            spans.extend(sanitize::spans(e, theme.error(), theme.escaped()));
            lines.push(Line::from(spans));
        }
        (Load::Done, Some(d)) => {
            let size = u64::try_from(d.size).unwrap_or(0);
            field(
                "Size",
                &format!("{} ({} bytes)", fmt::size(size), fmt::count(size)),
                &mut lines,
            );
            field("Storage class", &d.storage_class, &mut lines);
            field("ETag", d.etag.as_deref().unwrap_or("-"), &mut lines);
            field(
                "Content-Type",
                d.content_type.as_deref().unwrap_or("-"),
                &mut lines,
            );
            let modified = d.last_modified.map_or_else(
                || "-".into(),
                |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            );
            field("Last modified", &modified, &mut lines);
            field(
                "Version",
                d.version_id.as_deref().unwrap_or("-"),
                &mut lines,
            );
            field(
                "Tags",
                &d.tag_count.map_or_else(|| "0".into(), |n| n.to_string()),
                &mut lines,
            );
            if d.metadata.is_empty() {
                field("Metadata", "(none)", &mut lines);
            }
            for (k, v) in &d.metadata {
                field("Metadata", &format!("{k}: {v}"), &mut lines);
            }
        }
        (Load::Done, None) => {}
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(state.keymap.first(Action::Back), theme.key()),
        Span::styled(" back · ", theme.dim()),
        Span::styled(state.keymap.first(Action::Copy), theme.key()),
        Span::styled(" copy the s3:// path", theme.dim()),
    ]));
    let area = Rect {
        x: area.x + 1,
        width: area.width.saturating_sub(2),
        ..area
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
