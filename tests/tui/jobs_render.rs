//! The Jobs pane: `:extract`/`:process` start jobs (pure update, effects out), progress and
//! outcomes are drawn with stage, bar, rate, ETA and errors; `c` cancels the selected job.
//! Screens are insta snapshots at 80x24.

use crate::support::screen::{command, press as key};
use chrono::{TimeZone, Utc};
use crossterm::event::KeyCode;
use s3scope_core::job::Snapshot;
use s3scope_tui::effect::Effect;
use s3scope_tui::event::Event;
use s3scope_tui::keymap::Keymap;
use s3scope_tui::state::jobs::{JobsEffect, JobsEvent};
use s3scope_tui::state::{Pane, State, Status};
use s3scope_tui::update::update;
use std::time::Duration;

fn state() -> State {
    let mut s = State::new(
        Status {
            profile: "prod".into(),
            endpoint: "http://127.0.0.1:9000".into(),
            ..Status::default()
        },
        Keymap::defaults().unwrap(),
        None,
    );
    update(
        &mut s,
        Event::Resize {
            width: 80,
            height: 24,
        },
    );
    update(
        &mut s,
        Event::Tick {
            now: Utc.with_ymd_and_hms(2026, 11, 22, 14, 30, 0).unwrap(),
        },
    );
    s
}

fn progress(stage: &str, index: usize, done: u64, total: Option<u64>, errors: u64) -> Snapshot {
    Snapshot {
        stage: stage.into(),
        stage_index: index,
        stages: 3,
        done,
        total,
        bytes: done * 64,
        errors,
        last_error: (errors > 0).then(|| "bucket logs: access denied\u{1b}[2J".into()),
        elapsed: Duration::from_secs(12),
        rate: 8000.0,
        eta: total.map(|t| Duration::from_secs((t - done) / 8000)),
        ..Snapshot::default()
    }
}

#[test]
fn empty_pane_says_how_to_start_a_job() {
    let mut s = state();
    key(&mut s, KeyCode::Char('5'));
    crate::snap!("jobs_empty", &s);
}

#[test]
fn jobs_start_report_progress_finish_and_cancel() {
    let mut s = state();
    let fx = command(&mut s, "extract /srv/history");
    let Some(Effect::Jobs(JobsEffect::Extract {
        id: extract,
        data_dir,
        request,
    })) = fx.first()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(data_dir, "/srv/history");
    assert_eq!(
        request.window.until,
        Utc.with_ymd_and_hms(2026, 11, 22, 15, 0, 0).unwrap()
    );
    assert_eq!(s.pane, Pane::Jobs);
    let extract = *extract;
    let fx = command(&mut s, "process /srv/history s3://reports/out");
    let Some(Effect::Jobs(JobsEffect::Process { id: process, .. })) = fx.first() else {
        panic!("{fx:?}")
    };
    let process = *process;
    let fx = command(&mut s, "process /only-one");
    assert!(fx.is_empty());
    assert!(
        s.status
            .error
            .as_deref()
            .unwrap_or("")
            .contains("DATA_DIR and OUTPUT")
    );
    key(&mut s, KeyCode::Esc);

    update(
        &mut s,
        Event::Jobs(JobsEvent::Progress {
            id: extract,
            progress: progress("listing", 0, 120_000, None, 1),
        }),
    );
    update(
        &mut s,
        Event::Jobs(JobsEvent::Progress {
            id: process,
            progress: progress("storage", 0, 3, Some(7), 0),
        }),
    );
    crate::snap!("jobs_running", &s);

    // `c` cancels the selected job (the newest, process); then the extract finishes.
    let fx = key(&mut s, KeyCode::Char('c'));
    assert_eq!(fx, [Effect::Jobs(JobsEffect::Cancel { id: process })]);
    update(
        &mut s,
        Event::Jobs(JobsEvent::Finished {
            id: process,
            result: Err("cancelled".into()),
            cancelled: true,
        }),
    );
    update(
        &mut s,
        Event::Jobs(JobsEvent::Finished {
            id: extract,
            result: Ok((
                "1000000 rows in 2 files, 0 source(s) failed, 5.5s".into(),
                "/srv/history/dt=2026-11-22/20261121T150000Z-20261122T150000Z".into(),
            )),
            cancelled: false,
        }),
    );
    key(&mut s, KeyCode::Up);
    let fx = key(&mut s, KeyCode::Char('c'));
    assert!(fx.is_empty(), "a finished job cannot be cancelled");
    crate::snap!("jobs_finished", &s);
}

#[test]
fn read_only_profiles_do_not_write_to_s3() {
    let mut s = state();
    s.status.read_only = true;
    let fx = command(&mut s, "extract s3://history/data");
    assert!(fx.is_empty());
    assert!(
        s.status
            .error
            .as_deref()
            .unwrap_or("")
            .contains("read-only")
    );
    assert!(s.jobs.jobs.is_empty());
}

#[test]
fn a_browse_scan_appears_as_a_job_and_can_be_cancelled_there() {
    use s3scope_tui::state::jobs::{JobKind, running};
    let mut s = state();
    let fx = command(&mut s, "browse s3://logs/2026/");
    let Some(Effect::FindSnapshot { id, .. }) = fx.first() else {
        panic!("{fx:?}")
    };
    let fx = update(
        &mut s,
        Event::SnapshotFound {
            id: *id,
            result: Ok(None),
        },
    );
    let Some(Effect::StartScan { id: scan, .. }) =
        fx.iter().find(|e| matches!(e, Effect::StartScan { .. }))
    else {
        panic!("{fx:?}")
    };
    let scan = *scan;
    // Read live from Browse: the scan is a job as soon as it starts.
    assert_eq!(running(&s)[0].kind, JobKind::Scan);
    assert_eq!(running(&s)[0].target, "s3://logs/2026/");
    let counters = Snapshot {
        done: 5000,
        bytes: 1 << 20,
        calls: 5,
        elapsed: Duration::from_secs(2),
        ..Snapshot::default()
    };
    update(
        &mut s,
        Event::ScanProgress {
            id: scan,
            counters: counters.clone(),
        },
    );
    assert_eq!(running(&s)[0].done, 5000);
    key(&mut s, KeyCode::Char('5'));
    assert_eq!(
        key(&mut s, KeyCode::Char('c')),
        [Effect::CancelScan { id: scan }]
    );
    update(
        &mut s,
        Event::ScanFinished {
            id: scan,
            result: Ok(counters),
            cancelled: true,
            at: Utc::now(),
        },
    );
    assert!(running(&s).is_empty());
    let ended = &s.jobs.history[0];
    assert_eq!(ended.kind, JobKind::Scan);
    assert!(!ended.ok());
    assert!(
        ended
            .summary()
            .unwrap()
            .contains("cancelled after 5000 objects")
    );
}
