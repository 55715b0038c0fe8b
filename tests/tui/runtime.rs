//! The TUI runtime against real endpoints: effects become tasks whose results come back as
//! events, and those events drive `update` to the screens the user sees.

use s3scope_core::config::{Credentials, Profile, Secret};
use s3scope_core::s3::buckets::BucketInfo;
use s3scope_core::s3::client::Clients;
use s3scope_core::s3::error::S3Error;
use s3scope_tui::effect::Effect;
use s3scope_tui::event::{Event, RequestId};
use s3scope_tui::keymap::Keymap;
use s3scope_tui::runtime::{Flow, Runtime, osc52};
use s3scope_tui::state::buckets::Load;
use s3scope_tui::state::{State, Status};
use s3scope_tui::update::{start, update};
use std::time::Duration;
use tokio::sync::mpsc;

/// A port nothing listens on: bind, read the port, close.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

async fn clients_for(endpoint: &str) -> Clients {
    let profile = Profile {
        name: "test".into(),
        endpoint: Some(url::Url::parse(endpoint).unwrap()),
        region: Some("us-east-1".into()),
        path_style: true,
        aws_profile: None,
        credentials: Credentials::Static {
            access_key_id: "AKIDTEST".into(),
            secret_access_key: Secret::new("secret"),
            origin: "test".into(),
        },
        ca_bundle: None,
        read_only: false,
        rgw_admin: false,
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(5),
        max_attempts: 1,
    };
    Clients::new(&profile).await.unwrap()
}

async fn next_event(rx: &mut mpsc::UnboundedReceiver<Event>) -> Event {
    // Only a hang guard.
    tokio::time::timeout(Duration::from_secs(120), rx.recv())
        .await
        .expect("no event within 120 s")
        .expect("channel closed")
}

#[tokio::test]
async fn load_buckets_from_a_dead_endpoint_reaches_the_error_state() {
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut runtime = Runtime::new(clients_for(&endpoint).await, tx);
    let status = Status {
        profile: "test".into(),
        endpoint: endpoint.clone(),
        ..Status::default()
    };
    let mut state = State::new(status, Keymap::defaults().unwrap(), None);
    let mut out = Vec::new();
    for effect in start(&mut state) {
        assert_eq!(runtime.execute(effect, &mut out).unwrap(), Flow::Continue);
    }
    let event = next_event(&mut rx).await;
    match &event {
        Event::BucketsLoaded {
            result: Err(S3Error::ConnectionRefused { endpoint: e }),
            ..
        } => assert_eq!(e, &endpoint),
        other => panic!("expected connection refused, got {other:?}"),
    }
    assert!(update(&mut state, event).is_empty());
    match &state.buckets.load {
        Load::Failed(m) => assert!(m.contains("connection refused"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert!(
        out.is_empty(),
        "nothing may be written to the terminal by a load"
    );
}

#[tokio::test]
async fn region_lookups_report_every_bucket_in_batches() {
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut runtime = Runtime::new(clients_for(&endpoint).await, tx);
    let buckets: Vec<BucketInfo> = (0..10)
        .map(|i| BucketInfo {
            name: format!("b{i}"),
            region: None,
            created: None,
        })
        .collect();
    let id = RequestId(7);
    runtime
        .execute(Effect::ResolveRegions { id, buckets }, &mut Vec::new())
        .unwrap();
    let mut seen = 0;
    while seen < 10 {
        match next_event(&mut rx).await {
            Event::RegionsResolved {
                id: got,
                resolved,
                failures,
            } => {
                assert_eq!(got, id);
                assert!(resolved.is_empty());
                assert!(failures.len() <= 4, "batches are small: {}", failures.len());
                seen += failures.len();
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(seen, 10);
}

#[tokio::test]
async fn clipboard_goes_to_the_terminal_as_osc52_and_quit_stops() {
    let (tx, _rx) = mpsc::unbounded_channel();
    let mut runtime = Runtime::new(clients_for("http://127.0.0.1:9").await, tx);
    let mut out = Vec::new();
    runtime
        .execute(Effect::CopyToClipboard("s3://logs-2024".into()), &mut out)
        .unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), osc52("s3://logs-2024"));
    assert_eq!(
        osc52("s3://logs-2024"),
        "\x1b]52;c;czM6Ly9sb2dzLTIwMjQ=\x07"
    );
    assert_eq!(
        runtime.execute(Effect::Quit, &mut Vec::new()).unwrap(),
        Flow::Quit
    );
    assert_eq!(runtime.running(), 0);
}
