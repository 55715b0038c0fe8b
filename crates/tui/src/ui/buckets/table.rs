//! The bucket table body: name, region, objects, size, monthly cost, bytes per class (in the
//! one class order; a window of them, cycled by a key, when narrow), source, as-of, created;
//! error rows marked; a totals row under the table.

use super::{WIDE, date, source_name};
use crate::keymap::Action;
use crate::sanitize;
use crate::state::State;
use crate::state::buckets::{Totals, row_cost};
use crate::theme::Theme;
use crate::ui::fmt::{self, class_window};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};
use s3scope_core::scan::buckets::BucketRow;
use s3scope_core::scan::report::ordered_classes;
use s3scope_core::units::Unit;

const NUM: u16 = 10;
const SOURCE: u16 = 10;

/// Optional columns that fit, dropped in reverse order of importance.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    region: bool,
    cost: bool,
    pub classes: usize,
    source: bool,
    as_of: bool,
    created: bool,
}

fn bytes(unit: Unit, b: u64) -> String {
    if unit == Unit::Auto {
        fmt::size(b)
    } else {
        unit.format(b)
    }
}

fn plan(
    width: u16,
    name: u16,
    region: u16,
    classes: usize,
    wide: bool,
    table: bool,
    cost: bool,
) -> Plan {
    let dates = if wide { 23 } else { 16 };
    let mut p = Plan {
        region: true,
        cost,
        classes,
        source: table,
        as_of: table,
        created: true,
    };
    let need = |p: &Plan| -> u16 {
        let mut w = 2 + name.min(24) + 2 * (NUM + 2);
        let n = u16::try_from(p.classes).unwrap_or(8);
        w += n * (NUM + 2);
        w += if p.cost { NUM + 2 } else { 0 };
        w += if p.region { region + 2 } else { 0 };
        w += if p.source { SOURCE + 2 } else { 0 };
        w += if p.as_of {
            (if wide { 16 } else { 5 }) + 2
        } else {
            0
        };
        w += if p.created { dates + 2 } else { 0 };
        w
    };
    while need(&p) > width {
        if p.classes > 1 {
            p.classes -= 1;
        } else if p.created {
            p.created = false;
        } else if p.as_of {
            p.as_of = false;
        } else if p.region {
            p.region = false;
        } else if p.source {
            // The title says where the sizes come from; a class column is worth more here.
            p.source = false;
        } else if p.classes == 1 {
            p.classes = 0;
        } else {
            break;
        }
    }
    p
}

/// The classes of the visible rows in the one class order, and the plan of the table at
/// `width` (the pane's inner width).
pub fn layout(state: &State, width: u16) -> (Vec<String>, Plan) {
    let b = &state.buckets;
    let wide = width >= WIDE;
    let totals = b.totals();
    let classes: Vec<String> = ordered_classes(totals.classes.keys().map(String::as_str))
        .into_iter()
        .map(String::from)
        .collect();
    let (name_width, region_width) = widths(state);
    // Until the table is in there is no source or as-of to show.
    let p = plan(
        width,
        name_width,
        region_width,
        classes.len(),
        wide,
        !b.table.is_empty(),
        b.prices.is_some(),
    );
    (classes, p)
}

fn widths(state: &State) -> (u16, u16) {
    let b = &state.buckets;
    let region_width = b
        .buckets
        .iter()
        .filter_map(|x| x.region.as_deref())
        .map(|r| sanitize::sanitize(r).chars().count())
        .max()
        .unwrap_or(0)
        .clamp("Region".len(), 20);
    let name_width = b
        .view
        .iter()
        .map(|&i| sanitize::sanitize(&b.buckets[i].name).chars().count())
        .max()
        .unwrap_or(0)
        .max(total_label(&b.totals()).chars().count());
    (
        u16::try_from(name_width).unwrap_or(u16::MAX),
        u16::try_from(region_width).unwrap_or(20),
    )
}

