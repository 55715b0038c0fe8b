//! `s3scope du s3://bucket[/prefix]`: scan and report sizes per storage class and per prefix.

use super::CliError;
use super::args::{DuArgs, DuFormat, DuSource, Format};
use super::output::{Table, write_json};
use super::progress::Reporter;
use humansize::{BINARY, format_size};
use s3scope_core::prices::{Cost, Prices, format_usd};
use s3scope_core::s3::client::Clients;
use s3scope_core::scan::hints;
use s3scope_core::scan::job::{self, ScanRequest};
use s3scope_core::scan::ncdu::{self, ExportInfo};
use s3scope_core::scan::report::{ClassTotal, DuReport, HiddenCosts, du_report, ordered_classes};
use s3scope_core::scan::snapshot::{self, SnapshotMeta};
use s3scope_core::scan::tree::PrefixTree;
use std::collections::BTreeMap;
use std::io::Write;

pub async fn run(
    clients: &Clients,
    a: &DuArgs,
    concurrency: usize,
    prices: Option<&Prices>,
) -> Result<(), CliError> {
    let Some(location) = &a.location else {
        return Err(CliError::Usage(
            "du needs s3://BUCKET[/PREFIX], or --diff OLD NEW".into(),
        ));
    };
    if let Some(path) = &a.save {
        check_save_path(path)?;
    }
    if a.source == DuSource::Inventory {
        return super::du_inventory::run(clients, a, location, concurrency, prices).await;
    }
    if a.inventory.is_some() {
        return Err(CliError::Usage(
            "--inventory names a report to read: add --source inventory".into(),
        ));
    }
    // An earlier snapshot of the location (the TUI caches one per scan) gives the first cuts
    // and the count that makes a percentage.
    let (hints, expected) = hints::from_cache(
        &clients.profile().name,
        &location.bucket,
        &location.key,
        hints::parts_for(concurrency),
    );
    let scan = job::start(ScanRequest {
        bucket: location.bucket.clone(),
        prefix: location.key.clone(),
        concurrency,
        versions: a.versions,
        multipart: a.multipart,
        hints,
    });
    let label = format!("scanning {location}");
    let reporter = Reporter::start(&label, std::sync::Arc::clone(&scan.progress), move |c| {
        let mut line = format!(
            "{} objects, {}, {} LIST calls, {:.0} pages/s",
            c.done,
            format_size(c.bytes, BINARY),
            c.calls,
            c.calls_per_sec()
        );
        if let Some((pct, eta)) = expected.and_then(|n| c.progress_of(n)) {
            line.push_str(&format!(
                ", ~{pct:.0}% of the last scan's {n}, ETA {eta}s",
                n = expected.unwrap_or(0),
                eta = eta.as_secs()
            ));
        }
        line
    });
    let ctrl_c = scan.progress.cancel.clone();
    let interrupt = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            ctrl_c.cancel();
        }
    });
    let result = job::run(&scan, clients).await;
    interrupt.abort();
    reporter.finish().await;
    let counters = result?;
    if scan.progress.cancel.is_cancelled() {
        return Err(CliError::Runtime(
            "scan interrupted; no report written".into(),
        ));
    }
    let tree = scan
        .tree
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let with_hidden = a.versions || a.multipart;
    let scanned_at = chrono::Utc::now();
    if let Some(path) = &a.save {
        let meta = SnapshotMeta {
            profile: clients.profile().name.clone(),
            endpoint: clients.endpoint_label(),
            bucket: location.bucket.clone(),
            prefix: location.key.clone(),
            scanned_at,
            elapsed_secs: counters.elapsed.as_secs_f64(),
            list_calls: counters.calls,
            versions: a.versions,
            multipart: a.multipart,
        };
        save(path, &meta, &tree)?;
    }
    let report = du_report(
        &tree,
        &location.bucket,
        a.depth,
        with_hidden,
        counters.calls,
        counters.elapsed.as_secs_f64(),
    );
    let export = ExportInfo {
        root_name: location.to_string().trim_end_matches('/').to_string(),
        timestamp: scanned_at.timestamp(),
        source: "listing".into(),
    };
    if let Some(p) = prices {
        eprintln!(
            "s3scope: {} LIST calls, about {} at ${}/1,000",
            counters.calls,
            format_usd(p.list_cost(counters.calls)),
            p.values.list.0
        );
    }
    print(&tree, &report, a, with_hidden, &export, "", prices)
}

