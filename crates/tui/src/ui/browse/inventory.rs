//! Browse's line for a tree read from the bucket's inventory report, and the offer to read one.

use super::super::fmt;
use crate::keymap::Action;
use crate::state::State;
use crate::state::browse::Origin;
use crate::theme::Theme;
use ratatui::text::{Line, Span};

/// "inventory as of …" for a tree read from the report, like "snapshot from …" for a snapshot.
pub(super) fn inventory_line(state: &State, theme: Theme, width: u16) -> Line<'static> {
    let b = &state.browse;
    let key = |a: Action| Span::styled(state.keymap.first(a), theme.key());
    let dim = |s: String| Span::styled(s, theme.dim());
    let (Some(Origin::Inventory { as_of, .. }), Some(offer)) = (&b.origin, &b.inventory) else {
        return Line::raw("");
    };
    let when = state.now.map_or_else(
        || as_of.format("%Y-%m-%d %H:%M UTC").to_string(),
        |now| fmt::age(*as_of, now),
    );
    let style = if b.inventory_warnings.is_empty() {
        theme.title()
    } else {
        theme.warn()
    };
    let detail = if width < 100 {
        " — ".to_string()
    } else {
        format!(
            " ({}, no LIST calls{}) — ",
            offer.format,
            if b.inventory_warnings.is_empty() {
                ""
            } else {
                "; may be stale"
            }
        )
    };
    Line::from(vec![
        Span::styled(format!("inventory as of {when}"), style),
        dim(detail),
        key(Action::Refresh),
        dim(" to scan, ".into()),
        key(Action::ExportNcdu),
        dim(" ncdu export".into()),
    ])
}

/// " · I: inventory of <date>" when a report of the location was found.
pub(super) fn offer_spans(state: &State, theme: Theme) -> Vec<Span<'static>> {
    let key = |a: Action| Span::styled(state.keymap.first(a), theme.key());
    let dim = |s: String| Span::styled(s, theme.dim());
    match &state.browse.inventory {
        Some(o) if !matches!(state.browse.origin, Some(Origin::Inventory { .. })) => vec![
            dim(" · ".into()),
            key(Action::Inventory),
            dim(format!(
                ": inventory of {}",
                o.as_of.format("%Y-%m-%d %H:%M")
            )),
        ],
        _ => Vec::new(),
    }
}
