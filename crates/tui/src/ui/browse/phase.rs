//! The second head line of Browse: where the numbers come from (live scan counters with % and
//! ETA, a snapshot and its age, the finished scan and its priced LIST calls) or what went wrong.

use super::inventory::{inventory_line, offer_spans};
use crate::keymap::Action;
use crate::sanitize;
use crate::state::State;
use crate::state::browse::{Origin, Phase};
use crate::theme::Theme;
use crate::ui::fmt;
use ratatui::text::{Line, Span};
use std::time::Duration;

const SPINNER: [char; 4] = ['|', '/', '-', '\\'];

/// Where the numbers come from: live counters, a snapshot and its age, or what went wrong.
pub(super) fn phase_line(state: &State, width: u16, theme: Theme) -> Line<'static> {
    let b = &state.browse;
    let key = |a: Action| Span::styled(state.keymap.first(a), theme.key());
    let dim = |s: String| Span::styled(s, theme.dim());
    match &b.phase {
        Phase::Idle => Line::from(vec![
            dim("not scanning; ".into()),
            key(Action::Refresh),
            dim(" scans".into()),
        ]),
        Phase::Finding { .. } => {
            Line::from(dim(format!("looking for a snapshot… {}", spinner(state))))
        }
        Phase::Confirm { .. } => Line::from(
            std::iter::once(Span::styled("not scanned yet: a big bucket", theme.warn()))
                .chain(offer_spans(state, theme))
                .collect::<Vec<_>>(),
        ),
        Phase::Scanning {
            counters: c,
            hidden,
            ..
        } if b.reading_inventory => Line::from(vec![
            Span::raw(format!(
                "reading the inventory report {} {} objects · {} · no LIST calls · {}  ",
                spinner(state),
                fmt::count(c.done),
                fmt::size(c.bytes),
                fmt::elapsed(c.elapsed)
            )),
            key(Action::Cancel),
            dim(" cancel".into()),
        ]),
        Phase::Scanning {
            counters: c,
            hidden,
            ..
        } => {
            // Narrow screens get the same facts in fewer characters.
            let narrow = width < 100;
            let expected = b.estimate.map_or(0, |e| e.objects);
            let eta_shown = expected > 0 && c.done > 0 && c.done < expected;
            let mut text = if narrow {
                // With an ETA on a narrow screen, the time left replaces the time spent.
                let spent = if eta_shown {
                    String::new()
                } else {
                    format!(" · {}", fmt::elapsed(c.elapsed))
                };
                format!(
                    "scanning {} {} obj · {} · {} LIST{spent}",
                    spinner(state),
                    fmt::count(c.done),
                    fmt::size(c.bytes),
                    fmt::count(c.calls),
                )
            } else {
                format!(
                    "scanning {} {} objects · {} · {} LIST calls · {:.0} pages/s · {}",
                    spinner(state),
                    fmt::count(c.done),
                    fmt::size(c.bytes),
                    fmt::count(c.calls),
                    c.calls_per_sec(),
                    fmt::elapsed(c.elapsed)
                )
            };
            if let Some(e) = &b.estimate
                && e.objects > 0
            {
                let (pct, eta) = c.progress_of(e.objects).unwrap_or((0.0, Duration::ZERO));
                let of = if narrow {
                    fmt::count_short(e.objects)
                } else {
                    fmt::count(e.objects)
                };
                if narrow && eta_shown {
                    text.push_str(&format!(" · ~{pct:.0}%"));
                } else {
                    text.push_str(&format!(" · ~{pct:.0}% of {of}"));
                }
                if eta_shown {
                    text.push_str(&format!(" · ETA {}", fmt::elapsed(eta)));
                }
            }
            if *hidden {
                text.push_str(" · + versions, uploads");
            }
            Line::from(vec![
                Span::raw(text),
                Span::raw("  "),
                key(Action::Cancel),
                dim(" cancel".into()),
            ])
        }
        Phase::Done { .. } if matches!(b.origin, Some(Origin::Inventory { .. })) => {
            inventory_line(state, theme, width)
        }
        Phase::Done { counters: c, .. } => match &b.origin {
            Some(Origin::Snapshot {
                scanned_at,
                list_calls,
                ..
            }) => {
                let when = state.now.map_or_else(
                    || scanned_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                    |now| fmt::age(*scanned_at, now),
                );
                Line::from(
                    vec![
                        Span::styled(format!("snapshot from {when}"), theme.warn()),
                        dim(if width < 100 {
                            format!(" ({} LIST calls) — ", fmt::count(*list_calls))
                        } else {
                            format!(
                                " ({}, {} LIST calls) — ",
                                scanned_at.format("%Y-%m-%d %H:%M UTC"),
                                fmt::count(*list_calls)
                            )
                        }),
                        key(Action::Refresh),
                        dim(" to rescan, ".into()),
                        key(Action::Diff),
                        dim(" growth".into()),
                    ]
                    .into_iter()
                    .chain(offer_spans(state, theme))
                    .collect::<Vec<_>>(),
                )
            }
            _ => {
                let saved = match &b.saved {
                    Some(Ok(_)) => " · snapshot saved",
                    Some(Err(_)) => " · snapshot NOT saved",
                    None if b.save_request.is_some() => " · saving snapshot…",
                    None => "",
                };
                // On a wide screen the LIST calls carry their price.
                let cost = match &b.prices {
                    Some(p) if width >= 100 => format!(" ({})", fmt::usd(p.list_cost(c.calls))),
                    _ => String::new(),
                };
                Line::from(
                    vec![
                        dim(format!(
                            "scanned in {} with {}{cost}{saved} — ",
                            fmt::elapsed(c.elapsed),
                            fmt::plural(c.calls, "LIST call")
                        )),
                        key(Action::Refresh),
                        dim(" to rescan, ".into()),
                        key(Action::Diff),
                        dim(" growth".into()),
                    ]
                    .into_iter()
                    .chain(offer_spans(state, theme))
                    .collect::<Vec<_>>(),
                )
            }
        },
        Phase::Cancelled { counters: c } => Line::from(vec![
            Span::styled(
                format!(
                    "cancelled after {}: the numbers are partial — ",
                    fmt::plural(c.done, "object")
                ),
                theme.warn(),
            ),
            key(Action::Refresh),
            dim(" to rescan".into()),
        ]),
        Phase::Failed { message } => {
            let mut spans = vec![Span::styled("scan failed: ", theme.error())];
            spans.extend(sanitize::spans(message, theme.error(), theme.escaped()));
            Line::from(spans)
        }
    }
}

fn spinner(state: &State) -> char {
    SPINNER[usize::try_from(state.frame % 4).unwrap_or(0)]
}
