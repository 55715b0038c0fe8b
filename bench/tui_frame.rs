//! Benchmark: TUI frame time while a scan streams into the Browse pane.
//!
//! `cargo run --release --example tui_frame -- DIR N` seeds (once per DIR) bucket `frames` on the
//! embedded server with N objects: ~88% in a date-partitioned tree (10 tenants x 12 months x
//! 28 days), 5% under `wide/` (one child prefix each: a prefix with thousands of children),
//! 7% directly in `flat/`. It then opens `:browse s3://frames` through the real update/runtime,
//! and while the scan runs draws the Browse pane into a 160x48 TestBackend every 16 ms.
//! A frame = applying the pending events (progress rebuilds the rows from the shared tree under
//! a read lock) + drawing. Afterwards it measures moving through `wide/` with the scan done.
//! Prints p50/p99/max of both.

use bytes::Bytes;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use s3scope_core::config::{Credentials, Profile, Secret};
use s3scope_core::s3::client::Clients;
use s3scope_store::{EmbeddedServer, PutOptions, ServerOptions, StorageClass};
use s3scope_tui::event::Event;
use s3scope_tui::keymap::Keymap;
use s3scope_tui::runtime::Runtime;
use s3scope_tui::state::browse::Phase;
use s3scope_tui::state::{State, Status};
use s3scope_tui::theme::Theme;
use s3scope_tui::{ui, update};
use std::time::{Duration, Instant};

const AK: &str = "FRAMEBENCHAK";
const SK: &str = "frame-bench-secret";
const MARKER: &str = "tui-frame-seeded";

fn key_of(i: usize, n: usize) -> String {
    let wide = n / 20;
    let flat = n * 7 / 100;
    if i < wide {
        format!("wide/item-{i:06}/data.bin")
    } else if i < wide + flat {
        format!("flat/obj-{i:07}.bin")
    } else {
        let j = i - wide - flat;
        let (t, m, d) = (j % 10, (j / 10) % 12, (j / 120) % 28);
        format!(
            "tenant-{t:02}/year=2024/month={:02}/day={:02}/part-{i:07}.parquet",
            m + 1,
            d + 1
        )
    }
}

