//! `s3scope cleanup`: the preview of what hidden costs go (counts, bytes, monthly saving),
//! saved as the plan; with `--yes`, exactly that plan applied, journaled, resumable.

use super::CliError;
use super::lifecycle::parse_age;
use super::output::{Table, write_json};
use super::progress::Reporter;
use super::rm::interrupt_handler;
use humansize::{BINARY, format_size};
use s3scope_core::cleanup::{
    self, Age, CleanupError, CleanupItem, CleanupPlan, CleanupReport, CleanupSpec, Paths,
};
use s3scope_core::job::{Progress, Snapshot};
use s3scope_core::prices::{Prices, format_usd};
use s3scope_core::s3::client::Clients;
use s3scope_core::s3::location::S3Location;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// A saved preview older than this is planned afresh by `--yes`.
const PREVIEW_VALID: chrono::TimeDelta = chrono::TimeDelta::hours(24);
/// Items listed in the table preview (json lists them all).
const SHOWN: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CleanupFormat {
    Table,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct CleanupArgs {
    /// s3://BUCKET or s3://BUCKET/PREFIX.
    pub location: S3Location,
    /// Abort incomplete multipart uploads initiated longer ago than AGE (7d, 12h, 30m, 2w).
    #[arg(long, value_name = "AGE", value_parser = parse_age)]
    pub uploads_older_than: Option<Age>,
    /// Delete versions that have been noncurrent for longer than AGE.
    #[arg(long, value_name = "AGE", value_parser = parse_age)]
    pub noncurrent_older_than: Option<Age>,
    /// Also delete delete markers that hide nothing (noncurrent ones, and current ones with
    /// no version left behind them).
    #[arg(long)]
    pub delete_markers: bool,
    /// Remove them. Without it: only the preview, saved as the plan `--yes` then applies.
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[arg(long, value_enum, default_value_t = CleanupFormat::Table)]
    pub format: CleanupFormat,
    /// Directory of the saved plan and the journal (default: the state dir's cleanup/,
    /// ~/.local/state/s3scope/cleanup; files 0600 in a 0700 dir).
    #[arg(long, value_name = "DIR")]
    pub journal_dir: Option<PathBuf>,
}

pub async fn run(
    clients: &Clients,
    a: CleanupArgs,
    prices: Option<&Prices>,
) -> Result<(), CliError> {
    let spec = CleanupSpec {
        bucket: a.location.bucket.clone(),
        prefix: a.location.key.clone(),
        uploads_older_than: a.uploads_older_than,
        noncurrent_older_than: a.noncurrent_older_than,
        delete_markers: a.delete_markers,
        as_of: chrono::Utc::now(),
    };
    if spec.is_empty() {
        return Err(CliError::Usage(CleanupError::Empty.to_string()));
    }
    if a.yes {
        // Refused before a request is sent.
        clients.check_writable("cleanup")?;
    }
    let paths = Paths::of(&spec, &clients.profile().name, a.journal_dir.as_deref());
    let s3 = clients.s3_for_bucket(&spec.bucket).await?;
    let endpoint = clients.endpoint_label();
    let (plan, origin) = match a.yes.then(|| saved(&paths)).transpose()?.flatten() {
        Some(found) => found,
        None => {
            let progress = Arc::new(Progress::default());
            let reporter = Reporter::start(
                &format!("listing {}", a.location),
                Arc::clone(&progress),
                |s: &Snapshot| format!("{} versions and uploads ({} LIST calls)", s.done, s.calls),
            );
            let planned = cleanup::plan(&s3, &endpoint, &spec, prices, &progress).await;
            reporter.finish().await;
            let plan = planned.map_err(cleanup_error)?;
            cleanup::save_plan(&plan, &paths.plan).map_err(cleanup_error)?;
            (plan, None)
        }
    };
    if !a.yes {
        let mut out = std::io::stdout().lock();
        match a.format {
            CleanupFormat::Json => write_json(&plan, &mut out)?,
            CleanupFormat::Table => show_plan(&plan, &mut out)?,
        }
        if plan.items.is_empty() {
            eprintln!("s3scope: nothing to clean up under {}", a.location);
        } else {
            eprintln!(
                "s3scope: preview saved to {}; run the same command with --yes within 24 h to remove exactly these",
                paths.plan.display()
            );
            if clients.profile().read_only {
                eprintln!(
                    "s3scope: note: profile `{}` is read-only: --yes will be refused",
                    clients.profile().name
                );
            }
        }
        return Ok(());
    }
    if let Some(o) = &origin {
        eprintln!("s3scope: {o}");
    }
    let writer = clients.writer(&spec.bucket, "cleanup").await?;
    let progress = Arc::new(Progress::default());
    let interrupt = interrupt_handler(progress.cancel.clone());
    let reporter = Reporter::start(
        &format!("cleaning s3://{}", spec.bucket),
        Arc::clone(&progress),
        |s: &Snapshot| {
            format!(
                "{}/{} items, {} ({} errors)",
                s.done,
                s.total.unwrap_or(0),
                format_size(s.bytes, BINARY),
                s.errors
            )
        },
    );
    let result = cleanup::apply(&writer, &plan, &endpoint, &paths.journal, &progress).await;
    reporter.finish().await;
    interrupt.abort();
    let report = result.map_err(cleanup_error)?;
    let saving =
        prices.map(|p| p.monthly_all(report.bytes_by_class.iter().map(|(c, b)| (c.as_str(), *b))));
    let mut out = std::io::stdout().lock();
    match a.format {
        CleanupFormat::Json => write_json(&report, &mut out)?,
        CleanupFormat::Table => show_report(&report, saving, &mut out)?,
    }
    if !report.failed.is_empty() {
        return Err(CliError::Runtime(format!(
            "{} items were not removed (listed above); run the command again to retry them",
            report.failed.len()
        )));
    }
    if report.cancelled {
        return Err(CliError::Runtime(format!(
            "cancelled with {} items left: run the same command with --yes to resume",
            report.not_sent
        )));
    }
    Ok(())
}

/// The saved plan `--yes` applies: a killed run's (resumed), or a fresh preview's.
fn saved(paths: &Paths) -> Result<Option<(CleanupPlan, Option<String>)>, CliError> {
    let Some(plan) = cleanup::load_plan(&paths.plan).map_err(cleanup_error)? else {
        return Ok(None);
    };
    let past = cleanup::read_journal(&paths.journal, &plan.id).map_err(cleanup_error)?;
    if past.unfinished() {
        let done = plan
            .items
            .iter()
            .filter(|i| past.removed.contains(&i.id()))
            .count();
        return Ok(Some((
            plan.clone(),
            Some(format!(
                "resuming an unfinished run ({done} of {} items already removed; journal {})",
                plan.items.len(),
                paths.journal.display()
            )),
        )));
    }
    let age = chrono::Utc::now() - plan.spec.as_of;
    if past.finished_runs == 0 && age < PREVIEW_VALID {
        let at = plan.spec.as_of.format("%Y-%m-%d %H:%M:%S UTC");
        return Ok(Some((
            plan,
            Some(format!("applying the preview made at {at}")),
        )));
    }
    Ok(None)
}

fn cleanup_error(e: CleanupError) -> CliError {
    match e {
        CleanupError::S3(e) => CliError::S3(e),
        CleanupError::Empty => CliError::Usage(e.to_string()),
        e => CliError::Runtime(e.to_string()),
    }
}

fn usd(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), format_usd)
}

