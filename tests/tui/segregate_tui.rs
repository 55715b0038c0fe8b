//! The Segregate pane's state machine without a terminal or tokio: the rule loaded and listed on
//! opening, the preview following each keystroke (bad input shown, never a panic), destination
//! checks, status filter, and apply: refused, confirmed, progress, cancel, report, relist.

use crate::support::segregate as segregate_support;

use crossterm::event::KeyCode;
use s3scope_core::segregate::plan::Status;
use s3scope_tui::effect::Effect;
use s3scope_tui::event::Event;
use s3scope_tui::state::segregate::{FieldId, SegregateEffect, SegregateEvent};
use s3scope_tui::update::update;
use segregate_support::tui::*;

fn counts(s: &s3scope_tui::state::State) -> [u64; 7] {
    Status::ALL.map(|st| s.segregate.preview.summary.count(st).objects)
}

#[test]
fn opening_the_pane_lists_the_rules_source() {
    let mut s = state((80, 24), false);
    let fx = key(&mut s, KeyCode::Char('4'));
    match fx.as_slice() {
        [
            Effect::Segregate(SegregateEffect::List {
                bucket,
                prefix,
                page_size,
                ..
            }),
        ] => {
            assert_eq!(
                (bucket.as_str(), prefix.as_str(), *page_size),
                ("mediation", "incoming/", 1000)
            );
        }
        other => panic!("{other:?}"),
    }
    // Showing it again does not list again.
    key(&mut s, KeyCode::Char('1'));
    assert!(key(&mut s, KeyCode::Char('4')).is_empty());
}

#[test]
fn the_preview_settles_every_status_once_destinations_are_checked() {
    let s = previewed((80, 24), false);
    let p = &s.segregate.preview;
    assert_eq!(p.unchecked, 0);
    // move: seed, a CDR, a 0-byte one, a nested one; error: unparseable, README, evil;
    // one conflict, one already there.
    assert_eq!(counts(&s), [4, 3, 1, 1, 0, 0, 0]);
    assert_eq!((p.summary.no_match, p.summary.unparseable), (2, 1));
    let seed = p
        .entries
        .iter()
        .find(|e| e.key.ends_with(segregate_support::SEED_NAME))
        .unwrap();
    assert_eq!(
        seed.target,
        format!("segregated/2022/12/31/{}", segregate_support::SEED_NAME)
    );
}

#[test]
fn stale_listings_are_dropped() {
    let mut s = state((80, 24), false);
    let old = list_id(&key(&mut s, KeyCode::Char('4')));
    let new = list_id(&key(&mut s, KeyCode::Char('r')));
    assert_ne!(old, new);
    update(
        &mut s,
        Event::Segregate(SegregateEvent::Listed {
            id: old,
            objects: objects(),
            list_calls: 1,
            done: Some(Ok(true)),
        }),
    );
    assert!(s.segregate.listing.objects.is_empty());
}

#[test]
fn typing_the_regex_recomputes_and_bad_input_is_shown_not_fatal() {
    let mut s = previewed((80, 24), false);
    key(&mut s, KeyCode::Char('e'));
    assert_eq!(s.segregate.editing, Some(FieldId::Pattern));
    // Clear the field and type the seed's regex again, one key at a time: every prefix of it
    // is a preview (many are invalid regexes), none may panic.
    for _ in 0..60 {
        key(&mut s, KeyCode::Backspace);
    }
    assert_eq!(s.segregate.value(FieldId::Pattern), "");
    let mut errors = 0;
    for c in segregate_support::SEED_PATTERN.chars() {
        key(&mut s, KeyCode::Char(c));
        errors += usize::from(s.segregate.preview.error.is_some());
    }
    assert!(errors > 3, "unbalanced ( and {{ along the way: {errors}");
    assert!(s.segregate.preview.error.is_none());
    assert_eq!(counts(&s), [4, 3, 1, 1, 0, 0, 0]);
    // An unclosed group: the error names the field, the rows are gone, nothing else breaks.
    typed(&mut s, "(");
    let e = s.segregate.preview.error.clone().unwrap();
    assert_eq!(e.field.name(), "match_pattern");
    assert!(e.message.contains("unclosed group"), "{}", e.message);
    assert!(s.segregate.preview.entries.is_empty());
    key(&mut s, KeyCode::Backspace);
    assert_eq!(counts(&s), [4, 3, 1, 1, 0, 0, 0]);
}

#[test]
fn bad_formats_templates_and_targets_are_named_inline() {
    let cases: [(FieldId, &str, &str); 4] = [
        (FieldId::Format, "%H%M", "datetime_format"),
        (FieldId::Format, "%Y%m%Q", "datetime_format"),
        (FieldId::Target, "segregated/%Y/%k%Q/", "target"),
        (FieldId::Target, "incoming/%Y/", "target"),
    ];
    for (field, text, name) in cases {
        let mut s = previewed((80, 24), false);
        key(&mut s, KeyCode::Char('e'));
        while s.segregate.editing != Some(field) {
            key(&mut s, KeyCode::Tab);
        }
        for _ in 0..40 {
            key(&mut s, KeyCode::Backspace);
        }
        typed(&mut s, text);
        let e = s
            .segregate
            .preview
            .error
            .clone()
            .unwrap_or_else(|| panic!("{text} accepted"));
        assert_eq!(e.field.name(), name, "{text}: {e}");
        key(&mut s, KeyCode::Esc);
        // Apply is refused with the reason.
        assert!(key(&mut s, KeyCode::Char('a')).is_empty());
        assert!(
            s.status
                .error
                .as_deref()
                .unwrap()
                .contains("fix the rule first")
        );
    }
}

