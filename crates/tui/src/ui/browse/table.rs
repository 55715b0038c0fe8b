//! The rows of a prefix, ncdu-style: size, share and bar of the parent, objects, monthly cost,
//! bytes per storage class (in the one class order; a window of them, cycled by a key, when
//! the screen is narrow), newest change, hidden costs.

use crate::sanitize;
use crate::state::State;
use crate::state::browse::{BrowseState, Row, RowKind};
use crate::theme::Theme;
use crate::ui::fmt::{self, class_window};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row as TableRow, Table, TableState};
use std::ops::Range;

const SIZE: u16 = 10;
const SHARE: u16 = 6;
const OBJECTS: u16 = 9;
const CLASS: u16 = 10;
const COST: u16 = 10;
const DATE: u16 = 10;
const DATE_TIME: u16 = 16;
const NAME_MIN: u16 = 16;
const HIGHLIGHT: u16 = 2;
const BAR_MIN: u16 = 4;

/// Which optional columns fit, most important kept longest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub share: bool,
    pub bar: u16,
    pub classes: usize,
    pub newest: u16,
    pub hidden: bool,
    pub cost: bool,
}

impl Plan {
    fn width(&self) -> u16 {
        let mut cols: Vec<u16> = vec![SIZE, OBJECTS, NAME_MIN];
        if self.cost {
            cols.push(COST);
        }
        if self.share {
            cols.push(SHARE);
        }
        if self.bar > 0 {
            cols.push(self.bar);
        }
        cols.extend(std::iter::repeat_n(CLASS, self.classes));
        if self.newest > 0 {
            cols.push(self.newest);
        }
        if self.hidden {
            cols.extend([SIZE, 8, SIZE]);
        }
        let n = u16::try_from(cols.len()).unwrap_or(u16::MAX);
        HIGHLIGHT + cols.iter().sum::<u16>() + n - 1
    }

    /// The richest plan that fits `width` with `classes` present (and a cost column when
    /// `cost`).
    pub fn fit(width: u16, classes: usize, hidden: bool, cost: bool) -> Self {
        let mut p = Self {
            share: true,
            bar: 10,
            classes,
            newest: DATE_TIME,
            hidden,
            cost,
        };
        // Give up columns in this order until the name keeps its minimum width; one class
        // column stays as long as possible, so that the classes key has something to cycle.
        while p.width() > width {
            if p.classes > 1 {
                p.classes -= 1;
            } else if p.newest == DATE_TIME {
                p.newest = DATE;
            } else if p.share {
                p.share = false;
            } else if p.bar > BAR_MIN {
                p.bar -= 2;
            } else if p.newest > 0 {
                p.newest = 0;
            } else if p.bar > 0 {
                p.bar = 0;
            } else if p.classes == 1 {
                p.classes = 0;
            } else if p.cost {
                // The totals line still gives the cost of the prefix.
                p.cost = false;
            } else {
                break;
            }
        }
        // Room to spare widens the bar a little.
        while p.bar > 0 && p.bar < 20 && p.width() + 2 <= width.saturating_sub(24) {
            p.bar += 2;
        }
        p
    }
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let b = &state.browse;
    if b.rows.is_empty() {
        let text = if b.tree.is_none() {
            ""
        } else if b.filter.is_active() {
            "no row matches the filter"
        } else {
            "nothing here (yet)"
        };
        frame.render_widget(
            Paragraph::new(Line::styled(format!(" {text}"), theme.dim())),
            area,
        );
        return;
    }
    let plan = plan(b, area.width);
    let window = class_window(b.classes.len(), plan.classes, b.class_offset);
    let mut header = vec![Cell::from("Size")];
    let mut widths = vec![Constraint::Length(SIZE)];
    if plan.share {
        header.push(Cell::from("Share"));
        widths.push(Constraint::Length(SHARE));
    }
    if plan.bar > 0 {
        header.push(Cell::from(""));
        widths.push(Constraint::Length(plan.bar));
    }
    header.push(Cell::from(Line::from("Objects").right_aligned()));
    widths.push(Constraint::Length(OBJECTS));
    if plan.cost {
        header.push(Cell::from(Line::from("Cost/mo").right_aligned()));
        widths.push(Constraint::Length(COST));
    }
    for c in &b.classes[window.clone()] {
        let name = fmt::class(&c.name);
        header.push(Cell::from(Line::from(name).right_aligned()));
        widths.push(Constraint::Length(CLASS));
    }
    if plan.newest > 0 {
        header.push(Cell::from("Newest"));
        widths.push(Constraint::Length(plan.newest));
    }
    if plan.hidden {
        for (h, w) in [("Noncurrent", SIZE), ("DelMarks", 8), ("Uploads", SIZE)] {
            header.push(Cell::from(Line::from(h).right_aligned()));
            widths.push(Constraint::Length(w));
        }
    }
    header.push(Cell::from("Name"));
    widths.push(Constraint::Min(NAME_MIN));
    let (shown, selected) = fmt::visible(
        b.cursor.selected,
        b.cursor.offset,
        b.rows.len(),
        area.height,
    );
    let rows = b.rows[shown]
        .iter()
        .map(|r| row(b, r, plan, window.clone(), theme));
    let table = Table::new(rows, widths)
        .header(TableRow::new(header).style(theme.header()))
        .column_spacing(1)
        .row_highlight_style(theme.selected())
        .highlight_symbol("> ");
    let mut ts = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut ts);
}

