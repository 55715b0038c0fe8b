//! Browse through `update` alone (no tokio, no terminal): opening a bucket, the scan started and
//! its rows growing live, drilling, sort, filter, cancel, saving, and stale results dropped.

use crate::support::browse as browse_support;

use browse_support::*;
use crossterm::event::KeyCode;
use s3scope_core::s3::error::S3Error;
use s3scope_core::scan::tree::PrefixTree;
use s3scope_tui::effect::Effect;
use s3scope_tui::event::Event;

use s3scope_tui::state::browse::{FILES_ROW, Phase, SharedTree};
use s3scope_tui::update::update;

#[test]
fn a_scan_fills_the_rows_live_and_navigation_follows() {
    let (mut s, _) = listed();
    let id = scanning(&mut s);
    let shared = SharedTree::new(PrefixTree::new("", '/'));
    update(
        &mut s,
        Event::ScanStarted {
            id,
            tree: shared.clone(),
        },
    );
    assert!(s.browse.rows.is_empty());
    *shared.0.write().unwrap() = tree();
    update(
        &mut s,
        Event::ScanProgress {
            id,
            counters: counters(9),
        },
    );
    assert_eq!(names(&s), ["logs/", "media/", FILES_ROW, "zeta/"]);
    assert_eq!(s.browse.totals.bytes, 1211);
    match &s.browse.phase {
        Phase::Scanning { counters: c, .. } => assert_eq!(c.done, 9),
        other => panic!("{other:?}"),
    }
    // Drill into logs/, then back out: the row we came from is selected again.
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.browse.cwd, "logs/");
    assert_eq!(names(&s), ["2024/", "2023/"]);
    update(&mut s, key(KeyCode::Right));
    assert_eq!(s.browse.cwd, "logs/2024/");
    update(&mut s, key(KeyCode::Left));
    update(&mut s, key(KeyCode::Backspace));
    assert_eq!(s.browse.cwd, "");
    assert_eq!(s.browse.selected_row().unwrap().name, "logs/");
    // At the top, going up says so.
    update(&mut s, ch('h'));
    assert!(s.status.message.as_deref().unwrap().contains("at the top"));
    // Sort keys, pressing twice reverses.
    update(&mut s, ch('C'));
    assert_eq!(
        names(&s),
        ["zeta/", "logs/", FILES_ROW, "media/"],
        "ties by name"
    );
    update(&mut s, ch('n'));
    assert_eq!(names(&s), [FILES_ROW, "logs/", "media/", "zeta/"]);
    update(&mut s, ch('n'));
    assert_eq!(names(&s), ["zeta/", "media/", "logs/", FILES_ROW]);
    update(&mut s, ch('M'));
    assert_eq!(names(&s)[0], "zeta/");
    update(&mut s, ch('s'));
    assert_eq!(names(&s)[0], "logs/");
    // The selection follows its row when the order changes.
    update(&mut s, key(KeyCode::Down));
    assert_eq!(s.browse.selected_row().unwrap().name, "media/");
    update(&mut s, ch('n'));
    assert_eq!(s.browse.selected_row().unwrap().name, "media/");
}

#[test]
fn filter_narrows_rows_and_esc_clears_it() {
    let (mut s, _) = listed();
    let id = scanning(&mut s);
    update(
        &mut s,
        Event::ScanStarted {
            id,
            tree: SharedTree::new(tree()),
        },
    );
    update(&mut s, ch('/'));
    assert!(s.browse.filter.editing);
    for c in "ZE".chars() {
        update(&mut s, ch(c));
    }
    assert_eq!(names(&s), ["zeta/"]);
    // Keys typed into the filter are not actions: `q` does not quit.
    assert!(update(&mut s, ch('q')).is_empty());
    assert!(!s.quit && s.browse.rows.is_empty());
    update(&mut s, key(KeyCode::Backspace));
    update(&mut s, key(KeyCode::Enter));
    assert!(!s.browse.filter.editing && s.browse.filter.is_active());
    assert_eq!(names(&s), ["zeta/"]);
    // Esc clears the filter first (and does not cancel the scan).
    let fx = update(&mut s, key(KeyCode::Esc));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(names(&s).len(), 4);
    // The next Esc cancels the running scan.
    assert_eq!(
        update(&mut s, key(KeyCode::Esc)),
        vec![Effect::CancelScan { id }]
    );
    assert_eq!(update(&mut s, ch('c')), vec![Effect::CancelScan { id }]);
}

