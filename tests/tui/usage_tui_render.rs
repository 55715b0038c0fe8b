//! The Usage pane drawn into ratatui's TestBackend: snapshots at 80x24 and 160x48, and cell
//! checks where colour carries meaning (selection, failing success rates, escapes, NO_COLOR).

use crate::support::usage as usage_support;

use crate::support::screen::{buffer as draw, find, row_text};
use crossterm::event::KeyCode;
use ratatui::style::{Color, Modifier};
use s3scope_core::job::Snapshot;
use s3scope_core::usage::Phase;
use s3scope_tui::event::Event;
use s3scope_tui::state::usage::UsageEvent;
use s3scope_tui::theme::Theme;
use s3scope_tui::update::update;
use usage_support::tui::{ch, key, loaded, open, setup, state};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

#[test]
fn no_summary_yet_says_how_to_collect() {
    for size in SIZES {
        let mut s = state(size, false, Ok(setup()));
        let id = open(&mut s);
        update(
            &mut s,
            Event::Usage(UsageEvent::Loaded {
                id,
                result: Ok(None),
            }),
        );
        crate::snap!("usage_no_summary", &s);
    }
}

#[test]
fn the_tree_with_its_hourly_chart() {
    for size in SIZES {
        let mut s = loaded(size, false);
        key(&mut s, KeyCode::Enter);
        key(&mut s, KeyCode::Down);
        crate::snap!("usage_tree", &s);
    }
}

#[test]
fn a_running_collection_and_the_trim_confirmation() {
    let mut s = loaded((80, 24), false);
    ch(&mut s, 'w');
    let fx = ch(&mut s, 'r');
    let id = match fx.as_slice() {
        [
            s3scope_tui::effect::Effect::Usage(s3scope_tui::state::usage::UsageEffect::Collect {
                id,
                ..
            }),
        ] => *id,
        other => panic!("{other:?}"),
    };
    let progress = Snapshot {
        stage: Phase::ReadingUsage.name().into(),
        records: 1234,
        bytes: 5 << 20,
        ..Default::default()
    };
    update(&mut s, Event::Usage(UsageEvent::Progress { id, progress }));
    crate::snap!("usage_collecting", &s);

    let mut s = loaded((80, 24), false);
    ch(&mut s, 'T');
    crate::snap!("usage_confirm_trim", &s);
}

#[test]
fn a_broken_setup_names_the_setting() {
    let mut s = state(
        (80, 24),
        false,
        Err("[profiles.ceph.usage] source = \"cloudwatch\": use \"rgw\" or \"access-logs\"".into()),
    );
    ch(&mut s, '3');
    crate::snap!("usage_setup_error", &s);
}

#[test]
fn colours_mark_the_selection_failures_and_escapes() {
    let mut s = loaded((80, 24), false);
    let buf = draw(&s, Theme::color());
    let (x, y) = find(&buf, "alice");
    assert_eq!(buf[(x, y)].bg, Color::LightBlue, "selected row");
    let (_, y) = find(&buf, "anonymous");
    let (x, _) = find(&buf, "10.0%");
    assert_eq!(
        buf[(x, y)].fg,
        Color::LightRed,
        "a 10% success rate is failing"
    );
    let (_, y_alice) = find(&buf, "alice");
    let (x, _) = find(&buf, "99.6%");
    assert_ne!(buf[(x, y_alice)].fg, Color::LightRed);
    let (x, y) = find(&buf, "\\x1b[31m");
    assert_eq!(
        buf[(x, y)].fg,
        Color::Magenta,
        "escaped control characters are marked"
    );
    assert!(!row_text(&buf, y).contains('\u{1b}'));

    key(&mut s, KeyCode::Down);
    let mono = draw(&s, Theme::no_color());
    for y in 0..mono.area.height {
        for x in 0..mono.area.width {
            let c = &mono[(x, y)];
            assert!(
                matches!(c.fg, Color::Reset) && matches!(c.bg, Color::Reset),
                "colour at {x},{y} under NO_COLOR"
            );
        }
    }
    let (x, y) = find(&mono, "anonymous");
    assert!(
        mono[(x, y)].modifier.contains(Modifier::REVERSED),
        "the selection without colour"
    );
}
