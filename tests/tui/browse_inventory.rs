//! Browse and the demo's inventory report, through the real runtime against the embedded
//! server: opening demo-archive offers the report with its date, `I` reads it into the tree
//! (the same totals as the listing, no LIST calls, "inventory as of" on screen: snapshots at
//! 80x24 and 120x30), and `E` writes an ncdu export of the tree on screen.

use crate::support::driven::Tui;
use chrono::{TimeZone, Utc};
use crossterm::event::KeyCode;
use s3scope::cli::demo_inventory::{self as inventory, CONFIG_ID, DESTINATION, PREFIX, SOURCE};
use s3scope_core::s3::client::Clients;
use s3scope_store::store::{EmbeddedServer, ServerOptions};
use s3scope_tui::event::Event;
use s3scope_tui::keymap::Keymap;
use s3scope_tui::runtime::Runtime;
use s3scope_tui::state::browse::{Origin, Phase};
use s3scope_tui::state::{State, Status};

const AK: &str = "BRINVAK";
const SK: &str = "browse-inventory-secret";

async fn clients(endpoint: &str) -> Clients {
    crate::support::clients::clients(endpoint, AK, SK).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browse_reads_the_inventory_report_and_exports_ncdu() {
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
    let now = Utc.with_ymd_and_hms(2025, 6, 30, 0, 0, 0).unwrap();
    tokio::task::spawn_blocking(move || inventory::seed(&store, now).unwrap())
        .await
        .unwrap();
    let clients = clients(&server.endpoint).await;
    {
        use aws_sdk_s3::types::*;
        let destination = InventoryS3BucketDestination::builder()
            .bucket(format!("arn:aws:s3:::{DESTINATION}"))
            .prefix(PREFIX.trim_end_matches('/'))
            .format(InventoryFormat::Parquet)
            .build()
            .unwrap();
        let config = InventoryConfiguration::builder()
            .id(CONFIG_ID)
            .is_enabled(true)
            .included_object_versions(InventoryIncludedObjectVersions::Current)
            .destination(
                InventoryDestination::builder()
                    .s3_bucket_destination(destination)
                    .build(),
            )
            .schedule(
                InventorySchedule::builder()
                    .frequency(InventoryFrequency::Daily)
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        clients
            .s3()
            .put_bucket_inventory_configuration()
            .bucket(SOURCE)
            .id(CONFIG_ID)
            .inventory_configuration(config)
            .send()
            .await
            .unwrap();
    }
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let runtime = Runtime::new(clients, tx).with_snapshot_dir(dir.path().join("cache"));
    let status = Status {
        profile: "test".into(),
        endpoint: "http://127.0.0.1:PORT".into(),
        ..Status::default()
    };
    let mut tui = Tui {
        state: State::new(status, Keymap::defaults().unwrap(), None),
        runtime,
        rx,
    };
    tui.send(Event::Resize {
        width: 120,
        height: 30,
    });

    // Opening the bucket scans it, and finds the report (the newest: the day before "now").
    tui.command(&format!("browse s3://{SOURCE}"));
    tui.until("the scan and the report", |s| {
        matches!(s.browse.phase, Phase::Done { .. }) && s.browse.inventory.is_some()
    })
    .await;
    let listed = tui.state.browse.totals.clone();
    let offer = tui.state.browse.inventory.clone().unwrap();
    assert_eq!(
        offer.as_of,
        Utc.with_ymd_and_hms(2025, 6, 29, 1, 0, 0).unwrap()
    );
    assert_eq!(offer.format, "Parquet");
    let screen = format!("{:?}", tui.screen(120, 30).backend());
    assert!(
        screen.contains("· I: inventory of 2025-06-29 01:00"),
        "{screen}"
    );

    // `I`: the report replaces the listing; every object older than the report is in it.
    tui.key(KeyCode::Char('I'));
    tui.until("the inventory read", |s| {
        matches!(s.browse.phase, Phase::Done { .. })
            && matches!(s.browse.origin, Some(Origin::Inventory { .. }))
    })
    .await;
    let read = tui.state.browse.totals.clone();
    assert!(
        read.objects > 0 && read.objects <= listed.objects,
        "{read:?} vs {listed:?}"
    );
    assert!(read.newest <= Some(offer.as_of.timestamp()));
    // The report is from 2025: far more than a day old.
    assert!(
        tui.state
            .browse
            .inventory_warnings
            .iter()
            .any(|w| w.contains("days old"))
    );
    // The cursor follows the prefix it was on while the report streamed in (which prefix led
    // first depends on which data file came first): put it on the top row for the screens.
    tui.key(KeyCode::Home);
    insta::assert_snapshot!("browse_inventory_120x30", tui.screen(120, 30).backend());
    insta::assert_snapshot!("browse_inventory_80x24", tui.screen(80, 24).backend());

    // `E`: the tree on screen as ncdu JSON, in the working directory.
    let cwd = std::env::current_dir().unwrap();
    tui.key(KeyCode::Char('E'));
    tui.until("the export", |s| {
        s.status
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("exported to"))
    })
    .await;
    let path = cwd.join(format!("s3scope-{SOURCE}-20250629T010000Z.ncdu.json"));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(doc[3][0]["name"], format!("s3://{SOURCE}"));
    assert_eq!(doc[3][0]["objects"], read.objects);
    assert!(
        doc[2]["source"]
            .as_str()
            .unwrap()
            .starts_with("inventory as of 2025-06-29")
    );
}
