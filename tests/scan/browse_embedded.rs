//! Browse end to end through the real runtime against the embedded server: the scan of a seeded
//! bucket builds the tree `s3scope du` reports, it is saved and offered again as a snapshot,
//! and the files row and HEAD details come from real requests.

use crate::support::driven::{HANG_GUARD, Tui};
use bytes::Bytes;
use chrono::{TimeZone, Utc};
use crossterm::event::KeyCode;
use s3scope_core::s3::client::Clients;
use s3scope_store::seed::seed_at;
use s3scope_store::store::{EmbeddedServer, ServerOptions};
use s3scope_store::{PutOptions, StorageClass};
use s3scope_tui::event::Event;
use s3scope_tui::keymap::Keymap;
use s3scope_tui::runtime::Runtime;
use s3scope_tui::state::browse::{Origin, Phase, RowKind};
use s3scope_tui::state::{State, Status};
use std::collections::BTreeMap;

const AK: &str = "BROWSEAK";
const SK: &str = "browse-secret";

async fn clients(endpoint: &str) -> Clients {
    crate::support::clients::clients(endpoint, AK, SK).await
}

fn du_json(endpoint: &str, home: &std::path::Path, location: &str) -> serde_json::Value {
    let mut cmd = crate::support::cmd::s3scope(home);
    let out = cmd
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("AWS_ACCESS_KEY_ID", AK)
        .env("AWS_SECRET_ACCESS_KEY", SK)
        .args(["--endpoint", endpoint, "du", location, "--format", "json"])
        .timeout(HANG_GUARD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browse_a_seeded_bucket_like_a_user() {
    let dir = tempfile::tempdir().unwrap();
    let server = EmbeddedServer::start(ServerOptions {
        dir: dir.path().join("store"),
        port: 0,
        access_key: AK.into(),
        secret_key: SK.into(),
        region: "us-east-1".into(),
    })
    .await
    .unwrap();
    let store = server.store();
    tokio::task::spawn_blocking(move || {
        seed_at(&store, Utc.with_ymd_and_hms(2025, 6, 30, 0, 0, 0).unwrap()).unwrap();
        store.create_bucket("small").unwrap();
        for (key, size) in [("top/a.txt", 10), ("top/b.txt", 20), ("top/sub/c.txt", 5)] {
            let opts = PutOptions {
                storage_class: StorageClass::StandardIa,
                content_type: Some("text/plain".into()),
                metadata: BTreeMap::from([("owner".to_string(), "ops".to_string())]),
                ..PutOptions::default()
            };
            store
                .put_object("small", key, Bytes::from(vec![b'x'; size]), opts)
                .unwrap();
        }
    })
    .await
    .unwrap();

    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let cache = dir.path().join("cache");
    let runtime =
        Runtime::new(clients(&server.endpoint).await, tx).with_snapshot_dir(cache.clone());
    let status = Status {
        profile: "test".into(),
        endpoint: server.endpoint.clone(),
        ..Status::default()
    };
    let mut tui = Tui {
        state: State::new(status, Keymap::defaults().unwrap(), None),
        runtime,
        rx,
    };
    tui.send(Event::Resize {
        width: 160,
        height: 48,
    });

    // Scan demo-analytics: the tree is what `s3scope du` reports.
    tui.command("browse s3://demo-analytics");
    tui.until("the scan", |s| matches!(s.browse.phase, Phase::Done { .. }))
        .await;
    tui.until("the snapshot save", |s| s.browse.saved.is_some())
        .await;
    let saved = tui
        .state
        .browse
        .saved
        .clone()
        .unwrap()
        .expect("snapshot saved");
    assert!(saved.starts_with(&cache), "{saved:?}");
    let home = tempfile::tempdir().unwrap();
    let du = du_json(&server.endpoint, home.path(), "s3://demo-analytics");
    let b = &tui.state.browse;
    assert_eq!(b.totals.objects, du["objects"].as_u64().unwrap());
    assert_eq!(b.totals.bytes, du["bytes"].as_u64().unwrap());
    assert!(b.totals.objects > 100, "a real seeded bucket");
    for p in du["prefixes"].as_array().unwrap() {
        let name = p["prefix"].as_str().unwrap();
        let row = b
            .rows
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("{name} missing"));
        assert_eq!(row.objects, p["objects"].as_u64().unwrap(), "{name}");
        assert_eq!(row.bytes, p["bytes"].as_u64().unwrap(), "{name}");
    }
    let classes: Vec<&str> = b.classes.iter().map(|c| c.name.as_str()).collect();
    assert!(
        classes.len() > 1,
        "the seed ages data into colder classes: {classes:?}"
    );

    // Opening it again offers the snapshot at once, with the same numbers.
    let bytes = b.totals.bytes;
    tui.command("browse s3://demo-analytics");
    tui.until("the snapshot", |s| {
        matches!(s.browse.phase, Phase::Done { .. })
    })
    .await;
    assert!(matches!(
        tui.state.browse.origin,
        Some(Origin::Snapshot { .. })
    ));
    assert_eq!(tui.state.browse.totals.bytes, bytes);

    // The files row of small/top/ lists its two objects; Enter on one shows its HEAD.
    tui.command("browse s3://small/top");
    tui.until("the small scan", |s| {
        matches!(s.browse.phase, Phase::Done { .. })
    })
    .await;
    assert_eq!(tui.state.browse.cwd, "top/");
    let files_at = tui
        .state
        .browse
        .rows
        .iter()
        .position(|r| r.kind == RowKind::Files)
        .unwrap();
    for _ in 0..files_at {
        tui.key(KeyCode::Down);
    }
    tui.key(KeyCode::Enter);
    tui.until("the files", |s| {
        s.browse.files.as_ref().is_some_and(|f| f.page.is_some())
    })
    .await;
    let f = tui.state.browse.files.as_ref().unwrap();
    let keys: Vec<&str> = f.objects().map(|o| o.key.as_str()).collect();
    assert_eq!(
        keys,
        ["top/b.txt", "top/a.txt"],
        "biggest first, top/sub/ not listed"
    );
    tui.key(KeyCode::Enter);
    tui.until("HEAD", |s| {
        s.browse
            .object
            .as_ref()
            .is_some_and(|o| o.details.is_some())
    })
    .await;
    let d = tui
        .state
        .browse
        .object
        .as_ref()
        .unwrap()
        .details
        .clone()
        .unwrap();
    assert_eq!((d.key.as_str(), d.size), ("top/b.txt", 20));
    assert_eq!(d.storage_class, "STANDARD_IA");
    assert_eq!(d.metadata.get("owner").map(String::as_str), Some("ops"));
    server.shutdown().await;
}