#[test]
fn changing_the_source_lists_it_when_leaving_the_field() {
    let mut s = previewed((80, 24), false);
    key(&mut s, KeyCode::Char('e'));
    key(&mut s, KeyCode::BackTab);
    assert_eq!(s.segregate.editing, Some(FieldId::Source));
    assert!(
        typed(&mut s, "more")
            .iter()
            .all(|e| !matches!(e, Effect::Segregate(SegregateEffect::List { .. })))
    );
    let fx = key(&mut s, KeyCode::Enter);
    match fx.as_slice() {
        [Effect::Segregate(SegregateEffect::List { prefix, .. })] => {
            assert_eq!(prefix, "incoming/more/")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_status_filter_cycles() {
    let mut s = previewed((80, 24), false);
    let mut seen = Vec::new();
    for _ in 0..5 {
        key(&mut s, KeyCode::Char('f'));
        seen.push((s.segregate.filter, s.segregate.preview.rows.len()));
    }
    assert_eq!(
        seen,
        [
            (Some(Status::Move), 4),
            (Some(Status::Error), 3),
            (Some(Status::Conflict), 1),
            (Some(Status::AlreadyThere), 1),
            (None, 9)
        ]
    );
}

#[test]
fn apply_is_refused_under_a_read_only_profile() {
    let mut s = previewed((80, 24), true);
    assert!(key(&mut s, KeyCode::Char('a')).is_empty());
    assert!(s.status.error.as_deref().unwrap().contains("read-only"));
    assert!(s.segregate.confirm.is_none());
}

#[test]
fn apply_confirms_with_counts_then_runs_the_plan_and_can_be_cancelled() {
    let mut s = previewed((80, 24), false);
    // Any key but y backs out.
    key(&mut s, KeyCode::Char('a'));
    assert!(s.segregate.confirm.is_some());
    assert!(key(&mut s, KeyCode::Char('n')).is_empty());
    assert!(s.segregate.confirm.is_none());

    key(&mut s, KeyCode::Char('a'));
    let c = s.segregate.confirm.clone().unwrap();
    assert_eq!(
        (c.summary.moves.objects, c.summary.conflict.objects),
        (4, 1)
    );
    let fx = key(&mut s, KeyCode::Char('y'));
    let (id, plan) = match fx.as_slice() {
        [
            Effect::Segregate(SegregateEffect::Apply {
                id, plan, options, ..
            }),
        ] => {
            assert!(options.journal.to_string_lossy().ends_with(".journal"));
            assert!(!options.overwrite);
            (*id, plan.clone())
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(plan.entries.len(), 9);
    assert_eq!(plan.bucket, "mediation");
    assert!(s.segregate.is_applying());
    // The rule cannot change under a running apply.
    key(&mut s, KeyCode::Char('e'));
    assert_eq!(s.segregate.editing, None);

    let progress = s3scope_core::job::Snapshot {
        done: 4,
        total: Some(10),
        ..Default::default()
    };
    update(
        &mut s,
        Event::Segregate(SegregateEvent::Progress { id, progress }),
    );
    assert_eq!(s.segregate.job.as_ref().unwrap().progress.done, 4);
    // The Jobs pane shows the same apply, 4 of 10.
    let jobs = s3scope_tui::state::jobs::running(&s);
    let apply = jobs
        .iter()
        .find(|j| j.kind == s3scope_tui::state::jobs::JobKind::SegregateApply)
        .expect("the apply in Jobs");
    assert_eq!((apply.done, apply.total), (4, Some(10)));
    let fx = key(&mut s, KeyCode::Char('c'));
    assert_eq!(fx, [Effect::Segregate(SegregateEffect::Cancel { id })]);
    assert!(s.segregate.job.as_ref().unwrap().cancelling);

    let report = s3scope_core::segregate::ApplyReport {
        plan: plan.id.clone(),
        bucket: "mediation".into(),
        journal: "/j".into(),
        started: segregate_support::fixed_now(),
        seconds: 1.0,
        moved: Default::default(),
        moved_to_errors: Default::default(),
        already_there: Default::default(),
        conflicts: Default::default(),
        changed: Default::default(),
        failed: Default::default(),
        not_started: Default::default(),
        done_before: Default::default(),
        bytes_copied: 0,
        objects_per_sec: 0.0,
        rechecked: 0,
        aborted_uploads: 0,
        cancelled: true,
        problems: Vec::new(),
    };
    let fx = update(
        &mut s,
        Event::Segregate(SegregateEvent::Applied {
            id,
            result: Ok(report),
        }),
    );
    assert!(!s.segregate.is_applying());
    assert!(s.segregate.report.is_some());
    // ... and keeps it as a finished job with its outcome and journal.
    let done = &s.jobs.history[0];
    assert_eq!(done.kind, s3scope_tui::state::jobs::JobKind::SegregateApply);
    assert!(!done.ok());
    assert!(done.summary().unwrap().starts_with("cancelled: "));
    assert!(matches!(
        &done.status,
        s3scope_tui::state::jobs::JobStatus::Failed(_)
    ));
    list_id(&fx);
    assert!(
        s.status
            .message
            .as_deref()
            .unwrap()
            .contains("apply finished with problems")
    );
}