fn right(s: String) -> Cell<'static> {
    Cell::from(Line::from(s).right_aligned())
}

fn row(
    b: &BrowseState,
    r: &Row,
    plan: Plan,
    window: Range<usize>,
    theme: Theme,
) -> TableRow<'static> {
    let whole = b.totals.bytes;
    let mut cells = vec![right(fmt::size(r.bytes))];
    if plan.share {
        cells.push(right(fmt::share(r.bytes, whole)));
    }
    if plan.bar > 0 {
        cells.push(Cell::from(Span::styled(
            fmt::bar(r.bytes, whole, plan.bar),
            theme.bar(),
        )));
    }
    cells.push(right(fmt::count(r.objects)));
    if plan.cost {
        cells.push(right(r.cost.map_or_else(|| "-".into(), fmt::usd)));
    }
    for bytes in &r.classes[window] {
        cells.push(if *bytes == 0 {
            Cell::from(Line::styled("-", theme.dim()).right_aligned())
        } else {
            right(fmt::size(*bytes))
        });
    }
    if plan.newest > 0 {
        cells.push(Cell::from(fmt::date(r.newest, plan.newest == DATE_TIME)));
    }
    if plan.hidden {
        let h = &r.hidden;
        let warn = |s: String, zero: bool| {
            let style = if zero { theme.dim() } else { theme.warn() };
            Cell::from(Line::styled(s, style).right_aligned())
        };
        cells.push(warn(
            fmt::size(h.noncurrent.bytes),
            h.noncurrent.objects == 0,
        ));
        cells.push(warn(fmt::count(h.delete_markers), h.delete_markers == 0));
        cells.push(warn(fmt::size(h.uploads.bytes), h.uploads.objects == 0));
    }
    let marked = r.kind == RowKind::Prefix && b.marks.contains(&format!("{}{}", b.cwd, r.name));
    let name = match r.kind {
        RowKind::Prefix => {
            let mut spans = sanitize::spans(&r.name, Style::new(), theme.escaped());
            if marked {
                spans.insert(0, Span::styled("* ", theme.marked()));
            }
            Line::from(spans)
        }
        RowKind::Files => Line::styled(
            format!("({} here)", fmt::plural(r.objects, "object")),
            theme.dim(),
        ),
    };
    cells.push(Cell::from(name));
    let row = TableRow::new(cells);
    if marked {
        row.style(theme.marked())
    } else {
        row
    }
}

/// The plan of the prefix table at `width` (the pane's inner width).
pub fn plan(b: &BrowseState, width: u16) -> Plan {
    Plan::fit(width, b.classes.len(), b.show_hidden, b.prices.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_screens_keep_a_class_the_cost_and_the_name() {
        let p = Plan::fit(78, 3, false, false);
        assert_eq!(p.classes, 1, "{p:?}");
        assert!(p.width() <= 78);
        let p = Plan::fit(78, 3, false, true);
        assert_eq!((p.classes, p.cost, p.newest), (1, true, DATE), "{p:?}");
        assert!(p.width() <= 78);
        let p = Plan::fit(158, 3, false, true);
        assert_eq!((p.classes, p.newest, p.share), (3, DATE_TIME, true));
        let p = Plan::fit(78, 3, true, true);
        assert!(p.hidden && p.width() <= 78, "{p:?}");
        let p = Plan::fit(30, 3, false, false);
        assert_eq!((p.classes, p.newest, p.bar), (0, 0, 0));
    }

    #[test]
    fn the_class_window_scrolls_in_order_and_comes_back() {
        let w: Vec<Range<usize>> = (0..4).map(|n| class_window(3, 2, n)).collect();
        assert_eq!(w, [0..2, 1..3, 0..2, 1..3]);
        let w: Vec<Range<usize>> = (0..4).map(|n| class_window(3, 1, n)).collect();
        assert_eq!(w, [0..1, 1..2, 2..3, 0..1]);
        assert_eq!(class_window(2, 5, 7), 0..2);
        assert_eq!(class_window(3, 0, 1), 0..0);
    }
}
