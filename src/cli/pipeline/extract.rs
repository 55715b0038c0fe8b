//! `s3scope extract` over one profile, or over several, each into its own `site=<profile>/`.

use super::{
    ExtractArgs, ListingFrom, check_sites, named_sites, pipeline_err, refuse_read_only, settings,
    site_args, warn_unpartitioned, window, with_progress,
};
use crate::cli::args::{Format, GlobalArgs};
use crate::cli::output::{Table, write_json};
use crate::cli::{CliError, connect};
use s3scope_core::config::Config;
use s3scope_core::instants::{Period, Window};
use s3scope_core::job::Progress;
use s3scope_core::pipeline::PipelineError;
use s3scope_core::pipeline::extract::{ExtractReport, ExtractRequest, SourceName, extract, stages};
use s3scope_core::pipeline::sites;
use s3scope_core::pipeline::storage::Storage;
use s3scope_core::s3::client::Clients;
use s3scope_core::text::escape_control;
use std::io::Write;
use std::sync::Arc;

pub async fn run_extract(a: ExtractArgs, config: &Config, g: &GlobalArgs) -> Result<(), CliError> {
    let window = window(&a.since, &a.until, &a.period, Period::DAY)?;
    let (s, data_dir) = settings(&a.pipeline, config)?;
    let named = named_sites(g, &s);
    let several = named.as_ref().is_some_and(|n| n.len() > 1);
    let wanted: Vec<Option<String>> = match named {
        Some(names) => names.into_iter().map(Some).collect(),
        None => vec![None],
    };
    // Every profile resolves and connects before anything is collected: a typo is exit 2.
    let mut clients: Vec<Clients> = Vec::new();
    for name in &wanted {
        clients.push(connect(config, &site_args(g, name.as_deref(), several)?).await?);
    }
    let Some(first) = clients.first() else {
        return Err(CliError::Usage("no profile to extract".into()));
    };
    refuse_read_only(first, &data_dir, "--data-dir")?;
    let base = Storage::open(&data_dir, Some(first))
        .await
        .map_err(pipeline_err)?;
    // A data dir that cannot be written is refused (exit 2) before it is even looked into.
    base.check_writable().await.map_err(pipeline_err)?;
    let names: Vec<String> = clients.iter().map(|c| c.profile().name.clone()).collect();
    let partitioned = several || !sites::found(&base).await.map_err(pipeline_err)?.is_empty();
    if !partitioned {
        let report = extract_one(&a, config, first, &base, window, None)
            .await
            .map_err(pipeline_err)?;
        return single(&a, &report);
    }
    check_sites(&names)?;
    warn_unpartitioned(
        sites::unpartitioned(&base).await.map_err(pipeline_err)?,
        &data_dir,
    );
    let mut results: Vec<(String, Result<ExtractReport, PipelineError>)> = Vec::new();
    for (name, c) in names.iter().zip(&clients) {
        let data = base.child(&sites::dir(name)).map_err(pipeline_err)?;
        let r = extract_one(&a, config, c, &data, window, Some(name)).await;
        if let Err(PipelineError::Cancelled) = r {
            return Err(pipeline_err(PipelineError::Cancelled));
        }
        results.push((name.clone(), r));
    }
    if results.len() == 1
        && let Some((_, r)) = results.pop()
    {
        return single(&a, &r.map_err(pipeline_err)?);
    }
    several_sites(&a, &results)
}

/// One site's extract into `data` (its partition, or the data dir itself without sites).
async fn extract_one(
    a: &ExtractArgs,
    config: &Config,
    clients: &Clients,
    data: &Storage,
    window: Window,
    site: Option<&str>,
) -> Result<ExtractReport, PipelineError> {
    let usage_source = if a.sources.contains(&SourceName::Usage) {
        let flags = s3scope_core::usage::UsageOptions {
            log_bucket: a.log_bucket.clone(),
            log_prefix: a.log_prefix.clone(),
            ..Default::default()
        };
        let settings =
            s3scope_core::usage::UsageOptions::from_config(config, &clients.profile().name)
                .map_err(|e| PipelineError::Usage(e.to_string()))?
                .overlaid_by(flags)
                .resolve();
        // No usable source is the usage collector's recorded failure, not a refusal.
        settings.source(clients.profile()).ok()
    } else {
        None
    };
    let req = ExtractRequest {
        window,
        sources: a.sources.clone(),
        buckets: a.buckets.clone(),
        versions: a.versions,
        concurrency: a.concurrency.clamp(1, 256),
        usage_source,
        listing_from_inventory: a.from == ListingFrom::Inventory,
    };
    let progress = Arc::new(Progress::new(&stages(&req)));
    let label = match site {
        Some(s) => format!("extract site={s} {window}"),
        None => format!("extract {window}"),
    };
    with_progress(
        &label,
        Arc::clone(&progress),
        extract(clients, data, &req, &progress),
    )
    .await
}

