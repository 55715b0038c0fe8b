//! The Buckets pane driven by the real runtime until its bucket table is in, for comparing
//! what the TUI shows with what another front end (the `serve` endpoint) serves.
#![allow(dead_code)] // not every test binary that declares `support` uses it

use s3scope_core::s3::client::Clients;
use s3scope_core::scan::buckets::BucketRow;
use s3scope_tui::event::Event;
use s3scope_tui::keymap::Keymap;
use s3scope_tui::runtime::Runtime;
use s3scope_tui::state::buckets::TableLoad;
use s3scope_tui::state::{State, Status};
use s3scope_tui::update::{start, update};
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::mpsc;

/// Starts the TUI's state machine on `clients` and runs its effects with the real runtime
/// until the bucket table has loaded; returns the state (the screen is drawn from it).
pub async fn loaded_buckets_pane(clients: Clients) -> State {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let endpoint = clients.endpoint_label();
    let mut runtime = Runtime::new(clients, tx);
    let status = Status {
        profile: "test".into(),
        endpoint,
        ..Status::default()
    };
    let mut state = State::new(status, Keymap::defaults().unwrap(), None);
    state.size = (160, 48);
    let mut out = Vec::new();
    let mut effects = start(&mut state);
    // Only a hang guard: events drive the loop.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        for e in effects.drain(..) {
            runtime.execute(e, &mut out).unwrap();
        }
        match &state.buckets.table_load {
            TableLoad::Loaded { .. } => return state,
            TableLoad::Failed(m) => panic!("the bucket table failed: {m}"),
            _ => {}
        }
        let event: Event = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("the bucket table within 120 s")
            .expect("runtime channel open");
        effects = update(&mut state, event);
    }
}

/// The rows of the pane by bucket name.
pub fn pane_rows(state: &State) -> &BTreeMap<String, BucketRow> {
    &state.buckets.table
}

/// The screen of `state` as text.
pub fn screen(state: &State) -> String {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let mut t = Terminal::new(TestBackend::new(state.size.0, state.size.1)).unwrap();
    t.draw(|f| s3scope_tui::ui::draw(f, state, s3scope_tui::theme::Theme::color()))
        .unwrap();
    let buf = t.backend().buffer();
    let mut s = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            s.push_str(buf[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

/// Asserts that the pane holds, bucket for bucket, the rows the endpoint served in
/// `/api/buckets?fmt=json`: objects, bytes, each storage class, source, region, creation, error;
/// and shows every name.
pub fn assert_pane_equals_endpoint(state: &State, served: &serde_json::Value) {
    let pane = pane_rows(state);
    let served = served["buckets"].as_array().expect("buckets array");
    assert_eq!(
        pane.len(),
        served.len(),
        "same buckets in the pane and the endpoint"
    );
    let text = screen(state);
    for b in served {
        let name = b["bucket"].as_str().unwrap();
        let row = pane
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing in the pane"));
        let (mut mine, mut theirs) = (serde_json::to_value(row).unwrap(), b.clone());
        // `as_of` is when each front end's own read happened; both must say it.
        assert!(
            mine["as_of"].is_string() && theirs["as_of"].is_string(),
            "{name}: as_of"
        );
        mine["as_of"] = serde_json::Value::Null;
        theirs["as_of"] = serde_json::Value::Null;
        assert_eq!(mine, theirs, "{name}: pane row = served row");
        assert!(text.contains(name), "{name} on screen:\n{text}");
    }
}