/// "TOTAL 3", "TOTAL 3 (partial)": the first cell of the totals row.
fn total_label(t: &Totals) -> String {
    format!(
        "TOTAL {}{}",
        t.buckets,
        if t.complete { "" } else { " (partial)" }
    )
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let b = &state.buckets;
    let wide = area.width >= WIDE;
    let totals = b.totals();
    let (classes, p) = layout(state, area.width);
    let (name_width, region_width) = widths(state);
    let window = class_window(classes.len(), p.classes, b.class_offset);
    let shown: Vec<&String> = classes[window].iter().collect();

    let mut header = vec![Cell::from("Name")];
    let mut widths = vec![Constraint::Max(name_width)];
    if p.region {
        header.push(Cell::from("Region"));
        widths.push(Constraint::Length(region_width));
    }
    header.push(Cell::from(Line::from("Objects").right_aligned()));
    header.push(Cell::from(Line::from("Size").right_aligned()));
    widths.extend([Constraint::Length(NUM), Constraint::Length(NUM)]);
    if p.cost {
        header.push(Cell::from(Line::from("Cost/mo").right_aligned()));
        widths.push(Constraint::Length(NUM));
    }
    for c in &shown {
        let label = fmt::class(c);
        header.push(Cell::from(Line::from(label).right_aligned()));
        widths.push(Constraint::Length(NUM));
    }
    if p.source {
        header.push(Cell::from("Source"));
        widths.push(Constraint::Length(SOURCE));
    }
    if p.as_of {
        header.push(Cell::from("As of"));
        widths.push(Constraint::Length(if wide { 16 } else { 5 }));
    }
    if p.created {
        header.push(Cell::from("Created"));
        widths.push(Constraint::Length(if wide { 23 } else { 16 }));
    }
    let rows = b.view.iter().map(|&i| {
        let x = &b.buckets[i];
        let row = b.row(&x.name);
        let mut cells = vec![Cell::from(sanitize::line(
            &x.name,
            Style::new(),
            theme.escaped(),
        ))];
        if p.region {
            cells.push(Cell::from(region_cell(
                state,
                &x.name,
                x.region.as_deref(),
                theme,
            )));
        }
        cells.extend(number_cells(state, row, &shown, p.cost, theme));
        if p.source {
            cells.push(Cell::from(row.map_or("", |r| source_name(r.source))));
        }
        if p.as_of {
            let fmt_ = if wide { "%Y-%m-%d %H:%M" } else { "%H:%M" };
            let at = row
                .and_then(|r| r.as_of)
                .map(|t| t.format(fmt_).to_string());
            cells.push(Cell::from(at.unwrap_or_default()));
        }
        if p.created {
            cells.push(Cell::from(date(x.created, wide)));
        }
        Row::new(cells)
    });
    let [body, total_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    let table = Table::new(rows, widths.clone())
        .header(Row::new(header).style(theme.header()))
        .column_spacing(2)
        .flex(Flex::Start)
        .row_highlight_style(theme.selected())
        .highlight_symbol("> ");
    let mut ts = TableState::default()
        .with_offset(b.offset)
        .with_selected(Some(b.selected));
    frame.render_stateful_widget(table, body, &mut ts);
    if b.table.is_empty() {
        return;
    }
    // The totals row, aligned with the table's columns.
    let strong = theme.title();
    let mut cells = vec![Cell::from(Span::styled(total_label(&totals), strong))];
    if p.region {
        cells.push(Cell::from(""));
    }
    cells.push(Cell::from(
        Line::styled(fmt::count(totals.objects), strong).right_aligned(),
    ));
    cells.push(Cell::from(
        Line::styled(bytes(b.unit, totals.bytes), strong).right_aligned(),
    ));
    if p.cost {
        let c = totals.cost.map_or_else(|| "-".into(), fmt::usd);
        cells.push(Cell::from(Line::styled(c, strong).right_aligned()));
    }
    for c in &shown {
        let v = totals.classes.get(*c).copied().unwrap_or(0);
        cells.push(Cell::from(
            Line::styled(bytes(b.unit, v), strong).right_aligned(),
        ));
    }
    let total = Table::new([Row::new(cells)], widths)
        .column_spacing(2)
        .flex(Flex::Start)
        .highlight_symbol("  ");
    let mut ts = TableState::default().with_selected(Some(0));
    frame.render_stateful_widget(total, total_area, &mut ts);
}

/// Objects, size and class cells: numbers, "…" while loading, "error" on a failed row.
fn number_cells(
    state: &State,
    row: Option<&BucketRow>,
    classes: &[&String],
    cost: bool,
    theme: Theme,
) -> Vec<Cell<'static>> {
    let unit = state.buckets.unit;
    let right = |s: String, style: Style| Cell::from(Line::styled(s, style).right_aligned());
    let n = 2 + usize::from(cost) + classes.len();
    match row {
        Some(r) if r.error.is_some() => {
            let mut cells = vec![right("error".into(), theme.error())];
            cells.extend((1..n).map(|_| right("-".into(), theme.dim())));
            cells
        }
        Some(r) => {
            let mut cells = vec![
                r.objects.map_or_else(
                    || right("?".into(), theme.dim()),
                    |o| right(fmt::count(o), Style::new()),
                ),
                r.bytes.map_or_else(
                    || right("?".into(), theme.dim()),
                    |v| right(bytes(unit, v), Style::new()),
                ),
            ];
            if cost {
                cells.push(row_cost(r, state.buckets.prices.as_ref()).map_or_else(
                    || right("-".into(), theme.dim()),
                    |c| right(fmt::usd(c), Style::new()),
                ));
            }
            for c in classes {
                cells.push(match r.storage_classes.get(*c) {
                    Some(t) => right(bytes(unit, t.bytes), Style::new()),
                    None => right("-".into(), theme.dim()),
                });
            }
            cells
        }
        None => (0..n)
            .map(|_| {
                let loading = state.buckets.table_load == crate::state::buckets::TableLoad::Loading;
                right(if loading { "…" } else { "" }.into(), theme.dim())
            })
            .collect(),
    }
}

