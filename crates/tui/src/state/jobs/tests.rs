//! The Jobs pane follows pane jobs by their events alone: entered by the effect that starts
//! them, ended by the event that says so, never by looking at the panes after each update.

use super::*;
use crate::effect::Effect;
use crate::event::Event;
use crate::keymap::Keymap;
use crate::state::{State, Status};
use s3scope_core::s3::error::S3Error;
use s3scope_core::scan::job::ScanRequest;

fn state() -> State {
    State::new(Status::default(), Keymap::defaults().unwrap(), None)
}

fn start_scan(id: u64) -> Effect {
    Effect::StartScan {
        id: RequestId(id),
        request: ScanRequest {
            bucket: "logs".into(),
            prefix: "2026/".into(),
            concurrency: 4,
            versions: false,
            multipart: false,
            hints: Vec::new(),
        },
    }
}

#[test]
fn a_job_is_entered_by_its_effect_and_follows_its_own_events() {
    let mut s = state();
    started(&mut s, &[start_scan(7)]);
    let rows = running(&s);
    assert_eq!(
        (rows.len(), rows[0].kind, rows[0].target.as_str()),
        (1, JobKind::Scan, "s3://logs/2026/")
    );
    // Progress of another id changes nothing; its own shows.
    let p = Snapshot {
        done: 40,
        calls: 2,
        ..Snapshot::default()
    };
    let other = Event::ScanProgress {
        id: RequestId(8),
        counters: p.clone(),
    };
    follow(&mut s, Signal::of(&other).unwrap());
    assert_eq!(running(&s)[0].done, 0);
    follow(
        &mut s,
        Signal::of(&Event::ScanProgress {
            id: RequestId(7),
            counters: p,
        })
        .unwrap(),
    );
    assert_eq!(running(&s)[0].done, 40);
    assert_eq!(running(&s)[0].progress.stage, "listing (2 LIST calls)");
    // The end of an unknown job is ignored; the end of this one moves it to the history.
    let end = |id| Event::ScanFinished {
        id: RequestId(id),
        result: Err(S3Error::Other {
            operation: "ListObjectsV2".into(),
            detail: "x".into(),
        }),
        cancelled: false,
        at: chrono::Utc::now(),
    };
    follow(&mut s, Signal::of(&end(9)).unwrap());
    assert_eq!(running(&s).len(), 1);
    follow(&mut s, Signal::of(&end(7)).unwrap());
    assert!(running(&s).is_empty());
    assert_eq!(s.jobs.history.len(), 1);
    assert_eq!(s.jobs.history[0].id, RequestId(7));
    // Browse never started this scan: its outcome says it was replaced.
    assert_eq!(
        s.jobs.history[0].summary(),
        Some("replaced by another scan")
    );
}

#[test]
fn events_that_are_not_job_events_are_not_signals() {
    assert_eq!(
        Signal::of(&Event::Resize {
            width: 1,
            height: 1
        }),
        None
    );
}
