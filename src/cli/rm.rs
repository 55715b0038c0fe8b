//! `s3scope rm`: delete one key, or everything under a prefix with `--recursive`, after showing
//! exactly what goes; asks on a terminal (the bucket name for a prefix), refuses otherwise.

use super::CliError;
use super::args::Format;
use super::output::{Table, write_json};
use super::progress::Reporter;
use humansize::{BINARY, format_size};
use s3scope_core::delete::{self, DeleteError, DeletePlan, DeleteReport, DeleteSet};
use s3scope_core::job::{Progress, Snapshot};
use s3scope_core::s3::client::Clients;
use s3scope_core::s3::location::S3Location;
use s3scope_core::text::escape_control;
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

#[derive(Debug, clap::Args)]
pub struct RmArgs {
    /// s3://BUCKET/KEY, or s3://BUCKET/PREFIX/ (or s3://BUCKET) with --recursive.
    pub location: S3Location,
    /// Delete everything under the prefix (a path without a trailing `/` is taken as `PATH/`).
    #[arg(long, short = 'r')]
    pub recursive: bool,
    /// Only show what would be deleted.
    #[arg(long)]
    pub dry_run: bool,
    /// Delete without asking (needed when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// table or json (the plan with --dry-run, else the report).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// The marks of a command line: one key, or one prefix with --recursive.
pub fn delete_set(a: &RmArgs) -> Result<DeleteSet, CliError> {
    let loc = &a.location;
    let mut set = DeleteSet::new(&loc.bucket);
    if a.recursive {
        let mut prefix = loc.key.clone();
        if !prefix.is_empty() && !prefix.ends_with('/') {
            prefix.push('/');
        }
        set.prefixes.push(prefix);
    } else if loc.key.is_empty() || loc.key.ends_with('/') {
        return Err(CliError::Usage(format!(
            "{loc} is a prefix: add --recursive to delete everything under it (see what first with --dry-run)"
        )));
    } else {
        set.keys.push(loc.key.clone());
    }
    Ok(set)
}

pub async fn run(clients: &Clients, a: RmArgs) -> Result<(), CliError> {
    let set = delete_set(&a)?;
    // Refused before a request is sent; a dry run only reads.
    if !a.dry_run {
        clients.check_writable("rm")?;
    }
    let progress = Arc::new(Progress::default());
    let label = format!("listing {}", a.location);
    let reporter = Reporter::start(&label, Arc::clone(&progress), |s: &Snapshot| {
        format!(
            "{} objects, {} ({} requests)",
            s.done,
            format_size(s.bytes, BINARY),
            s.calls
        )
    });
    let planned = delete::plan(clients, &set, &progress).await;
    reporter.finish().await;
    let plan = planned.map_err(delete_error)?;
    if plan.count == 0 {
        if let Some(k) = plan.missing_keys.first() {
            return Err(CliError::Runtime(format!(
                "s3://{}/{} does not exist: nothing deleted",
                plan.bucket,
                escape_control(k)
            )));
        }
        eprintln!("s3scope: nothing under {}: nothing to delete", a.location);
        if a.format == Format::Json && a.dry_run {
            write_json(&plan, &mut std::io::stdout().lock())?;
        }
        return Ok(());
    }
    if a.dry_run {
        let mut out = std::io::stdout().lock();
        if a.format == Format::Json {
            write_json(&plan, &mut out)?;
        } else {
            show_plan(&plan, &mut out)?;
        }
        return Ok(());
    }
    if !a.yes {
        confirm(&plan)?;
    }
    let writer = clients.writer(&plan.bucket, "rm").await?;
    let progress = Arc::new(Progress::default());
    let interrupt = interrupt_handler(progress.cancel.clone());
    let label = format!("deleting in s3://{}", plan.bucket);
    let reporter = Reporter::start(&label, Arc::clone(&progress), |s: &Snapshot| {
        format!(
            "{}/{} objects, {} ({} errors)",
            s.done,
            s.total.unwrap_or(0),
            format_size(s.bytes, BINARY),
            s.errors
        )
    });
    let result = delete::apply(&writer, &plan, &clients.endpoint_label(), &progress).await;
    reporter.finish().await;
    interrupt.abort();
    let report = result.map_err(delete_error)?;
    let mut out = std::io::stdout().lock();
    if a.format == Format::Json {
        write_json(&report, &mut out)?;
    } else {
        show_report(&report, &mut out)?;
    }
    finished(&report)
}

/// Exit status of a report: non-zero when a key was not deleted or the run was cancelled.
fn finished(report: &DeleteReport) -> Result<(), CliError> {
    if !report.failed.is_empty() {
        return Err(CliError::Runtime(format!(
            "{} of {} objects were not deleted (listed above)",
            report.failed.len(),
            report.failed.len() as u64 + report.count + report.not_sent
        )));
    }
    if report.cancelled {
        return Err(CliError::Runtime(format!(
            "cancelled: {} objects deleted, {} not sent; run the command again for the rest",
            report.count, report.not_sent
        )));
    }
    Ok(())
}

/// What will go, for a terminal or a log.
pub fn show_plan(plan: &DeletePlan, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "would delete {} objects, {} ({} bytes) in s3://{}",
        plan.count,
        format_size(plan.bytes, BINARY),
        plan.bytes,
        plan.bucket
    )?;
    for k in &plan.first_keys {
        writeln!(out, "  {}", escape_control(k))?;
    }
    if plan.count > plan.first_keys.len() as u64 {
        writeln!(
            out,
            "  ... and {} more",
            plan.count - plan.first_keys.len() as u64
        )?;
    }
    for k in &plan.missing_keys {
        writeln!(out, "not found (skipped): {}", escape_control(k))?;
    }
    if let Some(note) = plan.note() {
        writeln!(out, "{note}")?;
    }
    Ok(())
}

