//! The Buckets pane's table through `update` alone: loaded after the list (and after the
//! regions when they must be looked up), sort, filter, units, error rows, totals, and the
//! estimate that makes a big scan wait for Enter.

use crate::support::browse as browse_support;

use browse_support::*;
use crossterm::event::KeyCode;
use s3scope_core::s3::buckets::BucketInfo;
use s3scope_core::s3::error::S3Error;
use s3scope_core::scan::buckets::{BucketRow, Source};
use s3scope_tui::effect::Effect;
use s3scope_tui::event::{Event, RequestId};
use s3scope_tui::keymap::Keymap;
use s3scope_tui::state::browse::Phase;
use s3scope_tui::state::{Pane, State, Status};
use s3scope_tui::update::{start, update};
use std::collections::BTreeMap;

fn table_row(
    name: &str,
    objects: Option<u64>,
    bytes: Option<u64>,
    error: Option<&str>,
) -> BucketRow {
    BucketRow {
        bucket: name.into(),
        region: Some("us-east-1".into()),
        objects,
        bytes,
        storage_classes: BTreeMap::new(),
        multipart_bytes: None,
        created: Some(at()),
        source: Source::Rgw,
        as_of: Some(at()),
        error: error.map(str::to_string),
    }
}

#[test]
fn the_bucket_table_sorts_filters_and_estimates_big_scans() {
    let (mut s, tid) = listed();
    let rows = vec![
        table_row("a", Some(5_000_000), Some(10), None),
        table_row("b", Some(3), Some(900), None),
    ];
    // A stale table is dropped.
    update(
        &mut s,
        Event::BucketTableLoaded {
            id: RequestId(99),
            result: Ok(rows.clone()),
            source: Source::Rgw,
            at: at(),
        },
    );
    assert!(s.buckets.table.is_empty());
    update(
        &mut s,
        Event::BucketTableLoaded {
            id: tid,
            result: Ok(rows),
            source: Source::Rgw,
            at: at(),
        },
    );
    let order = |s: &State| -> Vec<String> {
        s.buckets
            .view
            .iter()
            .map(|&i| s.buckets.buckets[i].name.clone())
            .collect()
    };
    assert_eq!(order(&s), ["b", "a"], "biggest first");
    assert_eq!(
        s.buckets.selected_bucket().unwrap().name,
        "a",
        "selection kept"
    );
    update(&mut s, ch('C'));
    assert_eq!(order(&s), ["a", "b"]);
    update(&mut s, ch('u'));
    assert_eq!(s.buckets.unit, s3scope_core::units::Unit::B);
    update(&mut s, ch('/'));
    update(&mut s, ch('b'));
    assert_eq!(order(&s), ["b"]);
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(order(&s).len(), 2);
    // a holds 5M objects: opening it shows the estimate and waits.
    update(&mut s, key(KeyCode::Home));
    let find = match update(&mut s, key(KeyCode::Enter)).as_slice() {
        [
            Effect::FindSnapshot { id, .. },
            Effect::FindInventory { .. },
        ] => *id,
        other => panic!("{other:?}"),
    };
    assert_eq!(s.browse.estimate.unwrap().list_calls, 5001);
    assert!(
        update(
            &mut s,
            Event::SnapshotFound {
                id: find,
                result: Ok(None)
            }
        )
        .is_empty()
    );
    assert!(matches!(s.browse.phase, Phase::Confirm { .. }));
    assert!(matches!(
        update(&mut s, key(KeyCode::Enter)).as_slice(),
        [Effect::StartScan { .. }]
    ));
}

#[test]
fn an_error_row_does_not_hide_the_others_and_browse_command_opens_a_prefix() {
    let (mut s, tid) = listed();
    update(
        &mut s,
        Event::BucketTableLoaded {
            id: tid,
            result: Ok(vec![
                table_row("a", None, None, Some("access denied to a")),
                table_row("b", Some(1), Some(2), None),
            ]),
            source: Source::Scan,
            at: at(),
        },
    );
    let t = s.buckets.totals();
    assert_eq!((t.buckets, t.bytes, t.complete), (2, 2, false));
    update(&mut s, ch(':'));
    for c in "browse s3://b/logs".chars() {
        update(&mut s, ch(c));
    }
    match update(&mut s, key(KeyCode::Enter)).as_slice() {
        [
            Effect::FindSnapshot { bucket, prefix, .. },
            Effect::FindInventory { .. },
        ] => {
            assert_eq!((bucket.as_str(), prefix.as_str()), ("b", "logs/"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.pane, Pane::Browse);
    assert_eq!(
        s.browse.estimate, None,
        "the table counts buckets, not prefixes"
    );
}

#[test]
fn the_table_waits_for_region_lookups_and_stale_tables_are_dropped() {
    let status = Status::default();
    let mut s = State::new(status, Keymap::defaults().unwrap(), None);
    let id = match start(&mut s).as_slice() {
        [Effect::LoadBuckets { id }] => *id,
        other => panic!("{other:?}"),
    };
    let no_region = BucketInfo {
        name: "x".into(),
        region: None,
        created: None,
    };
    let fx = update(
        &mut s,
        Event::BucketsLoaded {
            id,
            result: Ok(vec![no_region.clone()]),
            at: at(),
        },
    );
    let rid = match fx.as_slice() {
        [Effect::ResolveRegions { id, .. }] => *id,
        other => panic!("{other:?}"),
    };
    let fx = update(
        &mut s,
        Event::RegionsResolved {
            id: rid,
            resolved: vec![BucketInfo {
                region: Some("eu-west-1".into()),
                ..no_region
            }],
            failures: vec![],
        },
    );
    let tid = match fx.as_slice() {
        [Effect::LoadBucketTable { id }] => *id,
        other => panic!("{other:?}"),
    };
    // A refresh makes the pending table stale.
    let fx = update(&mut s, ch('r'));
    assert!(matches!(fx.as_slice(), [Effect::LoadBuckets { .. }]));
    update(
        &mut s,
        Event::BucketTableLoaded {
            id: tid,
            result: Err(S3Error::NoCredentials),
            source: Source::Scan,
            at: at(),
        },
    );
    assert!(s.status.error.is_none(), "{:?}", s.status.error);
}
