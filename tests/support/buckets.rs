//! A TUI state with a bucket list loaded through update(), for tests of the state machine.
#![allow(dead_code)] // each test binary uses a different part of this module

use chrono::{DateTime, TimeZone, Utc};
use s3scope_core::s3::buckets::BucketInfo;
use s3scope_tui::effect::Effect;
use s3scope_tui::event::{Event, RequestId};
use s3scope_tui::keymap::Keymap;
use s3scope_tui::state::{State, Status};
use s3scope_tui::update::{start, update};

pub fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 12, 3, 4).unwrap()
}

pub fn new_state() -> State {
    let status = Status {
        profile: "prod".into(),
        endpoint: "http://127.0.0.1:9000".into(),
        ..Status::default()
    };
    State::new(status, Keymap::defaults().unwrap(), None)
}

pub fn bucket(name: &str) -> BucketInfo {
    BucketInfo {
        name: name.into(),
        region: None,
        created: Some(at()),
    }
}

pub fn load_id(effects: &[Effect]) -> RequestId {
    match effects {
        [Effect::LoadBuckets { id }] => *id,
        other => panic!("expected one LoadBuckets, got {other:?}"),
    }
}

/// A state with `names` loaded; returns the region request id, if one was made.
pub fn loaded(names: &[&str]) -> (State, Option<RequestId>) {
    let mut s = new_state();
    let id = load_id(&start(&mut s));
    let list = names.iter().map(|n| bucket(n)).collect();
    let fx = update(
        &mut s,
        Event::BucketsLoaded {
            id,
            result: Ok(list),
            at: at(),
        },
    );
    let rid = match fx.as_slice() {
        [Effect::ResolveRegions { id, .. }] => Some(*id),
        [] => None,
        other => panic!("unexpected {other:?}"),
    };
    (s, rid)
}
