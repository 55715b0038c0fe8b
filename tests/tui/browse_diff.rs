//! The Browse diff view end to end: two real snapshot files in the cache, the snapshot on
//! screen found by the runtime, `d` comparing it with the one before, the growth by prefix on
//! screen (insta, with the growth colour asserted), and the cases without a comparison.

use crate::support::browse as browse_support;

use crate::support::screen::draw_at as draw;
use browse_support::{ch, key, listed, tree};
use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::KeyCode;
use ratatui::style::Color;
use s3scope_core::config::{Credentials, Profile, Secret};
use s3scope_core::s3::client::Clients;
use s3scope_core::scan::snapshot::{self, SnapshotMeta};
use s3scope_core::scan::tree::PrefixTree;
use s3scope_tui::effect::Effect;
use s3scope_tui::event::Event;
use s3scope_tui::runtime::Runtime;
use s3scope_tui::state::State;
use s3scope_tui::state::browse::{DiffLoad, Origin};
use s3scope_tui::update::update;
use std::path::Path;
use tokio::sync::mpsc;

fn new_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap()
}

async fn clients() -> Clients {
    Clients::new(&Profile {
        name: "prod".into(),
        endpoint: Some(url::Url::parse("http://127.0.0.1:9").unwrap()),
        region: Some("us-east-1".into()),
        path_style: true,
        aws_profile: None,
        credentials: Credentials::Static {
            access_key_id: "AK".into(),
            secret_access_key: Secret::new("SK"),
            origin: "test".into(),
        },
        ca_bundle: None,
        read_only: true,
        rgw_admin: false,
        connect_timeout: std::time::Duration::from_secs(1),
        read_timeout: std::time::Duration::from_secs(1),
        max_attempts: 1,
    })
    .await
    .unwrap()
}

fn save(root: &Path, endpoint: &str, at: DateTime<Utc>, t: &PrefixTree) {
    let meta = SnapshotMeta {
        profile: "prod".into(),
        endpoint: endpoint.into(),
        bucket: "a".into(),
        prefix: String::new(),
        scanned_at: at,
        elapsed_secs: 1.0,
        list_calls: 3,
        versions: false,
        multipart: false,
    };
    snapshot::save_cached(root, &meta, t).unwrap();
}

/// The tree a day earlier: logs/2024 smaller, media/ absent, old/ since deleted.
fn older() -> PrefixTree {
    let mut t = PrefixTree::new("", '/');
    t.add("logs/2024/a.gz", 300, "STANDARD", Some(100));
    t.add("logs/2023/c.gz", 100, "STANDARD", Some(50));
    t.add("old/gone.bin", 4000, "STANDARD", Some(10));
    t.add("zeta/1", 1, "STANDARD", Some(300));
    t.add("readme.txt", 7, "STANDARD", Some(5));
    t
}

/// Runs effects with the runtime and feeds their events back until none is pending.
async fn settle(
    state: &mut State,
    runtime: &mut Runtime,
    rx: &mut mpsc::UnboundedReceiver<Event>,
    fx: Vec<Effect>,
) {
    let mut pending = fx;
    while !pending.is_empty() {
        let mut expected = 0;
        for e in pending.drain(..) {
            runtime.execute(e, &mut Vec::new()).unwrap();
            expected += 1;
        }
        for _ in 0..expected {
            // Only a hang guard.
            let ev = tokio::time::timeout(std::time::Duration::from_secs(120), rx.recv())
                .await
                .expect("an event")
                .expect("channel open");
            pending.extend(update(state, ev));
        }
    }
}

