//! The Usage pane's state machine without a terminal or tokio: summary read, tree, sort,
//! filter, window, collect with progress, trim confirmation, read-only refusal, stale results.

use crate::support::usage as usage_support;

use crossterm::event::KeyCode;
use s3scope_core::instants::Window;
use s3scope_core::job::Snapshot;
use s3scope_core::usage::Phase;
use s3scope_tui::effect::Effect;
use s3scope_tui::event::{Event, RequestId};
use s3scope_tui::state::usage::{Load, UsageEffect, UsageEvent};
use s3scope_tui::update::update;
use std::path::PathBuf;
use usage_support::tui::{ch, hour, key, loaded, open, setup, state, summary};

fn names(s: &s3scope_tui::state::State) -> Vec<String> {
    s.usage
        .rows
        .iter()
        .map(|r| format!("{}{}", "  ".repeat(r.depth.into()), r.name()))
        .collect()
}

fn collect_effect(fx: &[Effect]) -> (RequestId, s3scope_core::usage::CollectRequest) {
    match fx {
        [Effect::Usage(UsageEffect::Collect { id, request })] => (*id, (**request).clone()),
        other => panic!("expected a collection, got {other:?}"),
    }
}

#[test]
fn the_summary_is_read_once_on_first_show() {
    let mut s = state((80, 24), false, Ok(setup()));
    let fx = ch(&mut s, '3');
    assert_eq!(
        fx,
        [Effect::Usage(UsageEffect::Load {
            id: RequestId(1),
            path: PathBuf::from("/srv/usage/results/summarized_data.json")
        })]
    );
    ch(&mut s, '1');
    assert!(ch(&mut s, '3').is_empty(), "read again on the second show");
    update(
        &mut s,
        Event::Usage(UsageEvent::Loaded {
            id: RequestId(1),
            result: Ok(None),
        }),
    );
    assert!(matches!(s.usage.load, Load::Missing(_)));
}

#[test]
fn a_broken_setup_is_shown_not_acted_on() {
    let mut s = state(
        (80, 24),
        false,
        Err("[profiles.ceph.usage] source = \"x\": use \"rgw\"".into()),
    );
    assert!(ch(&mut s, '3').is_empty());
    assert!(matches!(&s.usage.load, Load::Failed(m) if m.contains("source")));
    assert!(ch(&mut s, 'r').is_empty());
    assert!(
        s.status
            .error
            .as_deref()
            .is_some_and(|e| e.contains("source"))
    );
}

#[test]
fn the_tree_expands_collapses_and_sorts() {
    let mut s = loaded((80, 24), false);
    assert_eq!(names(&s), ["alice", "anonymous", "evil\u{1b}[31m"]);
    key(&mut s, KeyCode::Enter);
    assert_eq!(
        names(&s),
        [
            "alice",
            "  media",
            "  logs",
            "  ",
            "anonymous",
            "evil\u{1b}[31m"
        ]
    );
    key(&mut s, KeyCode::Down);
    key(&mut s, KeyCode::Enter);
    assert_eq!(
        names(&s)[2..5],
        [
            "    get_obj".to_string(),
            "    put_obj".into(),
            "  logs".into()
        ]
    );
    // Back on a leaf goes to its bucket and closes it; again, to the user.
    key(&mut s, KeyCode::Down);
    key(&mut s, KeyCode::Left);
    assert_eq!(s.usage.selected_row().unwrap().name(), "media");
    assert_eq!(names(&s).len(), 6);
    key(&mut s, KeyCode::Left);
    assert_eq!(s.usage.selected_row().unwrap().name(), "alice");
    key(&mut s, KeyCode::Left);
    assert_eq!(names(&s), ["alice", "anonymous", "evil\u{1b}[31m"]);
    // n: by name; C: by ops, again: lowest success first; s: bytes out, again: bytes in.
    ch(&mut s, 'n');
    assert_eq!(names(&s), ["alice", "anonymous", "evil\u{1b}[31m"]);
    ch(&mut s, 'C');
    ch(&mut s, 'C');
    assert_eq!(names(&s)[0], "anonymous");
    ch(&mut s, 's');
    assert_eq!(names(&s)[0], "alice");
    ch(&mut s, 's');
    assert_eq!(s.usage.sort.label(), "bytes in");
    // The selection follows its row through a re-sort.
    assert_eq!(s.usage.selected_row().unwrap().name(), "alice");
}

#[test]
fn the_filter_keeps_matching_rows_with_their_parents() {
    let mut s = loaded((80, 24), false);
    ch(&mut s, '/');
    for c in "put".chars() {
        ch(&mut s, c);
    }
    assert_eq!(
        names(&s),
        ["alice", "  media", "    put_obj", "  logs", "    put_obj"]
    );
    assert_eq!(
        s.usage.rows[0].counters.ops, 40,
        "the user adds up what matched"
    );
    key(&mut s, KeyCode::Enter);
    assert!(!s.usage.filter.editing && s.usage.filter.is_active());
    key(&mut s, KeyCode::Esc);
    assert!(!s.usage.filter.is_active());
    assert_eq!(names(&s).len(), 3);
}