/// The region cell: the region, "…" while looking it up, "?" when the lookup failed.
fn region_cell(state: &State, name: &str, region: Option<&str>, theme: Theme) -> Span<'static> {
    match region {
        Some(r) => Span::raw(sanitize::sanitize(r).into_owned()),
        None if state.buckets.region_errors.contains_key(name) => Span::styled("?", theme.error()),
        None if state.buckets.regions_pending > 0 => Span::styled("…", theme.dim()),
        None => Span::styled("-", theme.dim()),
    }
}

/// The selected bucket in full (names can be longer than the column), its region, created,
/// and the row's error or source; the filter field while typing.
pub fn draw_detail(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let b = &state.buckets;
    if b.filter.editing {
        let shown = sanitize::sanitize(b.filter.text()).into_owned();
        let line = Line::from(vec![
            Span::raw(" "),
            Span::styled("/", theme.key()),
            Span::raw(shown),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        let x = area.x + 2 + u16::try_from(b.filter.input().visual_cursor()).unwrap_or(0);
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
        return;
    }
    let Some(x) = b.selected_bucket() else {
        if b.filter.is_active() {
            let line = Line::from(vec![
                Span::styled(" no bucket matches the filter; ", theme.dim()),
                Span::styled(state.keymap.first(Action::Close), theme.key()),
                Span::styled(" clears it", theme.dim()),
            ]);
            frame.render_widget(Paragraph::new(line), area);
        }
        return;
    };
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut spans = vec![Span::raw(" "), Span::styled("s3://", bold)];
    spans.extend(sanitize::spans(&x.name, bold, theme.escaped()));
    spans.push(Span::styled("  region ", theme.dim()));
    match (&x.region, b.region_errors.get(&x.name)) {
        (Some(r), _) => spans.extend(sanitize::spans(r, Style::new(), theme.escaped())),
        (None, Some(e)) => {
            spans.push(Span::styled("lookup failed: ", theme.error()));
            spans.extend(sanitize::spans(e, theme.error(), theme.escaped()));
        }
        (None, None) if b.regions_pending > 0 => {
            spans.push(Span::styled("resolving…", theme.dim()))
        }
        (None, None) => spans.push(Span::styled("unknown", theme.dim())),
    }
    spans.push(Span::styled("  created ", theme.dim()));
    spans.push(Span::raw(date(x.created, true)));
    if let Some(r) = b.row(&x.name) {
        if let Some(e) = &r.error {
            spans.push(Span::styled("  error: ", theme.error()));
            spans.extend(sanitize::spans(e, theme.error(), theme.escaped()));
        } else if let Some(at) = r.as_of {
            spans.push(Span::styled(
                format!(
                    "  {} as of {}",
                    source_name(r.source),
                    at.format("%Y-%m-%d %H:%M UTC")
                ),
                theme.dim(),
            ));
        }
    }
    if b.filter.is_active() {
        spans.push(Span::styled("  filter /", theme.dim()));
        spans.push(Span::raw(sanitize::sanitize(b.filter.text()).into_owned()));
    }
    frame.render_widget(
        Paragraph::new(Line::from(spans)).wrap(Wrap { trim: false }),
        area,
    );
}
