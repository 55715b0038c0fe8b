//! Screens drawn into ratatui's TestBackend: insta snapshots at 80x24 and 160x48, and cell
//! checks where colour carries meaning (selection, errors) or must be absent (NO_COLOR).

use crate::support::screen::{draw, find_row, press as key, row_text};
use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use s3scope_core::s3::buckets::BucketInfo;
use s3scope_core::s3::error::S3Error;
use s3scope_tui::effect::Effect;
use s3scope_tui::event::{Event, RequestId};
use s3scope_tui::keymap::Keymap;
use s3scope_tui::state::{State, Status};
use s3scope_tui::theme::Theme;
use s3scope_tui::update::{start, update};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, day, 12, 3, 4).unwrap()
}

fn new_state(size: (u16, u16), banner: Option<&str>) -> (State, RequestId) {
    let status = Status {
        profile: "prod".into(),
        endpoint: "http://127.0.0.1:9000".into(),
        ..Status::default()
    };
    let mut s = State::new(
        status,
        Keymap::defaults().unwrap(),
        banner.map(str::to_string),
    );
    update(
        &mut s,
        Event::Resize {
            width: size.0,
            height: size.1,
        },
    );
    let id = match start(&mut s).as_slice() {
        [Effect::LoadBuckets { id }] => *id,
        other => panic!("{other:?}"),
    };
    (s, id)
}

/// Five buckets, one with an escape sequence in its name, one whose region lookup failed,
/// one with a 63-character name.
fn loaded(size: (u16, u16)) -> State {
    let (mut s, id) = new_state(size, None);
    let b = |name: &str, day: u32| BucketInfo {
        name: name.into(),
        region: None,
        created: Some(at(day)),
    };
    let list = vec![
        b("analytics-raw", 1),
        b("evil\x1b[31mred\x07", 2),
        b("logs-2024", 3),
        b(
            "media-archive-with-a-very-long-name-that-fills-sixty-three-chr",
            4,
        ),
        b("website", 5),
    ];
    let fx = update(
        &mut s,
        Event::BucketsLoaded {
            id,
            result: Ok(list),
            at: at(6),
        },
    );
    let rid = match fx.as_slice() {
        [Effect::ResolveRegions { id, .. }] => *id,
        other => panic!("{other:?}"),
    };
    let r = |name: &str, region: &str| BucketInfo {
        name: name.into(),
        region: Some(region.into()),
        created: None,
    };
    let resolved = vec![
        r("analytics-raw", "eu-central-1"),
        r("evil\x1b[31mred\x07", "us-east-1"),
        r(
            "media-archive-with-a-very-long-name-that-fills-sixty-three-chr",
            "us-west-2",
        ),
        r("website", "us-east-1"),
    ];
    let failures = vec![(
        "logs-2024".to_string(),
        S3Error::AccessDenied {
            what: "logs-2024".into(),
        },
    )];
    update(
        &mut s,
        Event::RegionsResolved {
            id: rid,
            resolved,
            failures,
        },
    );
    s
}

fn failed(size: (u16, u16)) -> State {
    let (mut s, id) = new_state(size, None);
    let err = S3Error::ConnectionRefused {
        endpoint: "http://127.0.0.1:9000".into(),
    };
    update(
        &mut s,
        Event::BucketsLoaded {
            id,
            result: Err(err),
            at: at(6),
        },
    );
    s
}

fn screen(buf: &Buffer) -> String {
    (0..buf.area.height)
        .map(|y| row_text(buf, y))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn buckets_loading() {
    for size in SIZES {
        let (s, _) = new_state(
            size,
            Some("demo: embedded S3 at http://127.0.0.1:9000, data in /tmp/s3scope-demo-x"),
        );
        crate::snap!("buckets_loading", &s);
    }
}

#[test]
fn buckets_loaded() {
    for size in SIZES {
        crate::snap!("buckets_loaded", &loaded(size));
    }
}

#[test]
fn buckets_loaded_second_row_selected() {
    let mut s = loaded((80, 24));
    key(&mut s, KeyCode::Down);
    crate::snap!("buckets_selected_escape", &s);
}

#[test]
fn buckets_error() {
    for size in SIZES {
        crate::snap!("buckets_error", &failed(size));
    }
}

#[test]
fn buckets_empty() {
    for size in SIZES {
        let (mut s, id) = new_state(size, None);
        update(
            &mut s,
            Event::BucketsLoaded {
                id,
                result: Ok(vec![]),
                at: at(6),
            },
        );
        crate::snap!("buckets_empty", &s);
    }
}

#[test]
fn help_overlay() {
    for size in SIZES {
        let (mut s, _) = new_state(
            size,
            Some("demo: embedded S3 at http://127.0.0.1:9000, data in /tmp/s3scope-demo-x"),
        );
        update(
            &mut s,
            Event::Key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT)),
        );
        crate::snap!("help", &s);
    }
}

#[test]
fn help_overlay_scrolls_on_a_tiny_screen() {
    let (mut s, _) = new_state((60, 16), None);
    key(&mut s, KeyCode::Char('?'));
    crate::snap!("help_tiny", &s);
    for _ in 0..100 {
        key(&mut s, KeyCode::Char('j'));
    }
    crate::snap!("help_tiny_scrolled", &s);
}