/// Saves the tree as a snapshot file and says so on stderr.
pub(super) fn save(
    path: &std::path::Path,
    meta: &SnapshotMeta,
    tree: &PrefixTree,
) -> Result<(), CliError> {
    let size = snapshot::save(path, meta, tree).map_err(|e| CliError::Runtime(e.to_string()))?;
    eprintln!(
        "s3scope: snapshot saved to {} ({})",
        s3scope_core::text::escape_control(&path.display().to_string()),
        format_size(size, BINARY)
    );
    Ok(())
}

/// Prints the report in the asked format; `total_note` follows the TOTAL row's location
/// (e.g. "inventory as of ...").
pub(super) fn print(
    tree: &PrefixTree,
    report: &DuReport,
    a: &DuArgs,
    with_hidden: bool,
    export: &ExportInfo,
    total_note: &str,
    prices: Option<&Prices>,
) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    let mut priced;
    let report = match prices {
        Some(p) => {
            priced = report.clone();
            priced.price(p);
            &priced
        }
        None => report,
    };
    if a.format == DuFormat::Ncdu {
        ncdu::write(tree, export, &mut out)?;
        return Ok(());
    }
    if a.format == Format::Json {
        write_json(report, &mut out)?;
        return Ok(());
    }
    let bytes = |b: u64| {
        if a.format == Format::Table {
            format_size(b, BINARY)
        } else {
            b.to_string()
        }
    };
    let class_names: Vec<String> =
        ordered_classes(report.storage_classes.keys().map(String::as_str))
            .into_iter()
            .map(String::from)
            .collect();
    let mut headers = vec!["prefix", "objects", "bytes"];
    if prices.is_some() {
        headers.push("Cost/mo");
    }
    headers.extend(class_names.iter().map(String::as_str));
    if with_hidden {
        headers.extend(["noncurrent", "delete_markers", "uploads", "upload_bytes"]);
    }
    let n = headers.len();
    let mut t = Table::new(&headers).align_right(&(1..n).collect::<Vec<_>>());
    let row = |prefix: String,
               objects: u64,
               total: u64,
               classes: &BTreeMap<String, ClassTotal>,
               hidden: &Option<HiddenCosts>,
               cost: &Option<Cost>| {
        let mut r = vec![prefix, objects.to_string(), bytes(total)];
        if prices.is_some() {
            r.push(match cost {
                Some(c) if a.format == Format::Table => format_usd(c.monthly_usd),
                Some(c) => c.monthly_usd.to_string(),
                None => "-".into(),
            });
        }
        r.extend(class_names.iter().map(|c| {
            classes
                .get(c)
                .map_or_else(|| "-".into(), |v| bytes(v.bytes))
        }));
        if let Some(h) = hidden {
            r.extend([
                bytes(h.noncurrent_bytes),
                h.delete_markers.to_string(),
                h.incomplete_uploads.to_string(),
                bytes(h.incomplete_upload_bytes),
            ]);
        }
        r
    };
    for p in &report.prefixes {
        let indent = if a.format == Format::Table {
            "  ".repeat(p.depth - 1)
        } else {
            String::new()
        };
        t.push(row(
            format!("{indent}{}", p.prefix),
            p.objects,
            p.bytes,
            &p.storage_classes,
            &p.hidden,
            &p.cost,
        ));
    }
    t.push(row(
        format!("TOTAL s3://{}/{}{total_note}", report.bucket, report.prefix),
        report.objects,
        report.bytes,
        &report.storage_classes,
        &report.hidden,
        &report.cost,
    ));
    t.write(a.format.common(), &mut out)?;
    out.flush()?;
    Ok(())
}

/// Fails before a long scan when its snapshot could not be written where asked.
pub(super) fn check_save_path(path: &std::path::Path) -> Result<(), CliError> {
    let shown = s3scope_core::text::escape_control(&path.display().to_string()).into_owned();
    if path.is_dir() {
        return Err(CliError::Usage(format!(
            "--save {shown}: is a directory; give a file name such as {shown}/scan.s3snap"
        )));
    }
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => Err(CliError::Usage(format!(
            "--save {shown}: directory {} does not exist; create it first",
            s3scope_core::text::escape_control(&dir.display().to_string())
        ))),
        _ => Ok(()),
    }
}