#[test]
fn collecting_reports_progress_and_shows_the_result() {
    let mut s = loaded((80, 24), false);
    assert_eq!(s.usage.choice().label(), "1h");
    ch(&mut s, 'w');
    assert_eq!(s.usage.choice().label(), "24h");
    let (id, req) = collect_effect(&ch(&mut s, 'r'));
    assert_eq!(
        req.window,
        Window::new(hour(14) - chrono::Duration::hours(24), hour(14)).unwrap()
    );
    assert!(!req.trim);
    assert_eq!(
        req.settings.summary_file,
        PathBuf::from("/srv/usage/results/summarized_data.json")
    );
    assert!(
        ch(&mut s, 'r').is_empty(),
        "a second collection while one runs"
    );
    let progress = Snapshot {
        stage: Phase::ReadingUsage.name().into(),
        records: 42,
        ..Default::default()
    };
    update(&mut s, Event::Usage(UsageEvent::Progress { id, progress }));
    assert_eq!(s.usage.job.as_ref().unwrap().progress.records, 42);
    let jobs = s3scope_tui::state::jobs::running(&s);
    assert_eq!(jobs.len(), 1, "the collection in Jobs");
    assert_eq!(
        jobs[0].kind,
        s3scope_tui::state::jobs::JobKind::UsageCollect
    );
    // A result of another id is dropped.
    update(
        &mut s,
        Event::Usage(UsageEvent::Collected {
            id: RequestId(999),
            result: Err("stale".into()),
        }),
    );
    assert!(s.usage.job.is_some() && s.status.error.is_none());
    assert_eq!(ch(&mut s, 'c'), [Effect::Usage(UsageEffect::Cancel { id })]);
    update(
        &mut s,
        Event::Usage(UsageEvent::Collected {
            id,
            result: Err("cancelled before saving; nothing was saved or trimmed".into()),
        }),
    );
    assert!(s.usage.job.is_none());
    assert!(
        s.status
            .error
            .as_deref()
            .unwrap()
            .contains("nothing was saved")
    );
    let done = &s.jobs.history[0];
    assert!(!done.ok());
    assert!(done.summary().unwrap().contains("failed"));
    assert_eq!(names(&s).len(), 3, "the old summary stays");
}

#[test]
fn trim_asks_first_and_is_refused_on_read_only_profiles() {
    let mut s = loaded((80, 24), true);
    assert!(ch(&mut s, 'T').is_empty());
    assert!(s.usage.confirm.is_none());
    assert!(s.status.error.as_deref().unwrap().contains("read-only"));

    let mut s = loaded((80, 24), false);
    assert!(ch(&mut s, 'T').is_empty());
    let confirm = s.usage.confirm.clone().expect("a confirmation");
    assert!(
        confirm.what.contains("those users, that window only"),
        "{}",
        confirm.what
    );
    assert!(ch(&mut s, 'n').is_empty(), "any other key cancels");
    assert!(s.usage.confirm.is_none() && s.usage.job.is_none());
    assert!(
        s.status
            .message
            .as_deref()
            .unwrap()
            .contains("nothing was collected or deleted")
    );
    ch(&mut s, 'T');
    let (_, req) = collect_effect(&ch(&mut s, 'y'));
    assert!(req.trim && !req.trim_current_hour);
    assert_eq!(req.window, Window::new(hour(13), hour(14)).unwrap());
}

#[test]
fn a_finished_collection_replaces_the_summary() {
    let mut s = state((80, 24), false, Ok(setup()));
    let id = open(&mut s);
    update(
        &mut s,
        Event::Usage(UsageEvent::Loaded {
            id,
            result: Ok(None),
        }),
    );
    let (id, req) = collect_effect(&ch(&mut s, 'r'));
    let report = s3scope_core::usage::CollectReport {
        summary: summary(),
        summary_file: req.settings.summary_file.clone(),
        backup_file: "/srv/usage/backups/summarized_data_2024-05-10_14-05-00.json".into(),
        state_file: req.settings.state_file.clone(),
        chunk_files: 0,
        rgw_entries: Some(7),
        recovered: None,
        trimmed: None,
        elapsed: std::time::Duration::from_millis(1500),
    };
    update(
        &mut s,
        Event::Usage(UsageEvent::Collected {
            id,
            result: Ok(std::sync::Arc::new(report)),
        }),
    );
    assert_eq!(s.usage.load, Load::Loaded);
    assert_eq!(names(&s).len(), 3);
    assert_eq!(
        s.usage.last_run.as_deref(),
        Some("collected in 1.5 s: 503 ops")
    );
}

#[test]
fn the_hour_in_progress_is_collected_but_never_trimmed() {
    let mut s = loaded((80, 24), false);
    for _ in 0..3 {
        ch(&mut s, 'w');
    }
    assert_eq!(s.usage.choice().label(), "now");
    assert!(ch(&mut s, 'T').is_empty());
    assert!(s.usage.confirm.is_none());
    assert!(s.status.error.as_deref().unwrap().contains("not trimmed"));
    let (_, req) = collect_effect(&ch(&mut s, 'r'));
    assert_eq!(req.window, Window::new(hour(14), hour(15)).unwrap());
    assert!(!req.trim);
    ch(&mut s, 'c');
    ch(&mut s, 'w');
    assert_eq!(s.usage.choice().label(), "1h");
}
