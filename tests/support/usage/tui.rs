//! A TUI state on the Usage pane with a known summary, for the update and render tests.

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use s3scope_core::instants::Window;
use s3scope_core::usage::model::{Counters, Hours, RowKey};
use s3scope_core::usage::state::SourceId;
use s3scope_core::usage::{Source, Summary, UsageOptions};
use s3scope_tui::effect::Effect;
use s3scope_tui::event::{Event, RequestId};
use s3scope_tui::keymap::Keymap;
use s3scope_tui::state::usage::{Setup, UsageEffect, UsageEvent, UsageState};
use s3scope_tui::state::{State, Status};
use s3scope_tui::update::update;
use std::sync::Arc;

/// 2024-05-10 14:25:00 UTC: the clock of every TUI test.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 10, 14, 25, 0).unwrap()
}

pub fn hour(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 10, h, 0, 0).unwrap()
}

pub fn setup() -> Setup {
    Setup {
        settings: UsageOptions {
            results_dir: Some("/srv/usage/results".into()),
            ..Default::default()
        }
        .resolve(),
        source: Source::Rgw {
            uid: None,
            bucket: None,
        },
        label: "the RGW usage log of http://rgw.example:8080".into(),
    }
}

/// A state of `size` on the Usage pane, clock ticked, read-only or not.
pub fn state(size: (u16, u16), read_only: bool, setup: Result<Setup, String>) -> State {
    let status = Status {
        profile: "ceph".into(),
        endpoint: "http://rgw.example:8080".into(),
        read_only,
        ..Status::default()
    };
    let mut s = State::new(status, Keymap::defaults().unwrap(), None);
    s.usage = UsageState::new(setup);
    update(
        &mut s,
        Event::Resize {
            width: size.0,
            height: size.1,
        },
    );
    update(&mut s, Event::Tick { now: now() });
    s
}

pub fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn ch(s: &mut State, c: char) -> Vec<Effect> {
    key(s, KeyCode::Char(c))
}

/// Opens the pane; returns the id of the summary read.
pub fn open(s: &mut State) -> RequestId {
    match ch(s, '3').as_slice() {
        [Effect::Usage(UsageEffect::Load { id, .. })] => *id,
        other => panic!("expected a summary read, got {other:?}"),
    }
}

fn c(ops: u64, ok: u64, sent: u64, received: u64) -> Counters {
    Counters {
        ops,
        successful_ops: ok,
        bytes_sent: sent,
        bytes_received: received,
    }
}

/// Two users over three hours: alice busy and healthy, a failing anonymous client, a user
/// whose name carries an escape sequence.
pub fn summary() -> Summary {
    let rows = |items: &[(&str, &str, &str, Counters)]| {
        items
            .iter()
            .map(|(u, b, cat, counters)| (RowKey::new(u, b, cat), *counters))
            .collect()
    };
    let hours = Hours::from([
        (
            hour(11),
            rows(&[
                ("alice", "media", "get_obj", c(120, 119, 52_428_800, 0)),
                ("alice", "media", "put_obj", c(30, 30, 0, 3_145_728)),
                ("alice", "", "list_buckets", c(2, 2, 900, 0)),
                ("anonymous", "media", "get_obj", c(40, 4, 9_720, 0)),
            ]),
        ),
        (
            hour(12),
            rows(&[
                ("alice", "media", "get_obj", c(60, 60, 26_214_400, 0)),
                ("alice", "logs", "put_obj", c(10, 9, 0, 10_240)),
                ("evil\u{1b}[31m", "logs", "get_obj", c(1, 1, 10, 0)),
            ]),
        ),
        (
            hour(13),
            rows(&[("alice", "media", "get_obj", c(240, 240, 104_857_600, 0))]),
        ),
    ]);
    let source = SourceId::Rgw {
        endpoint: "http://rgw.example:8080".into(),
        uid: None,
        bucket: None,
    };
    let window = Window::new(hour(11), hour(14)).unwrap();
    Summary::build(
        &source,
        &window,
        "2024-05-10_14-05-00",
        hour(14) + Duration::minutes(5),
        hours,
        None,
    )
}

/// A state on the Usage pane showing [`summary`].
pub fn loaded(size: (u16, u16), read_only: bool) -> State {
    let mut s = state(size, read_only, Ok(setup()));
    let id = open(&mut s);
    update(
        &mut s,
        Event::Usage(UsageEvent::Loaded {
            id,
            result: Ok(Some(Arc::new(summary()))),
        }),
    );
    s
}
