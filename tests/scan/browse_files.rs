//! Browse details through `update` alone: snapshots offered (or reported when damaged), hidden
//! costs, the files row listed on demand, an object's HEAD, and copying paths.

use crate::support::browse as browse_support;

use browse_support::*;
use crossterm::event::KeyCode;
use s3scope_core::s3::lister::ListedObject;
use s3scope_core::s3::object::ObjectDetails;
use s3scope_core::scan::files::FilesPage;
use s3scope_tui::effect::Effect;
use s3scope_tui::event::Event;
use s3scope_tui::state::browse::{FILES_ROW, Origin, RowKind, SharedTree};
use s3scope_tui::update::update;
use std::collections::BTreeMap;

#[test]
fn a_snapshot_is_offered_at_once_and_r_rescans() {
    let (mut s, _) = listed();
    let find = match update(&mut s, key(KeyCode::Enter)).as_slice() {
        [
            Effect::FindSnapshot { id, .. },
            Effect::FindInventory { .. },
        ] => *id,
        other => panic!("{other:?}"),
    };
    let fx = update(
        &mut s,
        Event::SnapshotFound {
            id: find,
            result: Ok(Some(snapshot_of(tree(), false))),
        },
    );
    assert!(fx.is_empty(), "a snapshot costs no request: {fx:?}");
    assert!(matches!(
        s.browse.origin,
        Some(Origin::Snapshot { list_calls: 12, .. })
    ));
    assert_eq!(names(&s)[0], "logs/");
    // Hidden costs are not in this snapshot: `v` rescans with versions and uploads.
    match update(&mut s, ch('v')).as_slice() {
        [Effect::StartScan { request, .. }] => assert!(request.versions && request.multipart),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_damaged_snapshot_is_reported_and_a_scan_starts() {
    let (mut s, _) = listed();
    let find = match update(&mut s, key(KeyCode::Enter)).as_slice() {
        [
            Effect::FindSnapshot { id, .. },
            Effect::FindInventory { .. },
        ] => *id,
        other => panic!("{other:?}"),
    };
    let msg = "/cache/x.s3snap: the snapshot is truncated (10 of 99 bytes)".to_string();
    let fx = update(
        &mut s,
        Event::SnapshotFound {
            id: find,
            result: Err(msg),
        },
    );
    assert!(matches!(fx.as_slice(), [Effect::StartScan { .. }]));
    assert!(s.status.error.as_deref().unwrap().contains("truncated"));
}

#[test]
fn hidden_costs_toggle_without_a_rescan_when_the_tree_has_them() {
    let (mut s, _) = listed();
    let find = match update(&mut s, key(KeyCode::Enter)).as_slice() {
        [
            Effect::FindSnapshot { id, .. },
            Effect::FindInventory { .. },
        ] => *id,
        other => panic!("{other:?}"),
    };
    let mut t = tree();
    t.add_noncurrent("logs/2024/a.gz", 40);
    t.add_delete_marker("media/gone.mp4");
    update(
        &mut s,
        Event::SnapshotFound {
            id: find,
            result: Ok(Some(snapshot_of(t, true))),
        },
    );
    assert!(!s.browse.show_hidden);
    assert!(update(&mut s, ch('v')).is_empty());
    assert!(s.browse.show_hidden);
    let logs = s.browse.rows.iter().find(|r| r.name == "logs/").unwrap();
    assert_eq!(logs.hidden.noncurrent.bytes, 40);
    assert_eq!(s.browse.totals.hidden.delete_markers, 1);
}

#[test]
fn files_row_lists_on_demand_and_an_object_shows_its_head() {
    let (mut s, _) = listed();
    let id = scanning(&mut s);
    update(
        &mut s,
        Event::ScanStarted {
            id,
            tree: SharedTree::new(tree()),
        },
    );
    let files_at = names(&s).iter().position(|n| *n == FILES_ROW).unwrap();
    for _ in 0..files_at {
        update(&mut s, key(KeyCode::Down));
    }
    assert_eq!(s.browse.selected_row().unwrap().kind, RowKind::Files);
    // y on the files row copies the prefix itself.
    assert_eq!(
        update(&mut s, ch('y')),
        vec![Effect::CopyToClipboard("s3://a/".into())]
    );
    let list = match update(&mut s, key(KeyCode::Enter)).as_slice() {
        [Effect::ListFiles { id, bucket, prefix }] => {
            assert_eq!((bucket.as_str(), prefix.as_str()), ("a", ""));
            *id
        }
        other => panic!("{other:?}"),
    };
    let obj = |key: &str, size| ListedObject {
        key: key.into(),
        size,
        last_modified: Some(at()),
        storage_class: "STANDARD".into(),
        etag: None,
    };
    let page = FilesPage {
        bucket: "a".into(),
        prefix: String::new(),
        objects: vec![obj("readme.txt", 7), obj("big.bin", 70)],
        truncated: false,
        list_calls: 1,
    };
    update(
        &mut s,
        Event::FilesListed {
            id: list,
            result: Ok(page),
        },
    );
    let f = s.browse.files.as_ref().unwrap();
    assert_eq!(f.selected().unwrap().key, "big.bin", "biggest first");
    let head = match update(&mut s, key(KeyCode::Enter)).as_slice() {
        [Effect::HeadObject { id, location }] => {
            assert_eq!(location.to_string(), "s3://a/big.bin");
            *id
        }
        other => panic!("{other:?}"),
    };
    let details = ObjectDetails {
        bucket: "a".into(),
        key: "big.bin".into(),
        size: 70,
        storage_class: "STANDARD".into(),
        etag: Some("\"abc\"".into()),
        content_type: Some("application/octet-stream".into()),
        last_modified: Some(at()),
        version_id: None,
        metadata: BTreeMap::from([("owner".into(), "ops".into())]),
        tag_count: None,
    };
    update(
        &mut s,
        Event::ObjectHead {
            id: head,
            result: Ok(details),
        },
    );
    assert_eq!(
        s.browse
            .object
            .as_ref()
            .unwrap()
            .details
            .as_ref()
            .unwrap()
            .size,
        70
    );
    assert_eq!(
        update(&mut s, ch('y')),
        vec![Effect::CopyToClipboard("s3://a/big.bin".into())]
    );
    update(&mut s, key(KeyCode::Backspace));
    assert!(s.browse.object.is_none() && s.browse.files.is_some());
    update(&mut s, key(KeyCode::Backspace));
    assert!(s.browse.files.is_none());
    assert_eq!(s.browse.selected_row().unwrap().kind, RowKind::Files);
}
