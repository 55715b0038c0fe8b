//! Browse pane view: where we are, where the numbers come from (live scan counters, snapshot
//! age, estimate), the rows of the prefix or its files or one object's details, the filter.

mod cleanup; // the cleanup preview of hidden costs and the running cleanup
mod delete; // the delete preview, its typed confirmation, the running delete
mod diff; // growth since the previous snapshot
mod files; // the files of a prefix and one object's HEAD details
mod inventory; // the inventory report's line and the offer to read it
mod phase; // where the numbers come from: live counters, snapshot age, scan outcome
mod table; // the prefix rows with bars, shares and per-class columns

use super::fmt;
use crate::keymap::Action;
use crate::sanitize;
use crate::state::State;
use crate::state::browse::{BrowseState, Phase};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Padding, Paragraph, Wrap};

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let b = &state.browse;
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(title(b, theme));
    let table_on_screen = b.diff.is_none()
        && b.object.is_none()
        && b.files.is_none()
        && b.delete.is_none()
        && b.cleanup.is_none();
    if table_on_screen && !b.rows.is_empty() {
        let shown = table::plan(b, area.width.saturating_sub(2)).classes;
        let room =
            usize::from(area.width.saturating_sub(4)).saturating_sub(title(b, theme).width());
        let key = state.keymap.first(Action::Classes);
        if let Some(note) = fmt::classes_note(b.classes.len(), shown, &key, room) {
            block = block.title(Line::styled(note, theme.warn()).right_aligned());
        }
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if b.bucket.is_none() {
        let lines = vec![
            Line::raw(""),
            Line::styled("No bucket open.", theme.title()),
            Line::raw(""),
            Line::from(vec![
                Span::raw("Pick one in Buckets ("),
                Span::styled(state.keymap.first(Action::PaneBuckets), theme.key()),
                Span::raw(") and press "),
                Span::styled(state.keymap.first(Action::Open), theme.key()),
                Span::raw(", or type "),
                Span::styled(":browse s3://BUCKET/PREFIX", theme.key()),
                Span::raw("."),
            ]),
        ];
        let pad = Block::default().padding(Padding::horizontal(1));
        frame.render_widget(
            Paragraph::new(lines).block(pad).wrap(Wrap { trim: false }),
            inner,
        );
        return;
    }
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    let head = Rect {
        x: head.x + 1,
        width: head.width.saturating_sub(2),
        ..head
    };
    frame.render_widget(
        Paragraph::new(vec![
            totals_line(b, theme),
            phase::phase_line(state, head.width, theme),
        ]),
        head,
    );
    if b.cleanup.is_some() {
        cleanup::draw(frame, body, state, theme);
    } else if b.delete.is_some() {
        delete::draw(frame, body, state, theme);
    } else if let Phase::Confirm { .. } = b.phase {
        draw_confirm(frame, body, state, theme);
    } else if b.diff.is_some() {
        diff::draw(frame, body, state, theme);
    } else if b.object.is_some() {
        files::draw_object(frame, body, state, theme);
    } else if b.files.is_some() {
        files::draw_files(frame, body, state, theme);
    } else {
        table::draw(frame, body, state, theme);
    }
    draw_foot(frame, foot, state, theme);
}

/// " Browse · s3://bucket/prefix/ "
fn title(b: &BrowseState, theme: Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(" Browse ", theme.title())];
    if b.bucket.is_some() {
        spans.push(Span::styled("· ", theme.dim()));
        let bold = Style::new().add_modifier(Modifier::BOLD);
        spans.extend(sanitize::spans(&b.url(), bold, theme.escaped()));
        spans.push(Span::raw(" "));
    }
    Line::from(spans)
}

