//! The TUI state machine without a terminal or tokio: bucket loading, regions, stale ids, selection.

use crate::support::buckets::{at, bucket, load_id, loaded, new_state};
use crate::support::screen::{ch, key};
use crossterm::event::KeyCode;
use s3scope_core::s3::buckets::BucketInfo;
use s3scope_core::s3::error::S3Error;
use s3scope_tui::effect::Effect;
use s3scope_tui::event::{Event, RequestId};
use s3scope_tui::state::buckets::Load;
use s3scope_tui::update::{start, update};

#[test]
fn start_lists_buckets_then_resolves_regions() {
    let mut s = new_state();
    let id = load_id(&start(&mut s));
    assert_eq!(s.buckets.load, Load::Loading);
    let list = vec![
        bucket("b"),
        BucketInfo {
            region: Some("eu-west-1".into()),
            ..bucket("a")
        },
    ];
    let fx = update(
        &mut s,
        Event::BucketsLoaded {
            id,
            result: Ok(list),
            at: at(),
        },
    );
    assert_eq!(s.buckets.load, Load::Loaded);
    assert_eq!(s.buckets.as_of, Some(at()));
    match fx.as_slice() {
        [Effect::ResolveRegions { id: rid, buckets }] => {
            assert_ne!(*rid, id);
            assert_eq!(
                buckets.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(),
                ["b"]
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.buckets.regions_pending, 1);
}

#[test]
fn stale_list_results_are_dropped() {
    let mut s = new_state();
    let first = load_id(&start(&mut s));
    let second = load_id(&update(&mut s, ch('r')));
    assert_ne!(first, second);
    let fx = update(
        &mut s,
        Event::BucketsLoaded {
            id: first,
            result: Ok(vec![bucket("old")]),
            at: at(),
        },
    );
    assert!(fx.is_empty());
    assert_eq!(s.buckets.load, Load::Loading);
    assert!(s.buckets.buckets.is_empty());
    update(
        &mut s,
        Event::BucketsLoaded {
            id: second,
            result: Ok(vec![bucket("new")]),
            at: at(),
        },
    );
    assert_eq!(s.buckets.buckets[0].name, "new");
    // A late duplicate of the answered request is stale too.
    update(
        &mut s,
        Event::BucketsLoaded {
            id: second,
            result: Err(S3Error::NoCredentials),
            at: at(),
        },
    );
    assert_eq!(s.buckets.load, Load::Loaded);
}

#[test]
fn regions_merge_by_name_and_stale_batches_are_dropped() {
    let (mut s, rid) = loaded(&["a", "b", "c"]);
    let rid = rid.unwrap();
    let stale = RequestId(rid.0 + 100);
    let eu = BucketInfo {
        region: Some("eu-west-1".into()),
        ..bucket("b")
    };
    update(
        &mut s,
        Event::RegionsResolved {
            id: stale,
            resolved: vec![eu.clone()],
            failures: vec![],
        },
    );
    assert_eq!(s.buckets.buckets[1].region, None);
    update(
        &mut s,
        Event::RegionsResolved {
            id: rid,
            resolved: vec![eu],
            failures: vec![],
        },
    );
    assert_eq!(s.buckets.buckets[1].region.as_deref(), Some("eu-west-1"));
    assert_eq!(s.buckets.regions_pending, 2);
    let denied = S3Error::AccessDenied { what: "c".into() };
    let us = BucketInfo {
        region: Some("us-east-1".into()),
        ..bucket("a")
    };
    update(
        &mut s,
        Event::RegionsResolved {
            id: rid,
            resolved: vec![us],
            failures: vec![("c".into(), denied)],
        },
    );
    assert_eq!(s.buckets.regions_pending, 0);
    assert_eq!(s.buckets.regions_known(), 2);
    assert!(s.buckets.region_errors["c"].contains("access denied"));
}

#[test]
fn a_refresh_makes_region_results_of_the_old_list_stale() {
    let (mut s, rid) = loaded(&["a"]);
    let id = load_id(&update(&mut s, ch('r')));
    let eu = BucketInfo {
        region: Some("eu-west-1".into()),
        ..bucket("a")
    };
    update(
        &mut s,
        Event::RegionsResolved {
            id: rid.unwrap(),
            resolved: vec![eu],
            failures: vec![],
        },
    );
    assert_eq!(s.buckets.buckets[0].region, None);
    update(
        &mut s,
        Event::BucketsLoaded {
            id,
            result: Ok(vec![bucket("a")]),
            at: at(),
        },
    );
    assert_eq!(s.buckets.load, Load::Loaded);
}

#[test]
fn list_failure_shows_the_error_and_r_retries() {
    let mut s = new_state();
    let id = load_id(&start(&mut s));
    let err = S3Error::ConnectionRefused {
        endpoint: "http://127.0.0.1:9000".into(),
    };
    update(
        &mut s,
        Event::BucketsLoaded {
            id,
            result: Err(err.clone()),
            at: at(),
        },
    );
    assert_eq!(s.buckets.load, Load::Failed(err.to_string()));
    assert_eq!(s.status.error.as_deref(), Some(err.to_string().as_str()));
    let retry = load_id(&update(&mut s, ch('r')));
    assert_ne!(retry, id);
    assert_eq!(s.buckets.load, Load::Loading);
    assert_eq!(s.status.error, None);
}

#[test]
fn selection_keys_move_and_clamp() {
    let names: Vec<String> = (0..40).map(|i| format!("bucket-{i:02}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let (mut s, _) = loaded(&refs);
    update(
        &mut s,
        Event::Resize {
            width: 80,
            height: 24,
        },
    );
    let page = s.page_rows();
    update(&mut s, ch('j'));
    update(&mut s, key(KeyCode::Down));
    assert_eq!(s.buckets.selected, 2);
    update(&mut s, ch('k'));
    assert_eq!(s.buckets.selected, 1);
    update(&mut s, key(KeyCode::PageDown));
    assert_eq!(s.buckets.selected, 1 + page);
    update(&mut s, key(KeyCode::End));
    assert_eq!(s.buckets.selected, 39);
    assert!(s.buckets.offset + page > 39 && s.buckets.offset <= 39);
    update(&mut s, ch('j'));
    assert_eq!(s.buckets.selected, 39);
    update(&mut s, key(KeyCode::PageUp));
    assert_eq!(s.buckets.selected, 39 - page);
    update(&mut s, key(KeyCode::Home));
    assert_eq!((s.buckets.selected, s.buckets.offset), (0, 0));
    update(&mut s, ch('G'));
    assert_eq!(s.buckets.selected, 39);
    update(&mut s, ch('g'));
    assert_eq!(s.buckets.selected, 0);
}
