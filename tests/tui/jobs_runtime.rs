//! Jobs from the TUI for real: `:extract` and `:process` typed into the state machine, their
//! effects run by the runtime against the embedded S3 server, events back into `update`.

use crate::support::pipeline as pipeline_support;

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pipeline_support::{clients, files_under, seed, server};
use s3scope_tui::effect::Effect;
use s3scope_tui::event::Event;
use s3scope_tui::keymap::Keymap;
use s3scope_tui::runtime::Runtime;
use s3scope_tui::state::jobs::{JobStatus, JobsEvent};
use s3scope_tui::state::{State, Status};
use s3scope_tui::update::update;
use std::time::Duration;
use tokio::sync::mpsc;

fn command(s: &mut State, line: &str) -> Vec<Effect> {
    let key = |c| Event::Key(KeyEvent::new(c, KeyModifiers::NONE));
    update(s, key(KeyCode::Char(':')));
    for c in line.chars() {
        update(s, key(KeyCode::Char(c)));
    }
    update(s, key(KeyCode::Enter))
}

/// Runs events into `update` until job `index` is no longer running.
async fn until_finished(
    s: &mut State,
    rx: &mut mpsc::UnboundedReceiver<Event>,
    index: usize,
) -> (JobStatus, usize) {
    let mut progress_events = 0;
    while s.jobs.jobs[index].status == JobStatus::Running {
        // Only a hang guard.
        let event = tokio::time::timeout(Duration::from_secs(120), rx.recv())
            .await
            .expect("no event within 120 s")
            .expect("channel open");
        if matches!(event, Event::Jobs(JobsEvent::Progress { .. })) {
            progress_events += 1;
        }
        update(s, event);
    }
    (s.jobs.jobs[index].status.clone(), progress_events)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extract_then_process_from_the_jobs_pane() {
    let tmp = tempfile::tempdir().unwrap();
    let s3 = server(&tmp.path().join("s3")).await;
    seed(&s3);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut runtime = Runtime::new(clients(&s3.endpoint).await, tx);
    let mut s = State::new(Status::default(), Keymap::defaults().unwrap(), None);
    update(&mut s, Event::Tick { now: Utc::now() });
    let data = tmp.path().join("data");
    let out = tmp.path().join("out");
    let mut sink = Vec::new();
    for effect in command(&mut s, &format!("extract {}", data.display())) {
        runtime.execute(effect, &mut sink).unwrap();
    }
    let (status, progress) = until_finished(&mut s, &mut rx, 0).await;
    let JobStatus::Done { summary, output } = status else {
        panic!("{status:?}")
    };
    // 6 listed objects + 3 bucket × class rows of bucket stats.
    assert!(
        summary.starts_with("9 rows in 2 files, 0 source(s) failed"),
        "{summary}"
    );
    assert!(output.starts_with(data.to_str().unwrap()), "{output}");
    assert!(progress >= 1, "at least the final progress is reported");
    assert!(
        files_under(&data)
            .iter()
            .any(|f| f.ends_with("manifest.json"))
    );

    for effect in command(
        &mut s,
        &format!("process {} {}", data.display(), out.display()),
    ) {
        runtime.execute(effect, &mut sink).unwrap();
    }
    let (status, _) = until_finished(&mut s, &mut rx, 1).await;
    let JobStatus::Done { summary, output } = status else {
        panic!("{status:?}")
    };
    assert!(summary.contains("1 package(s), 0 problem(s)"), "{summary}");
    assert!(output.ends_with("report.html") && std::path::Path::new(&output).exists());
    s3.shutdown().await;
}