#[test]
fn not_built_panes() {
    for size in SIZES {
        let mut s = loaded(size);
        key(&mut s, KeyCode::Enter);
        crate::snap!("browse_opening", &s);
        key(&mut s, KeyCode::Char('3'));
        crate::snap!("usage_unconfigured", &s);
    }
    let mut s = loaded((80, 24));
    key(&mut s, KeyCode::Char('4'));
    crate::snap!("segregate_new_rule", &s);
    key(&mut s, KeyCode::Char('5'));
    crate::snap!("jobs_not_built", &s);
}

#[test]
fn command_line_and_unknown_command() {
    let mut s = loaded((80, 24));
    key(&mut s, KeyCode::Char(':'));
    for c in "frobnicate".chars() {
        key(&mut s, KeyCode::Char(c));
    }
    crate::snap!("command_line", &s);
    key(&mut s, KeyCode::Enter);
    crate::snap!("unknown_command", &s);
}

#[test]
fn read_only_profile_and_long_error() {
    let (mut s, id) = new_state((80, 24), None);
    s.status.read_only = true;
    let err = S3Error::Tls {
        endpoint: "https://rgw.storage.internal.example.com:8443".into(),
        detail: "invalid peer certificate: UnknownIssuer".into(),
    };
    update(
        &mut s,
        Event::BucketsLoaded {
            id,
            result: Err(err),
            at: at(6),
        },
    );
    crate::snap!("read_only_tls_error", &s);
}

#[test]
fn selected_row_is_highlighted_in_colour() {
    let s = loaded((80, 24));
    let buf = draw(&s, Theme::color()).backend().buffer().clone();
    let selected = find_row(&buf, "> analytics-raw");
    let other = find_row(&buf, "logs-2024");
    for x in 1..79 {
        assert_eq!(buf[(x, selected)].bg, Color::LightBlue, "x={x}");
        assert_ne!(buf[(x, other)].bg, Color::LightBlue, "x={x}");
    }
    // The region lookup failure is marked "?" in the error colour.
    let q = (0..80).find(|x| buf[(*x, other)].symbol() == "?").unwrap();
    assert_eq!(buf[(q, other)].fg, Color::LightRed);
}

#[test]
fn escape_sequences_are_drawn_escaped_and_coloured() {
    let s = loaded((80, 24));
    let buf = draw(&s, Theme::color()).backend().buffer().clone();
    let y = find_row(&buf, "evil\\x1b[31mred\\x07");
    let row = row_text(&buf, y);
    let x = u16::try_from(row.find("\\x1b").unwrap()).unwrap();
    assert_eq!(buf[(x, y)].fg, Color::Magenta);
    for cell in buf.content() {
        assert!(
            !cell.symbol().chars().any(char::is_control),
            "raw control character on screen"
        );
    }
}

#[test]
fn status_bar_error_is_red() {
    let s = failed((80, 24));
    let buf = draw(&s, Theme::color()).backend().buffer().clone();
    let y = find_row(&buf, "error: cannot connect");
    assert!(y >= 21, "error should be in the status area, row {y}");
    for x in 0..20 {
        assert_eq!(buf[(x, y)].fg, Color::LightRed, "x={x}");
    }
}

#[test]
fn no_color_has_no_colours_but_keeps_meaning() {
    let mut s = loaded((80, 24));
    key(&mut s, KeyCode::Char(':'));
    for c in "nope".chars() {
        key(&mut s, KeyCode::Char(c));
    }
    key(&mut s, KeyCode::Enter);
    let buf = draw(&s, Theme::no_color()).backend().buffer().clone();
    for cell in buf.content() {
        assert_eq!(
            (cell.fg, cell.bg),
            (Color::Reset, Color::Reset),
            "coloured cell {cell:?}"
        );
    }
    let selected = find_row(&buf, "> analytics-raw");
    assert!(buf[(3, selected)].modifier.contains(Modifier::REVERSED));
    let err = find_row(&buf, "error: unknown command");
    assert!(buf[(0, err)].modifier.contains(Modifier::BOLD));
    for state in [failed((80, 24)), new_state((160, 48), None).0] {
        let buf = draw(&state, Theme::no_color()).backend().buffer().clone();
        assert!(
            buf.content()
                .iter()
                .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
        );
    }
}

#[test]
fn important_text_survives_80_columns() {
    let s = loaded((80, 24));
    let text = screen(draw(&s, Theme::color()).backend().buffer());
    // The long name is cut in the table but shown in full in the detail line.
    assert!(
        text.contains("s3://media-archive-with-a-very-long-name-that-fills-sixty-three-chr")
            || text.contains("s3://analytics-raw")
    );
    for needle in [
        "Buckets (5)",
        "profile prod",
        "http://127.0.0.1:9000",
        "? help",
        "q quit",
        "eu-central-1",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    let s = failed((80, 24));
    let text = screen(draw(&s, Theme::color()).backend().buffer());
    assert!(text.contains("endpoint right?"), "{text}");
    assert!(text.contains("Press r to retry."), "{text}");
}