/// "1.2 GiB in 12,345 objects · 2 classes · newest 2024-05-01 12:03"
fn totals_line(b: &BrowseState, theme: Theme) -> Line<'static> {
    if b.tree.is_none() {
        return Line::raw("");
    }
    if !b.found {
        return Line::styled(
            "not listed yet: this prefix has no objects so far",
            theme.dim(),
        );
    }
    let t = &b.totals;
    let mut spans = vec![
        Span::styled(
            fmt::size(t.bytes),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw(format!(" in {}", fmt::plural(t.objects, "object"))),
    ];
    if let Some(c) = t.cost {
        spans.push(Span::raw(format!(" · {}/mo", fmt::usd(c))));
    }
    spans.extend([
        Span::styled(
            format!(" · {}", fmt::plural(b.classes.len() as u64, "class")),
            theme.dim(),
        ),
        Span::styled(
            format!(" · newest {}", fmt::date(t.newest, true)),
            theme.dim(),
        ),
    ]);
    if b.show_hidden {
        let h = &t.hidden;
        let cost = t
            .hidden_cost
            .map_or_else(String::new, |c| format!(" ({}/mo)", fmt::usd(c)));
        spans.push(Span::styled(
            format!(
                " · hidden: {} noncurrent, {}, {} in {}{cost}",
                fmt::size(h.noncurrent.bytes),
                fmt::plural(h.delete_markers, "delete marker"),
                fmt::size(h.uploads.bytes),
                fmt::plural(h.uploads.objects, "upload"),
            ),
            theme.warn(),
        ));
    }
    Line::from(spans)
}

/// The estimate of a big scan, waiting for Enter.
fn draw_confirm(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let b = &state.browse;
    let mut lines = vec![Line::raw("")];
    if let Some(e) = &b.estimate {
        let source = format!("{:?}", e.source).to_lowercase();
        let as_of = e.as_of.map_or_else(String::new, |t| {
            format!(", as of {}", t.format("%Y-%m-%d %H:%M UTC"))
        });
        let mut spans = vec![
            Span::raw("This bucket holds "),
            Span::styled(fmt::count(e.objects), theme.title()),
            Span::raw(format!(
                " {} ({source}{as_of}); a scan needs about ",
                fmt::noun_for(e.objects, "object")
            )),
            Span::styled(fmt::count(e.list_calls), theme.title()),
            Span::raw(format!(" {}", fmt::noun_for(e.list_calls, "LIST call"))),
        ];
        if let Some(p) = &b.prices {
            spans.push(Span::raw(", costing about "));
            spans.push(Span::styled(
                fmt::usd(p.list_cost(e.list_calls)),
                theme.title(),
            ));
            spans.push(Span::raw(format!(
                " at ${}/1,000 requests",
                p.values.list.0
            )));
        }
        spans.push(Span::raw("."));
        lines.push(Line::from(spans));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(state.keymap.first(Action::Open), theme.key()),
        Span::raw(" scans now · "),
        Span::styled(state.keymap.first(Action::Close), theme.key()),
        Span::raw(" does not"),
    ]));
    let pad = Block::default().padding(Padding::horizontal(2));
    frame.render_widget(
        Paragraph::new(lines).block(pad).wrap(Wrap { trim: false }),
        area,
    );
}

/// The filter field while typing, else the full path of the selection.
fn draw_foot(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let b = &state.browse;
    let area = Rect {
        x: area.x + 1,
        width: area.width.saturating_sub(2),
        ..area
    };
    if b.filter.editing || b.filter.is_active() {
        let shown = sanitize::sanitize(b.filter.text()).into_owned();
        let mut spans = vec![Span::styled("/", theme.key()), Span::raw(shown)];
        if !b.filter.editing {
            spans.push(Span::styled("  (filter; ", theme.dim()));
            spans.push(Span::styled(state.keymap.first(Action::Close), theme.key()));
            spans.push(Span::styled(" clears)", theme.dim()));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        if b.filter.editing {
            let x = area.x + 1 + u16::try_from(b.filter.input().visual_cursor()).unwrap_or(0);
            frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
        }
        return;
    }
    let diff_row = b.diff.as_ref().and_then(|d| match &d.load {
        crate::state::browse::DiffLoad::Ready { diff, .. } => diff
            .prefixes
            .get(d.cursor.selected)
            .map(|r| format!("{}{}", b.location_prefix, r.prefix)),
        _ => Some(b.location_prefix.clone()),
    });
    let path = if b.diff.is_some() {
        diff_row
    } else if let Some(o) = &b.object {
        Some(o.key.clone())
    } else if let Some(f) = &b.files {
        f.selected().map(|o| o.key.clone())
    } else {
        b.selected_row().map(|r| match r.kind {
            crate::state::browse::RowKind::Prefix => format!("{}{}", b.cwd, r.name),
            crate::state::browse::RowKind::Files => b.cwd.clone(),
        })
    };
    if let Some(p) = path {
        let bucket = b.bucket.as_deref().unwrap_or_default();
        let mut spans = vec![Span::styled("s3://", theme.dim())];
        spans.extend(sanitize::spans(
            &format!("{bucket}/{p}"),
            Style::new(),
            theme.escaped(),
        ));
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
    }
}
