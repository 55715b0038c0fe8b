//! The `?` overlay: every action with its keys from the live keymap, the commands, the banner.

use crate::command::COMMANDS;
use crate::keymap::{Action, Group};
use crate::sanitize;
use crate::state::{Help, State};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Padding, Paragraph, Wrap};

const GROUPS: [Group; 5] = [
    Group::Global,
    Group::Navigation,
    Group::Buckets,
    Group::Segregate,
    Group::Usage,
];
const GAP: u16 = 3;

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, help: &Help, theme: Theme) {
    let popup = centered(area, 110);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .padding(Padding::horizontal(1))
        .title(Span::styled(" Help ", theme.title()))
        .title_bottom(Line::from(vec![
            Span::raw(" "),
            Span::styled(state.keymap.first(Action::Close), theme.key()),
            Span::styled(" close · ", theme.dim()),
            Span::styled(state.keymap.describe(Action::Down), theme.key()),
            Span::styled(" scroll · keys from [keymap] in the config ", theme.dim()),
        ]));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);

    let footer = footer_lines(state, theme);
    let footer_rows = footer_height(&footer, inner.width);
    let [body, foot] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(footer_rows)]).areas(inner);
    if !footer.is_empty() {
        frame.render_widget(Paragraph::new(footer).wrap(Wrap { trim: false }), foot);
    }

    let sections = sections(state, theme);
    let widest = sections
        .iter()
        .flatten()
        .map(Line::width)
        .max()
        .unwrap_or(0);
    let col_width = u16::try_from(widest).unwrap_or(u16::MAX);
    let max_cols = usize::from((body.width + GAP) / (col_width.saturating_add(GAP)).max(1)).max(1);
    match pack(&sections, max_cols, usize::from(body.height)) {
        Some(columns) => {
            let constraints = columns.iter().map(|_| Constraint::Length(col_width + GAP));
            let areas = Layout::horizontal(constraints).split(body);
            for (column, rect) in columns.into_iter().zip(areas.iter()) {
                frame.render_widget(Paragraph::new(column), *rect);
            }
        }
        None => {
            // Too short for columns: one scrolling column.
            let mut all: Vec<Line<'static>> = Vec::new();
            for section in sections {
                if !all.is_empty() {
                    all.push(Line::raw(""));
                }
                all.extend(section);
            }
            let max_scroll = all.len().saturating_sub(usize::from(body.height));
            let scroll = u16::try_from(max_scroll)
                .unwrap_or(u16::MAX)
                .min(help.scroll);
            frame.render_widget(Paragraph::new(all).scroll((scroll, 0)), body);
        }
    }
}

/// A popup almost as large as the screen, at most `max_width` wide.
fn centered(area: Rect, max_width: u16) -> Rect {
    let width = area
        .width
        .saturating_sub(4)
        .min(max_width)
        .max(area.width.min(20));
    let height = area.height.saturating_sub(2).max(area.height.min(5));
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// Key groups then commands, each a block of lines starting with its heading.
fn sections(state: &State, theme: Theme) -> Vec<Vec<Line<'static>>> {
    let mut out = Vec::new();
    for group in GROUPS {
        let actions: Vec<Action> = Action::ALL
            .into_iter()
            .filter(|a| a.group() == group)
            .collect();
        let keys: Vec<String> = actions.iter().map(|a| state.keymap.describe(*a)).collect();
        let width = keys.iter().map(|k| k.chars().count()).max().unwrap_or(0);
        let mut lines = vec![Line::styled(group.title(), theme.header())];
        for (action, k) in actions.iter().zip(keys) {
            lines.push(Line::from(vec![
                Span::styled(format!("{k:<width$}"), theme.key()),
                Span::raw(format!("  {}", action.description())),
            ]));
        }
        out.push(lines);
    }
    let names: Vec<String> = COMMANDS
        .iter()
        .map(|(n, _)| format!(":{}", n.join(" :")))
        .collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let mut lines = vec![Line::styled("Commands (after :)", theme.header())];
    for (name, (_, what)) in names.iter().zip(COMMANDS) {
        lines.push(Line::from(vec![
            Span::styled(format!("{name:<width$}"), theme.key()),
            Span::raw(format!("  {what}")),
        ]));
    }
    out.push(lines);
    out
}

/// The banner (where this session runs) under the keys.
fn footer_lines(state: &State, theme: Theme) -> Vec<Line<'static>> {
    match &state.banner {
        Some(b) => vec![
            Line::raw(""),
            sanitize::line(b, theme.info(), theme.escaped()),
        ],
        None => Vec::new(),
    }
}

fn footer_height(lines: &[Line<'_>], width: u16) -> u16 {
    let width = usize::from(width.max(1));
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(width).max(1)).sum();
    u16::try_from(rows).unwrap_or(u16::MAX)
}

/// Places whole sections into at most `max_cols` columns of `height` rows, each section in the
/// first column with room (a blank line between sections). None when they do not fit.
fn pack(
    sections: &[Vec<Line<'static>>],
    max_cols: usize,
    height: usize,
) -> Option<Vec<Vec<Line<'static>>>> {
    let mut columns: Vec<Vec<Line<'static>>> = Vec::new();
    for section in sections {
        let needed =
            |col: &Vec<Line<'static>>| col.len() + usize::from(!col.is_empty()) + section.len();
        let slot = columns.iter().position(|c| needed(c) <= height);
        let index = match slot {
            Some(i) => i,
            None if columns.len() < max_cols && section.len() <= height => {
                columns.push(Vec::new());
                columns.len() - 1
            }
            None => return None,
        };
        let column = &mut columns[index];
        if !column.is_empty() {
            column.push(Line::raw(""));
        }
        column.extend(section.iter().cloned());
    }
    Some(columns)
}