#[test]
fn a_finished_scan_is_saved_and_a_cancelled_one_is_not() {
    let (mut s, _) = listed();
    let id = scanning(&mut s);
    let shared = SharedTree::new(tree());
    update(
        &mut s,
        Event::ScanStarted {
            id,
            tree: shared.clone(),
        },
    );
    let fx = update(
        &mut s,
        Event::ScanFinished {
            id,
            result: Ok(counters(9)),
            cancelled: false,
            at: at(),
        },
    );
    let save = match fx.as_slice() {
        [Effect::SaveSnapshot { id, meta, tree }] => {
            assert_eq!(tree, &shared);
            assert_eq!((meta.bucket.as_str(), meta.profile.as_str()), ("a", "prod"));
            assert_eq!(meta.endpoint, "http://127.0.0.1:9000");
            assert_eq!((meta.scanned_at, meta.list_calls), (at(), 3));
            *id
        }
        other => panic!("{other:?}"),
    };
    assert!(matches!(s.browse.phase, Phase::Done { .. }));
    update(
        &mut s,
        Event::SnapshotSaved {
            id: save,
            result: Ok("/tmp/x.s3snap".into()),
        },
    );
    assert!(matches!(s.browse.saved, Some(Ok(_))));
    // A rescan, cancelled: partial tree, nothing saved.
    let fx = update(&mut s, ch('r'));
    let id2 = match fx.as_slice() {
        [Effect::StartScan { id, .. }] => *id,
        other => panic!("{other:?}"),
    };
    let fx = update(
        &mut s,
        Event::ScanFinished {
            id: id2,
            result: Ok(counters(2)),
            cancelled: true,
            at: at(),
        },
    );
    assert!(fx.is_empty());
    assert!(matches!(s.browse.phase, Phase::Cancelled { .. }));
    // A failure shows its message.
    let id3 = match update(&mut s, ch('r')).as_slice() {
        [Effect::StartScan { id, .. }] => *id,
        other => panic!("{other:?}"),
    };
    update(
        &mut s,
        Event::ScanFinished {
            id: id3,
            result: Err(S3Error::AccessDenied { what: "a".into() }),
            cancelled: false,
            at: at(),
        },
    );
    assert!(s.status.error.as_deref().unwrap().contains("access denied"));
    assert!(matches!(s.browse.phase, Phase::Failed { .. }));
}

#[test]
fn results_of_stale_requests_are_dropped() {
    let (mut s, _) = listed();
    let old = scanning(&mut s);
    update(
        &mut s,
        Event::ScanStarted {
            id: old,
            tree: SharedTree::new(tree()),
        },
    );
    // Opening another bucket cancels the old scan and ignores everything it still sends.
    update(&mut s, key(KeyCode::Char('1')));
    update(&mut s, key(KeyCode::Down));
    let fx = update(&mut s, key(KeyCode::Enter));
    let find = match fx.as_slice() {
        [
            Effect::CancelScan { id },
            Effect::FindSnapshot {
                id: find, bucket, ..
            },
            Effect::FindInventory { .. },
        ] => {
            assert_eq!((*id, bucket.as_str()), (old, "b"));
            *find
        }
        other => panic!("{other:?}"),
    };
    update(
        &mut s,
        Event::ScanProgress {
            id: old,
            counters: counters(99),
        },
    );
    assert!(s.browse.rows.is_empty() && s.browse.tree.is_none());
    assert!(
        update(
            &mut s,
            Event::ScanFinished {
                id: old,
                result: Ok(counters(9)),
                cancelled: false,
                at: at()
            }
        )
        .is_empty()
    );
    assert!(
        update(
            &mut s,
            Event::SnapshotFound {
                id: old,
                result: Ok(None)
            }
        )
        .is_empty()
    );
    assert!(matches!(s.browse.phase, Phase::Finding { id } if id == find));
    update(
        &mut s,
        Event::FilesListed {
            id: old,
            result: Err(S3Error::NoCredentials),
        },
    );
    assert!(s.browse.files.is_none());
}

/// A rescan of a location whose complete tree is on screen starts from that tree's prefix
/// boundaries (hints) and knows how many objects to expect (percentage and ETA).
#[test]
fn a_rescan_starts_from_the_previous_tree() {
    let (mut s, _) = listed();
    let id = scanning(&mut s);
    let mut big = PrefixTree::new("", '/');
    for d in 1..=28 {
        for h in 0..24 {
            for p in 0..40 {
                let key = format!("dt=2023-02-{d:02}/hour={h:02}/part-{p}");
                big.add(&key, 1, "STANDARD", None);
            }
        }
    }
    let shared = SharedTree::new(big);
    update(&mut s, Event::ScanStarted { id, tree: shared });
    update(
        &mut s,
        Event::ScanFinished {
            id,
            result: Ok(counters(2016)),
            cancelled: false,
            at: at(),
        },
    );
    s.browse.estimate = None;
    let fx = update(&mut s, ch('r'));
    match fx.as_slice() {
        [Effect::StartScan { request, .. }] => {
            assert!(request.hints.len() >= 8, "{:?}", request.hints);
            assert!(request.hints.windows(2).all(|w| w[0] < w[1]));
            assert!(request.hints.iter().all(|h| h.starts_with("dt=2023-02-")));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.browse.estimate.map(|e| e.objects), Some(28 * 24 * 40));
}