#[tokio::test]
async fn d_shows_growth_since_the_previous_snapshot() {
    let cache = tempfile::tempdir().unwrap();
    let c = clients().await;
    let endpoint = c.endpoint_label();
    save(
        cache.path(),
        &endpoint,
        new_at() - Duration::days(1),
        &older(),
    );
    save(cache.path(), &endpoint, new_at(), &tree());
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut runtime = Runtime::new(c, tx).with_snapshot_dir(cache.path().to_owned());

    let (mut s, _) = listed();
    s.size = (80, 24);
    s.now = Some(new_at() + Duration::hours(2));
    // Enter on bucket `a`: the newest snapshot is found and shown.
    let fx = update(&mut s, key(KeyCode::Enter));
    settle(&mut s, &mut runtime, &mut rx, fx).await;
    match &s.browse.origin {
        Some(Origin::Snapshot { scanned_at, .. }) => assert_eq!(*scanned_at, new_at()),
        other => panic!("{other:?}"),
    }
    // d: compared with the day-old snapshot.
    let fx = update(&mut s, ch('d'));
    assert!(matches!(fx.as_slice(), [Effect::LoadDiff { .. }]), "{fx:?}");
    settle(&mut s, &mut runtime, &mut rx, fx).await;
    let view = s.browse.diff.as_ref().expect("diff view open");
    let DiffLoad::Ready {
        old_at,
        new_at: shown_at,
        diff,
    } = &view.load
    else {
        panic!("{:?}", view.load)
    };
    assert_eq!(*old_at, new_at() - Duration::days(1));
    assert_eq!(*shown_at, Some(new_at()));
    // 1211 bytes now, 4408 before.
    assert_eq!(diff.total.bytes_before, 4408);
    assert_eq!(diff.total.bytes_after, 1211);
    assert_eq!(diff.total.bytes_delta, 1211 - 4408);
    let first = &diff.prefixes[0];
    assert_eq!(first.prefix, "old/", "the biggest change first");
    assert!(first.is_gone());
    let media = diff.prefixes.iter().find(|r| r.prefix == "media/").unwrap();
    assert!(media.is_new());
    assert_eq!(media.bytes_delta, 500);

    let t = draw(&s, 80, 24);
    insta::assert_snapshot!("browse_diff_80x24", t.backend());
    let wide = draw(&s, 160, 48);
    insta::assert_snapshot!("browse_diff_160x48", wide.backend());
    // Growth in the warning colour, shrinkage in the calm one (the cursor moved off the first
    // row, whose highlight would hide the colour).
    update(&mut s, key(KeyCode::Down));
    update(&mut s, key(KeyCode::Down));
    let t = draw(&s, 80, 24);
    let buf = t.backend().buffer();
    let row_of = |needle: &str| {
        (0..buf.area.height)
            .find(|&y| {
                (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
                    .contains(needle)
            })
            .unwrap_or_else(|| panic!("{needle} on screen"))
    };
    let line = |y: u16| -> String {
        (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect()
    };
    let y = row_of("media/");
    let x = line(y).find("+500 B").expect("+500 B on the media/ row") as u16;
    assert_eq!(buf[(x, y)].fg, Color::Yellow, "growth is yellow");
    let y = row_of("old/");
    let x = line(y).find("-3.9 KiB").expect("-3.9 KiB on the old/ row") as u16;
    assert_eq!(buf[(x, y)].fg, Color::Green, "shrinkage is green");

    // d again closes it; Esc too.
    update(&mut s, ch('d'));
    assert!(s.browse.diff.is_none());
    let fx = update(&mut s, ch('d'));
    settle(&mut s, &mut runtime, &mut rx, fx).await;
    assert!(s.browse.diff.is_some());
    update(&mut s, key(KeyCode::Esc));
    assert!(s.browse.diff.is_none());
}

#[tokio::test]
async fn without_an_older_snapshot_or_a_finished_tree_it_says_so() {
    let cache = tempfile::tempdir().unwrap();
    let c = clients().await;
    save(cache.path(), &c.endpoint_label(), new_at(), &tree());
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut runtime = Runtime::new(c, tx).with_snapshot_dir(cache.path().to_owned());
    let (mut s, _) = listed();
    s.size = (80, 24);
    let fx = update(&mut s, key(KeyCode::Enter));
    settle(&mut s, &mut runtime, &mut rx, fx).await;
    let fx = update(&mut s, ch('d'));
    settle(&mut s, &mut runtime, &mut rx, fx).await;
    assert_eq!(
        s.browse.diff.as_ref().map(|d| &d.load),
        Some(&DiffLoad::NothingOlder)
    );
    let t = draw(&s, 80, 24);
    let text: String = t
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(text.contains("no earlier snapshot"), "{text}");

    // A scan still running cannot be compared: a message, no request.
    let (mut s, _) = listed();
    browse_support::scanning(&mut s);
    assert!(update(&mut s, ch('d')).is_empty());
    assert!(s.browse.diff.is_none());
    assert!(
        s.status
            .message
            .as_deref()
            .unwrap()
            .contains("needs a finished scan")
    );
}