fn seed(
    server: &EmbeddedServer,
    dir: &std::path::Path,
    n: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    if dir.join(MARKER).exists() {
        return Ok(());
    }
    let store = server.store();
    store.create_bucket("frames")?;
    let pool = Bytes::from(vec![7u8; 4096]);
    let classes = [
        StorageClass::Standard,
        StorageClass::StandardIa,
        StorageClass::Glacier,
        StorageClass::DeepArchive,
    ];
    let started = Instant::now();
    for i in 0..n {
        let opts = PutOptions {
            storage_class: classes[(i / 3) % 4],
            ..PutOptions::default()
        };
        let size = 64 + (i * 7919) % 4000;
        store.put_object("frames", &key_of(i, n), pool.slice(..size), opts)?;
        if i % 50_000 == 0 && i > 0 {
            eprintln!(
                "  seeded {i} objects ({:.0}/s)",
                i as f64 / started.elapsed().as_secs_f64()
            );
        }
    }
    store.sync()?;
    std::fs::write(dir.join(MARKER), n.to_string())?;
    Ok(())
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(name: &str, mut v: Vec<f64>) {
    v.sort_by(f64::total_cmp);
    println!(
        "{name:<34} frames {:>5}  p50 {:>6.2} ms  p99 {:>6.2} ms  max {:>6.2} ms",
        v.len(),
        pct(&v, 0.5),
        pct(&v, 0.99),
        v.last().copied().unwrap_or(0.0)
    );
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir: std::path::PathBuf = std::env::args()
        .nth(1)
        .ok_or("usage: tui_frame DIR [N]")?
        .into();
    let n: usize = std::env::args().nth(2).map_or(Ok(200_000), |v| v.parse())?;
    std::fs::create_dir_all(&dir)?;
    let server = EmbeddedServer::start(ServerOptions {
        dir: dir.join("store"),
        port: 0,
        access_key: AK.into(),
        secret_key: SK.into(),
        region: "us-east-1".into(),
    })
    .await?;
    eprintln!("seeding {n} objects into {} (once)...", dir.display());
    let seeded = Instant::now();
    seed(&server, &dir, n)?;
    eprintln!("  ready after {:.1} s", seeded.elapsed().as_secs_f64());

    let clients = Clients::new(&Profile {
        name: "bench".into(),
        endpoint: Some(url::Url::parse(&server.endpoint)?),
        region: Some("us-east-1".into()),
        path_style: true,
        aws_profile: None,
        credentials: Credentials::Static {
            access_key_id: AK.into(),
            secret_access_key: Secret::new(SK),
            origin: "bench".into(),
        },
        ca_bundle: None,
        read_only: false,
        rgw_admin: false,
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(30),
        max_attempts: 2,
    })
    .await?;
    let snapshots = tempfile::tempdir()?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runtime = Runtime::new(clients, tx).with_snapshot_dir(snapshots.path().to_path_buf());
    let status = Status {
        profile: "bench".into(),
        endpoint: server.endpoint.clone(),
        ..Status::default()
    };
    let mut state = State::new(status, Keymap::defaults()?, None);
    let mut terminal = Terminal::new(TestBackend::new(160, 48))?;
    let theme = Theme::color();
    let mut sink = Vec::new();
    let mut apply = |state: &mut State, runtime: &mut Runtime, ev: Event| -> std::io::Result<()> {
        for fx in update::update(state, ev) {
            runtime.execute(fx, &mut sink)?;
        }
        Ok(())
    };
    apply(
        &mut state,
        &mut runtime,
        Event::Resize {
            width: 160,
            height: 48,
        },
    )?;
    let key = |c: KeyCode| Event::Key(KeyEvent::new(c, KeyModifiers::NONE));
    apply(&mut state, &mut runtime, key(KeyCode::Char(':')))?;
    for c in "browse s3://frames".chars() {
        apply(&mut state, &mut runtime, key(KeyCode::Char(c)))?;
    }
    apply(&mut state, &mut runtime, key(KeyCode::Enter))?;

    let mut frames = Vec::new();
    let mut draws = Vec::new();
    let started = Instant::now();
    loop {
        let t0 = Instant::now();
        while let Ok(ev) = rx.try_recv() {
            apply(&mut state, &mut runtime, ev)?;
        }
        let t1 = Instant::now();
        terminal.draw(|f| ui::draw(f, &state, theme))?;
        let t2 = Instant::now();
        if matches!(state.browse.phase, Phase::Scanning { .. }) {
            frames.push((t2 - t0).as_secs_f64() * 1e3);
            draws.push((t2 - t1).as_secs_f64() * 1e3);
        }
        match &state.browse.phase {
            Phase::Done { .. } => break,
            Phase::Failed { message } => return Err(message.clone().into()),
            _ => {}
        }
        if started.elapsed() > Duration::from_secs(600) {
            return Err("the scan took more than 10 minutes".into());
        }
        tokio::time::sleep(Duration::from_millis(16)).await;
    }
    let scan_secs = started.elapsed().as_secs_f64();
    let objects = state.browse.totals.objects;
    let prefixes = state
        .browse
        .tree
        .as_ref()
        .map_or(0, |t| t.read().nodes.len());
    // The automatic snapshot of the finished scan: its size and how fast it reopens.
    while state.browse.saved.is_none() {
        let ev = tokio::time::timeout(Duration::from_secs(60), rx.recv())
            .await?
            .ok_or("runtime gone")?;
        apply(&mut state, &mut runtime, ev)?;
    }
    let saved = state
        .browse
        .saved
        .clone()
        .ok_or("no snapshot")?
        .map_err(|e| e.to_string())?;
    let snap_bytes = std::fs::metadata(&saved)?.len();
    let t = Instant::now();
    let loaded = s3scope_core::scan::snapshot::load(&saved)?;
    let load_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let encoded = s3scope_core::scan::snapshot::encode(&loaded.meta, &loaded.tree);
    let encode_ms = t.elapsed().as_secs_f64() * 1e3;
    assert_eq!(encoded.len() as u64, snap_bytes);

    // Moving in `wide/` (a prefix with n/20 children) once the tree is complete.
    let at = state
        .browse
        .rows
        .iter()
        .position(|r| r.name == "wide/")
        .ok_or("no wide/")?;
    for _ in 0..at {
        apply(&mut state, &mut runtime, key(KeyCode::Down))?;
    }
    let mut wide = Vec::new();
    let t = Instant::now();
    apply(&mut state, &mut runtime, key(KeyCode::Enter))?;
    terminal.draw(|f| ui::draw(f, &state, theme))?;
    let enter_ms = t.elapsed().as_secs_f64() * 1e3;
    let children = state.browse.rows.len();
    for i in 0..300 {
        let t0 = Instant::now();
        let k = if i % 50 == 49 {
            KeyCode::Char('n')
        } else {
            KeyCode::PageDown
        };
        apply(&mut state, &mut runtime, key(k))?;
        terminal.draw(|f| ui::draw(f, &state, theme))?;
        wide.push(t0.elapsed().as_secs_f64() * 1e3);
    }

    println!(
        "scan of s3://frames: {objects} objects, {prefixes} prefixes in {scan_secs:.1} s (TUI drawing every 16 ms)"
    );
    report("frame while scanning (update+draw)", frames);
    report("draw only while scanning", draws);
    println!(
        "snapshot: {snap_bytes} bytes ({:.1} bytes/object), encode {encode_ms:.0} ms, load {load_ms:.0} ms",
        snap_bytes as f64 / objects.max(1) as f64
    );
    println!("enter wide/ ({children} children): {enter_ms:.2} ms");
    report("PageDown/sort in wide/ (update+draw)", wide);
    server.shutdown().await;
    Ok(())
}
