//! Shared fixtures of the `browse_*` tests: a state with buckets listed, a small tree, a scan
//! started through `update`, a snapshot found.

#![allow(dead_code)] // each test crate uses a different part

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use s3scope_core::job::Snapshot;
use s3scope_core::s3::buckets::BucketInfo;
use s3scope_core::scan::snapshot::SnapshotMeta;
use s3scope_core::scan::tree::PrefixTree;
use s3scope_tui::effect::Effect;
use s3scope_tui::event::{Event, FoundSnapshot, RequestId};
use s3scope_tui::keymap::Keymap;
use s3scope_tui::state::browse::SharedTree;
use s3scope_tui::state::{Pane, State, Status};
use s3scope_tui::update::{start, update};
use std::time::Duration;

pub fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 12, 3, 4).unwrap()
}

pub fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Event {
    key(KeyCode::Char(c))
}

pub fn counters(objects: u64) -> Snapshot {
    Snapshot {
        done: objects,
        bytes: objects * 10,
        calls: 3,
        elapsed: Duration::from_millis(1500),
        ..Snapshot::default()
    }
}

/// A state with buckets `a` and `b` listed, regions known; and the bucket table's request id.
pub fn listed() -> (State, RequestId) {
    let status = Status {
        profile: "prod".into(),
        endpoint: "http://127.0.0.1:9000".into(),
        ..Status::default()
    };
    let mut s = State::new(status, Keymap::defaults().unwrap(), None);
    let id = match start(&mut s).as_slice() {
        [Effect::LoadBuckets { id }] => *id,
        other => panic!("{other:?}"),
    };
    let b = |name: &str| BucketInfo {
        name: name.into(),
        region: Some("us-east-1".into()),
        created: Some(at()),
    };
    let fx = update(
        &mut s,
        Event::BucketsLoaded {
            id,
            result: Ok(vec![b("a"), b("b")]),
            at: at(),
        },
    );
    // Regions are known, so the table is asked for at once.
    match fx.as_slice() {
        [Effect::LoadBucketTable { id }] => (s, *id),
        other => panic!("{other:?}"),
    }
}

pub fn tree() -> PrefixTree {
    let mut t = PrefixTree::new("", '/');
    t.add("logs/2024/a.gz", 300, "STANDARD", Some(100));
    t.add("logs/2024/b.gz", 300, "GLACIER", Some(200));
    t.add("logs/2023/c.gz", 100, "STANDARD", Some(50));
    t.add("media/x.mp4", 500, "STANDARD", Some(10));
    t.add("zeta/1", 1, "STANDARD", Some(300));
    t.add("zeta/2", 1, "STANDARD", Some(300));
    t.add("zeta/3", 1, "STANDARD", Some(300));
    t.add("zeta/4", 1, "STANDARD", Some(300));
    t.add("readme.txt", 7, "STANDARD", Some(5));
    t
}

/// Opens bucket `a` from Buckets, finds no snapshot, and starts a scan; returns the scan id.
pub fn scanning(s: &mut State) -> RequestId {
    let fx = update(s, key(KeyCode::Enter));
    assert_eq!(s.pane, Pane::Browse);
    let find = match fx.as_slice() {
        [
            Effect::FindSnapshot { id, bucket, prefix },
            Effect::FindInventory { .. },
        ] => {
            assert_eq!((bucket.as_str(), prefix.as_str()), ("a", ""));
            *id
        }
        other => panic!("{other:?}"),
    };
    let fx = update(
        s,
        Event::SnapshotFound {
            id: find,
            result: Ok(None),
        },
    );
    match fx.as_slice() {
        [Effect::StartScan { id, request }] => {
            assert_eq!(request.bucket, "a");
            assert!(!request.versions && !request.multipart);
            *id
        }
        other => panic!("{other:?}"),
    }
}

pub fn names(s: &State) -> Vec<&str> {
    s.browse.rows.iter().map(|r| r.name.as_str()).collect()
}

pub fn snapshot_of(t: PrefixTree, hidden: bool) -> FoundSnapshot {
    FoundSnapshot {
        path: "/cache/a.s3snap".into(),
        meta: SnapshotMeta {
            profile: "prod".into(),
            endpoint: "http://127.0.0.1:9000".into(),
            bucket: "a".into(),
            prefix: String::new(),
            scanned_at: at(),
            elapsed_secs: 2.0,
            list_calls: 12,
            versions: hidden,
            multipart: hidden,
        },
        tree: SharedTree::new(t),
    }
}