fn show_report(report: &DeleteReport, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "deleted {} objects, {} in s3://{}{}",
        report.count,
        format_size(report.bytes, BINARY),
        report.bucket,
        if report.versioned {
            " (delete markers added, versions kept)"
        } else {
            ""
        }
    )?;
    if !report.failed.is_empty() {
        let mut t = Table::new(&["not deleted", "why"]);
        for f in &report.failed {
            t.push(vec![f.key.clone(), f.error.clone()]);
        }
        t.write(Format::Table, out)?;
    }
    Ok(())
}

/// Asks on the terminal: the bucket name for a prefix delete, `y` for keys; refuses when
/// stdin is not a terminal.
fn confirm(plan: &DeletePlan) -> Result<(), CliError> {
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Usage(
            "refusing to delete without confirmation: stdin is not a terminal; add --yes (see what first with --dry-run)".into(),
        ));
    }
    let mut err = std::io::stderr().lock();
    show_plan(plan, &mut err)?;
    if plan.needs_typed_confirmation {
        write!(
            err,
            "type the bucket name ({}) to delete these {} objects: ",
            plan.bucket, plan.count
        )?;
    } else {
        write!(err, "delete these {} objects? [y/N] ", plan.count)?;
    }
    err.flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let yes = if plan.needs_typed_confirmation {
        plan.confirms(&line)
    } else {
        matches!(line.trim(), "y" | "Y" | "yes")
    };
    if yes {
        Ok(())
    } else {
        Err(CliError::Runtime("not confirmed: nothing deleted".into()))
    }
}

pub fn delete_error(e: DeleteError) -> CliError {
    match e {
        DeleteError::S3(e) => CliError::S3(e),
        DeleteError::Empty => CliError::Usage(e.to_string()),
        DeleteError::Cancelled => CliError::Runtime(e.to_string()),
    }
}

/// Ctrl-C stops starting new requests; a second one leaves at once.
pub fn interrupt_handler(cancel: CancellationToken) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!(
                "\ns3scope: stopping: requests in flight finish, nothing new starts (Ctrl-C again to leave now)"
            );
            cancel.cancel();
        }
        if tokio::signal::ctrl_c().await.is_ok() {
            std::process::exit(130);
        }
    })
}