fn seconds(c: &s3scope_core::pipeline::manifest::CollectorStatus) -> String {
    format!("{:.1}", (c.stopped - c.started).as_seconds_f64())
}

/// The failed sources of a package as one line, or None when every source answered.
fn failed_line(report: &ExtractReport) -> Option<String> {
    let failures = report.failures();
    if failures.is_empty() {
        return None;
    }
    let names: Vec<String> = failures.iter().map(|(n, e)| format!("{n}: {e}")).collect();
    let rest = if failures.len() == report.manifest.collectors.len() {
        "its manifest records why"
    } else {
        "holds the others"
    };
    Some(format!(
        "{} source(s) failed ({}); the package at {} {rest}",
        failures.len(),
        names.join("; "),
        report.package
    ))
}

/// The output of one site (the layout and exit status of a single-profile extract).
fn single(a: &ExtractArgs, report: &ExtractReport) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match a.format {
        Format::Json => write_json(report, &mut out)?,
        f => {
            let mut t = Table::new(&["collector", "success", "rows", "seconds", "error"])
                .align_right(&[2, 3]);
            for c in &report.manifest.collectors {
                t.push(vec![
                    c.name.clone(),
                    c.success.to_string(),
                    c.rows.to_string(),
                    seconds(c),
                    c.error.clone().unwrap_or_default(),
                ]);
            }
            t.write(f, &mut out)?;
            if f == Format::Table {
                writeln!(
                    out,
                    "package: {}  ({} files, {:.1}s)",
                    escape_control(&report.package),
                    report.manifest.files.len(),
                    report.elapsed_secs
                )?;
            }
        }
    }
    out.flush()?;
    match failed_line(report) {
        Some(line) => Err(CliError::Runtime(line)),
        None => Ok(()),
    }
}

/// The output of several sites: one table with a site column (JSON: `sites[]`), one stderr
/// line per site that is not complete, exit 0 when all are, 1 when some are not (2 when none
/// could even start for a reason in the input).
fn several_sites(
    a: &ExtractArgs,
    results: &[(String, Result<ExtractReport, PipelineError>)],
) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match a.format {
        Format::Json => {
            let sites: Vec<serde_json::Value> = results
                .iter()
                .map(|(site, r)| match r {
                    Ok(rep) => serde_json::json!({
                        "site": site, "ok": rep.failures().is_empty(),
                        "package": rep.package, "manifest": rep.manifest,
                        "elapsed_secs": rep.elapsed_secs,
                    }),
                    Err(e) => {
                        serde_json::json!({ "site": site, "ok": false, "error": e.to_string() })
                    }
                })
                .collect();
            write_json(&serde_json::json!({ "sites": sites }), &mut out)?;
        }
        f => {
            let mut t = Table::new(&["site", "collector", "success", "rows", "seconds", "error"])
                .align_right(&[3, 4]);
            for (site, r) in results {
                match r {
                    Ok(rep) => {
                        for c in &rep.manifest.collectors {
                            t.push(vec![
                                site.clone(),
                                c.name.clone(),
                                c.success.to_string(),
                                c.rows.to_string(),
                                seconds(c),
                                c.error.clone().unwrap_or_default(),
                            ]);
                        }
                    }
                    Err(e) => t.push(vec![
                        site.clone(),
                        "-".into(),
                        "false".into(),
                        "0".into(),
                        String::new(),
                        e.to_string(),
                    ]),
                }
            }
            t.write(f, &mut out)?;
            if f == Format::Table {
                for (site, r) in results {
                    if let Ok(rep) = r {
                        writeln!(
                            out,
                            "site {site}: package {}  ({} files, {:.1}s)",
                            escape_control(&rep.package),
                            rep.manifest.files.len(),
                            rep.elapsed_secs
                        )?;
                    }
                }
            }
        }
    }
    out.flush()?;
    let mut incomplete = Vec::new();
    let mut usage_only = true;
    for (site, r) in results {
        let line = match r {
            Ok(rep) => failed_line(rep),
            Err(e) => {
                usage_only &= e.is_usage();
                Some(format!("nothing extracted: {e}"))
            }
        };
        if let Some(line) = line {
            if r.is_ok() {
                usage_only = false;
            }
            eprintln!("s3scope: site `{site}`: {}", escape_control(&line));
            incomplete.push(site.as_str());
        }
    }
    if incomplete.is_empty() {
        return Ok(());
    }
    let rest = if incomplete.len() == results.len() {
        "no site is complete"
    } else {
        "the other sites' packages are complete"
    };
    let msg = format!(
        "{} of {} site(s) incomplete ({}); check each one's profile and permissions (lines \
         above); {rest}",
        incomplete.len(),
        results.len(),
        incomplete.join(", ")
    );
    if usage_only && incomplete.len() == results.len() {
        Err(CliError::Usage(msg))
    } else {
        Err(CliError::Runtime(msg))
    }
}
