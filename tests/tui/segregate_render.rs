//! The Segregate pane drawn into ratatui's TestBackend: insta snapshots at 80x24 and 160x48
//! (preview, inline error, confirmation, progress, report), and cell checks where colour carries
//! meaning (matched groups, statuses) or must be absent (NO_COLOR); keys never reach the
//! terminal raw.

use crate::support::segregate as segregate_support;

use crate::support::screen::{buffer as draw, find, row_text};
use crossterm::event::KeyCode;
use ratatui::style::{Color, Modifier};
use s3scope_core::job::Snapshot;
use s3scope_tui::effect::Effect;
use s3scope_tui::event::Event;
use s3scope_tui::state::segregate::{SegregateEffect, SegregateEvent};
use s3scope_tui::theme::Theme;
use s3scope_tui::update::update;
use segregate_support::tui::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

#[test]
fn preview() {
    for size in SIZES {
        crate::snap!("segregate_preview", &previewed(size, false));
    }
}

#[test]
fn preview_with_an_invalid_regex() {
    let mut s = previewed((80, 24), false);
    key(&mut s, KeyCode::Char('e'));
    typed(&mut s, "(");
    crate::snap!("segregate_bad_regex", &s);
}

#[test]
fn confirmation() {
    for size in SIZES {
        let mut s = previewed(size, false);
        key(&mut s, KeyCode::Char('a'));
        crate::snap!("segregate_confirm", &s);
    }
}

#[test]
fn progress_then_report() {
    let mut s = previewed((80, 24), false);
    key(&mut s, KeyCode::Char('a'));
    let fx = key(&mut s, KeyCode::Char('y'));
    let Some(Effect::Segregate(SegregateEffect::Apply { id, .. })) = fx.first() else {
        panic!("{fx:?}")
    };
    let id = *id;
    let progress = Snapshot {
        done: 6,
        total: Some(9),
        bytes: 6000,
        bytes_total: Some(8000),
        errors: 1,
        elapsed: std::time::Duration::from_secs(2),
        rate: 3.0,
        bytes_rate: 3000.0,
        eta: Some(std::time::Duration::from_secs(1)),
        ..Snapshot::default()
    };
    update(
        &mut s,
        Event::Segregate(SegregateEvent::Progress { id, progress }),
    );
    crate::snap!("segregate_applying", &s);
}

#[test]
fn groups_and_statuses_are_coloured_and_only_with_colour() {
    let s = previewed((160, 48), false);
    let buf = draw(&s, Theme::color());
    // The seed's two groups, on its row.
    let (x, y) = find(&buf, "20221231-10");
    for dx in 0..8 {
        assert_eq!(buf[(x + dx, y)].bg, Color::Yellow, "group 1 at {dx}");
    }
    assert_ne!(
        buf[(x + 8, y)].bg,
        Color::Yellow,
        "the dash between the groups"
    );
    assert_eq!(buf[(x + 9, y)].bg, Color::Yellow, "group 2");
    // The conflicting key's status cell, and the move of the seed's row.
    let (_, y) = find(&buf, "0010-20230102");
    let row = row_text(&buf, y);
    let x = row.chars().take(row.find("conflict").unwrap()).count() as u16;
    assert_eq!(buf[(x, y)].fg, Color::Yellow);
    let (_, y) = find(&buf, "20221231-10");
    let row = row_text(&buf, y);
    let x = row.chars().take(row.find("move").unwrap()).count() as u16;
    assert_eq!(buf[(x, y)].fg, Color::Green);
    let mono = draw(&s, Theme::no_color());
    for y in 0..mono.area.height {
        for x in 0..mono.area.width {
            let c = &mono[(x, y)];
            assert!(
                c.fg == Color::Reset && c.bg == Color::Reset,
                "colour at {x},{y} under NO_COLOR"
            );
        }
    }
    // Without colour the groups still stand out.
    let (x, y) = find(&mono, "20221231-10");
    assert!(mono[(x, y)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn control_characters_in_keys_are_shown_escaped() {
    let mut s = previewed((160, 48), false);
    // Select the row of the key with an escape sequence.
    let i = s
        .segregate
        .preview
        .rows
        .iter()
        .position(|&i| s.segregate.preview.entries[i].key.contains('\x1b'))
        .unwrap();
    for _ in 0..i {
        key(&mut s, KeyCode::Down);
    }
    let buf = draw(&s, Theme::color());
    for y in 0..buf.area.height {
        assert!(
            !row_text(&buf, y).chars().any(|c| c.is_control()),
            "raw control character on row {y}"
        );
    }
    find(&buf, "evil\\x1b[31mred\\x07.txt");
}

/// Keys left in place (excluded, not recursive, too new): their statuses in the rows, grey,
/// and counted in the counts line.
#[test]
fn keys_left_in_place() {
    use s3scope_core::config::SegregateRuleFile;
    use s3scope_core::segregate::Status;
    use s3scope_tui::state::segregate::SegregateState;
    for size in SIZES {
        let mut s = state(size, false);
        s.segregate = SegregateState::with_rules(&[SegregateRuleFile {
            exclude: Some(".staging/**,*.tmp".into()),
            recursive: Some(false),
            min_age: Some(600),
            ..rule()
        }]);
        let fx = key(&mut s, KeyCode::Char('4'));
        let id = list_id(&fx);
        let now = segregate_support::fixed_now();
        let mut objects = objects();
        for o in &mut objects {
            o.last_modified = Some(now - chrono::TimeDelta::days(1));
        }
        let name = segregate_support::cdr(12, "20230104", "01");
        let mut fresh = object(&format!("incoming/{name}"), 10, "b1");
        fresh.last_modified = Some(now - chrono::TimeDelta::seconds(30));
        objects.push(fresh);
        objects.push(object(&format!("incoming/.staging/{name}.part"), 11, "b2"));
        objects.push(object("incoming/upload.tmp", 12, "b3"));
        let fx = update(
            &mut s,
            Event::Segregate(SegregateEvent::Listed {
                id,
                objects,
                list_calls: 1,
                done: Some(Ok(true)),
            }),
        );
        answer_checks(&mut s, fx, &existing());
        let sum = &s.segregate.preview.summary;
        assert_eq!(sum.count(Status::TooNew).objects, 1);
        assert_eq!(sum.count(Status::Excluded).objects, 2);
        assert_eq!(sum.count(Status::NotRecursive).objects, 1);
        crate::snap!("segregate_left_in_place", &s);
        let buf = draw(&s, Theme::color());
        let (x, y) = find(&buf, "too new");
        assert_eq!(buf[(x, y)].fg, Color::DarkGray, "{}", row_text(&buf, y));
    }
}