fn show_plan(plan: &CleanupPlan, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &plan.spec;
    writeln!(
        out,
        "cleanup of s3://{}/{} as of {}",
        s.bucket,
        s.prefix,
        s.as_of.format("%Y-%m-%d %H:%M:%S UTC")
    )?;
    let age = |a: Option<Age>| a.map_or_else(String::new, |a| format!(" (> {a})"));
    let mut t =
        Table::new(&["would remove", "count", "bytes", "per month"]).align_right(&[1, 2, 3]);
    let kinds = [
        (
            format!("incomplete uploads{}", age(s.uploads_older_than)),
            plan.uploads,
        ),
        (
            format!("noncurrent versions{}", age(s.noncurrent_older_than)),
            plan.versions,
        ),
        ("delete markers".to_string(), plan.delete_markers),
    ];
    let prices_known = plan.monthly_saving_usd.is_some();
    for (name, tally) in kinds {
        t.push(vec![
            name,
            tally.count.to_string(),
            format_size(tally.bytes, BINARY),
            String::new(),
        ]);
    }
    let total = plan.total();
    t.push(vec![
        "total".into(),
        total.count.to_string(),
        format_size(total.bytes, BINARY),
        if prices_known {
            usd(plan.monthly_saving_usd)
        } else {
            "-".into()
        },
    ]);
    t.write(super::args::Format::Table, out)?;
    if plan.items.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    let mut items =
        Table::new(&["kind", "key", "version / upload", "bytes", "since"]).align_right(&[3]);
    for i in plan.items.iter().take(SHOWN) {
        let (id, when) = match i {
            CleanupItem::Upload {
                upload_id,
                initiated,
                ..
            } => (upload_id.clone(), Some(*initiated)),
            CleanupItem::Version {
                version_id,
                noncurrent_since,
                ..
            } => (version_id.clone(), Some(*noncurrent_since)),
            CleanupItem::DeleteMarker {
                version_id,
                last_modified,
                latest,
                ..
            } => (
                format!("{version_id}{}", if *latest { " (current)" } else { "" }),
                *last_modified,
            ),
        };
        items.push(vec![
            i.kind().into(),
            i.key().into(),
            id,
            format_size(i.bytes(), BINARY),
            when.map_or_else(String::new, |w| w.format("%Y-%m-%d %H:%M").to_string()),
        ]);
    }
    items.write(super::args::Format::Table, out)?;
    if plan.items.len() > SHOWN {
        writeln!(
            out,
            "... and {} more (--format json lists them all)",
            plan.items.len() - SHOWN
        )?;
    }
    Ok(())
}

fn show_report(
    report: &CleanupReport,
    saving: Option<f64>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let r = report.removed();
    writeln!(
        out,
        "removed {} items, {} from s3://{}: {} uploads aborted, {} versions and {} delete markers deleted{}",
        r.count,
        format_size(r.bytes, BINARY),
        report.bucket,
        report.uploads.count,
        report.versions.count,
        report.delete_markers.count,
        saving.map_or_else(String::new, |s| format!(
            "; saves {} per month",
            format_usd(s)
        ))
    )?;
    if report.already_done > 0 {
        writeln!(
            out,
            "{} items had been removed by an earlier run",
            report.already_done
        )?;
    }
    writeln!(out, "journal: {}", report.journal.display())?;
    if !report.failed.is_empty() {
        let mut t = Table::new(&["not removed", "key", "version / upload", "why"]);
        for f in &report.failed {
            t.push(vec![
                f.kind.into(),
                f.key.clone(),
                f.id.clone(),
                f.error.clone(),
            ]);
        }
        t.write(super::args::Format::Table, out)?;
    }
    Ok(())
}
