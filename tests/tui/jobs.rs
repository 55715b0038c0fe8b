//! The Jobs pane through `update` alone: a running scan appears with its progress, `c` cancels
//! it through Browse, finished jobs keep their outcome; screens at 80x24 and 160x48 with the
//! state colours asserted.

use crate::support::browse as browse_support;

use crate::support::screen::draw_at as draw;
use browse_support::{at, ch, counters, key, listed, scanning, tree};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use s3scope_tui::effect::Effect;
use s3scope_tui::event::Event;
use s3scope_tui::state::Pane;
use s3scope_tui::state::browse::SharedTree;
use s3scope_tui::state::jobs::{JobKind, running};
use s3scope_tui::update::update;

/// The first cell of `needle` on screen.
fn find(t: &Terminal<TestBackend>, needle: &str) -> (u16, u16) {
    let buf = t.backend().buffer();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        if let Some(i) = line.find(needle) {
            let x = line[..i].chars().count() as u16;
            return (x, y);
        }
    }
    panic!("{needle} not on screen");
}

#[test]
fn a_scan_runs_in_jobs_is_cancelled_from_there_and_stays_in_the_history() {
    let (mut s, _) = listed();
    s.size = (80, 24);
    s.now = Some(at());
    let id = scanning(&mut s);
    let shared = SharedTree::new(tree());
    update(&mut s, Event::ScanStarted { id, tree: shared });
    let mut c = counters(4200);
    c.calls = 17;
    update(&mut s, Event::ScanProgress { id, counters: c });
    let jobs = running(&s);
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].kind, JobKind::Scan);
    assert_eq!(jobs[0].done, 4200);
    assert_eq!(jobs[0].target, "s3://a/");

    update(&mut s, ch('5'));
    assert_eq!(s.pane, Pane::Jobs);
    let t = draw(&s, 80, 24);
    insta::assert_snapshot!("jobs_running_80x24", t.backend());
    // The running scan is the selected job.
    find(&t, "▶ scan");
    let (x, y) = find(&t, "running ");
    assert_eq!(
        t.backend().buffer()[(x, y)].fg,
        Color::Green,
        "running is green"
    );
    let wide = draw(&s, 160, 48);
    insta::assert_snapshot!("jobs_running_160x48", wide.backend());

    // c on the running scan cancels it through Browse.
    let fx = update(&mut s, ch('c'));
    assert_eq!(fx, vec![Effect::CancelScan { id }]);
    update(
        &mut s,
        Event::ScanFinished {
            id,
            result: Ok(counters(4300)),
            cancelled: true,
            at: at(),
        },
    );
    assert!(running(&s).is_empty());
    let f = &s.jobs.history[0];
    assert_eq!(f.kind, JobKind::Scan);
    assert!(!f.ok());
    assert!(
        f.summary()
            .unwrap()
            .contains("cancelled after 4300 objects")
    );

    // A second scan that completes: newest first, marked done.
    update(&mut s, ch('2'));
    let fx = update(&mut s, ch('r'));
    let id2 = match fx.as_slice() {
        [Effect::StartScan { id, .. }] => *id,
        other => panic!("{other:?}"),
    };
    update(
        &mut s,
        Event::ScanStarted {
            id: id2,
            tree: SharedTree::new(tree()),
        },
    );
    update(
        &mut s,
        Event::ScanFinished {
            id: id2,
            result: Ok(counters(9)),
            cancelled: false,
            at: at(),
        },
    );
    assert_eq!(s.jobs.history.len(), 2);
    assert!(s.jobs.history[0].ok());
    assert!(
        s.jobs.history[0]
            .summary()
            .unwrap()
            .starts_with("9 objects, 90 B")
    );
    update(&mut s, ch('5'));
    update(&mut s, key(KeyCode::Down));
    let t = draw(&s, 80, 24);
    insta::assert_snapshot!("jobs_finished_80x24", t.backend());
    let (x, y) = find(&t, "done");
    assert_eq!(
        t.backend().buffer()[(x, y)].fg,
        Color::Green,
        "done is green"
    );
    // The cancelled scan ended badly: red, with why.
    let (x, y) = find(&t, "failed");
    assert_eq!(
        t.backend().buffer()[(x, y)].fg,
        Color::LightRed,
        "failed is red"
    );
    find(&t, "cancelled after 4300 objects");
    // Enter shows the pane of the selected job.
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.pane, Pane::Browse);
}

#[test]
fn with_no_jobs_it_says_what_will_appear() {
    let (mut s, _) = listed();
    s.size = (80, 24);
    update(&mut s, ch('5'));
    let t = draw(&s, 80, 24);
    let text: String = t
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(text.contains("No jobs in this session yet"), "{text}");
    // c with nothing selected: a message, no effect.
    assert!(update(&mut s, ch('c')).is_empty());
}
