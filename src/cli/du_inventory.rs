//! `s3scope du ... --source inventory`: the tree from the bucket's S3 Inventory report, no LIST calls.

use super::CliError;
use super::args::DuArgs;
use super::progress::Reporter;
use humansize::{BINARY, format_size};
use s3scope_core::s3::client::Clients;
use s3scope_core::s3::location::S3Location;
use s3scope_core::scan::inventory::InventoryError;
use s3scope_core::scan::inventory::locate::ConfigRoot;
use s3scope_core::scan::inventory::open;
use s3scope_core::scan::inventory::read::ReadStats;
use s3scope_core::scan::ncdu::ExportInfo;
use s3scope_core::scan::report::{InventorySource, du_report};
use s3scope_core::scan::snapshot::SnapshotMeta;
use s3scope_core::scan::tree::PrefixTree;
use std::sync::atomic::Ordering;
use std::sync::{Arc, RwLock};
use std::time::Instant;
use tokio_util::sync::CancellationToken;

fn runtime(e: InventoryError) -> CliError {
    match e {
        InventoryError::S3(e) => CliError::S3(e),
        other => CliError::Runtime(other.to_string()),
    }
}

pub async fn run(
    clients: &Clients,
    a: &DuArgs,
    location: &S3Location,
    concurrency: usize,
    prices: Option<&s3scope_core::prices::Prices>,
) -> Result<(), CliError> {
    if a.multipart {
        return Err(CliError::Usage(
            "--multipart lists incomplete uploads, which inventory reports do not hold; drop it or use --source listing".into(),
        ));
    }
    let started = Instant::now();
    let root = a
        .inventory
        .as_ref()
        .map(|l| ConfigRoot::new(&l.bucket, &l.key));
    let report = open::find_report(clients, &location.bucket, &location.key, root)
        .await
        .map_err(runtime)?;
    let m = &report.manifest;
    let as_of = m.created;
    let label = format!(
        "reading the inventory of {location} as of {}",
        as_of.format("%Y-%m-%d %H:%M UTC")
    );
    let tree = Arc::new(RwLock::new(PrefixTree::new(&location.key, '/')));
    let stats = Arc::new(ReadStats::default());
    let cancel = CancellationToken::new();
    let files = m.files.len() as u64;
    let watch = stats.clone();
    // The read counts into its own stats; the job's progress follows the data files (done of
    // total) for the bar, and the line reads the stats.
    let progress = Arc::new(s3scope_core::job::Progress::new(&["inventory"]));
    progress.set_total(files);
    let files_of = progress.clone();
    let reporter = Reporter::start(&label, progress.clone(), move |_| {
        let done = watch.files_done.load(Ordering::Relaxed);
        files_of.set_done(done);
        format!(
            "{} rows, {} objects, {}; data files {done}/{files}, {} fetched",
            watch.rows.load(Ordering::Relaxed),
            watch.objects.load(Ordering::Relaxed),
            format_size(watch.bytes.load(Ordering::Relaxed), BINARY),
            format_size(watch.fetched.load(Ordering::Relaxed), BINARY),
        )
    });
    let ctrl_c = cancel.clone();
    let interrupt = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            ctrl_c.cancel();
        }
    });
    let result = open::read_tree(clients, &report, tree.clone(), concurrency, stats, cancel).await;
    interrupt.abort();
    reporter.finish().await;
    let summary = match result {
        Err(InventoryError::Cancelled) => {
            return Err(CliError::Runtime(
                "reading the inventory was interrupted; no report written".into(),
            ));
        }
        other => other.map_err(runtime)?,
    };
    let warnings = open::staleness(
        clients,
        &report,
        &location.bucket,
        &location.key,
        chrono::Utc::now(),
    )
    .await?;
    eprintln!(
        "s3scope: inventory as of {} ({}, {} data files, {} rows, {}; no LIST calls for the tree)",
        as_of.format("%Y-%m-%d %H:%M UTC"),
        s3scope_core::text::escape_control(&report.url()),
        summary.files,
        summary.rows,
        m.format.as_str(),
    );
    for w in &warnings {
        eprintln!("s3scope: warning: {w}");
    }
    let tree = tree
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let with_hidden = a.versions || m.has_versions();
    if let Some(path) = &a.save {
        let meta = SnapshotMeta {
            profile: clients.profile().name.clone(),
            endpoint: clients.endpoint_label(),
            bucket: location.bucket.clone(),
            prefix: location.key.clone(),
            scanned_at: as_of,
            elapsed_secs: started.elapsed().as_secs_f64(),
            list_calls: 0,
            versions: m.has_versions(),
            multipart: false,
        };
        super::du::save(path, &meta, &tree)?;
    }
    let mut report_rows = du_report(
        &tree,
        &location.bucket,
        a.depth,
        with_hidden,
        0,
        started.elapsed().as_secs_f64(),
    );
    report_rows.inventory = Some(InventorySource {
        manifest: report.url(),
        as_of,
        format: m.format.as_str().to_string(),
        data_files: summary.files,
        rows: summary.rows,
        warnings,
    });
    let export = ExportInfo {
        root_name: location.to_string().trim_end_matches('/').to_string(),
        timestamp: as_of.timestamp(),
        source: format!("inventory as of {}", as_of.to_rfc3339()),
    };
    let note = format!(" (inventory as of {})", as_of.format("%Y-%m-%d %H:%M UTC"));
    super::du::print(&tree, &report_rows, a, with_hidden, &export, &note, prices)
}
