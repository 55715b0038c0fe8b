//! `s3scope process` over one data dir, or over each site's `site=<profile>/` partition plus
//! the combined summary of the window.

use super::{
    ProcessArgs, check_sites, dedup, named_sites, pipeline_err, refuse_read_only, settings,
    site_args, warn_unpartitioned, window, with_progress,
};
use crate::cli::args::{Format, GlobalArgs};
use crate::cli::output::{Table, write_json};
use crate::cli::{CliError, connect};
use s3scope_core::config::Config;
use s3scope_core::instants::Period;
use s3scope_core::job::Progress;
use s3scope_core::pipeline::PipelineError;
use s3scope_core::pipeline::process::{self, ProcessReport, ProcessRequest};
use s3scope_core::pipeline::sites::{self, SiteResult};
use s3scope_core::pipeline::storage::Storage;
use s3scope_core::text::escape_control;
use std::io::Write;
use std::sync::Arc;

pub async fn run_process(a: ProcessArgs, config: &Config, g: &GlobalArgs) -> Result<(), CliError> {
    if a.prefix_depth == 0 {
        return Err(CliError::Usage("--prefix-depth must be at least 1".into()));
    }
    let window = window(&a.since, &a.until, &a.period, Period::WEEK)?;
    let (s, data_dir) = settings(&a.pipeline, config)?;
    let named = named_sites(g, &s);
    let several = named.as_ref().is_some_and(|n| n.len() > 1);
    let remote = data_dir.starts_with("s3://") || a.output.starts_with("s3://");
    // s3:// locations are reached with the first profile named (or the default one).
    let first = named.as_ref().and_then(|n| n.first()).map(String::as_str);
    let clients = if remote {
        Some(connect(config, &site_args(g, first, several)?).await?)
    } else {
        None
    };
    let data = Storage::open(&data_dir, clients.as_ref())
        .await
        .map_err(pipeline_err)?;
    if let Storage::Local(l) = &data {
        let root = l.path_of("");
        if !root.is_dir() {
            return Err(CliError::Usage(format!(
                "--data-dir {} is not a directory: give the data dir that `s3scope extract` wrote",
                root.display()
            )));
        }
    }
    if let Some(c) = &clients {
        refuse_read_only(c, &a.output, "--output")?;
    }
    let out = Storage::open(&a.output, clients.as_ref())
        .await
        .map_err(pipeline_err)?;
    let req = ProcessRequest {
        window,
        prefix_depth: a.prefix_depth,
        reports: dedup(&a.report),
    };
    let found = sites::found(&data).await.map_err(pipeline_err)?;
    // Sites: those named when there are several or the data dir has site= partitions; else
    // every partition found; else none (the single-profile layout).
    let site_names: Option<Vec<String>> = match named {
        Some(n) if several || !found.is_empty() => Some(n),
        None if !found.is_empty() => Some(found.clone()),
        _ => None,
    };
    let Some(names) = site_names else {
        let progress = Arc::new(Progress::new(&process::STAGES));
        let report = with_progress(
            &format!("process {window}"),
            Arc::clone(&progress),
            process::process(&data, &out, &req, &progress),
        )
        .await
        .map_err(pipeline_err)?;
        warn_problems(&report);
        return single(&a, &report);
    };
    check_sites(&names)?;
    let unpartitioned = sites::unpartitioned(&data).await.map_err(pipeline_err)?;
    warn_unpartitioned(unpartitioned, &data_dir);
    let mut results: Vec<SiteResult> = Vec::new();
    for site in &names {
        let r = if found.contains(site) {
            let site_data = data.child(&sites::dir(site)).map_err(pipeline_err)?;
            let progress = Arc::new(Progress::new(&process::STAGES));
            let r = with_progress(
                &format!("process site={site} {window}"),
                Arc::clone(&progress),
                process::process_site(&site_data, &out, &req, Some(site), &progress),
            )
            .await;
            match r {
                Err(PipelineError::Cancelled) => {
                    return Err(pipeline_err(PipelineError::Cancelled));
                }
                Ok(report) => {
                    warn_problems(&report);
                    Ok(report)
                }
                Err(e) => Err(e.to_string()),
            }
        } else {
            Err(format!(
                "no packages under {}: run `s3scope --profile {site} extract` first (its rollups \
                 are left as they were)",
                data.describe(&sites::dir(site))
            ))
        };
        results.push(SiteResult::of(site, &out, &window, r));
    }
    if results.len() == 1
        && let Some(r) = results.pop()
    {
        return match (r.report, r.error) {
            (Some(report), _) => single(&a, &report),
            (None, e) => Err(CliError::Runtime(format!(
                "site `{}`: {}",
                r.site,
                e.unwrap_or_default()
            ))),
        };
    }
    let combined = sites::write_combined(&out, &window, results, unpartitioned)
        .await
        .map_err(pipeline_err)?;
    several_sites(&a, &combined)
}

fn warn_problems(report: &ProcessReport) {
    for p in &report.problems {
        eprintln!(
            "s3scope: warning: {}{} {}: {}",
            report
                .site
                .as_ref()
                .map(|s| format!("site `{s}`: "))
                .unwrap_or_default(),
            escape_control(&p.package),
            escape_control(p.file.as_deref().unwrap_or("")),
            escape_control(&p.problem)
        );
    }
}

fn summary_json(report: &ProcessReport) -> serde_json::Value {
    let mut v = serde_json::json!({
        "since": report.since,
        "until": report.until,
        "days": report.days,
        "packages": report.packages,
        "files_read": report.files_read,
        "rows": report.rows,
        "problems": report.problems,
        "output": report.output,
        "report": report.report,
        "reports": report.reports,
        "elapsed_secs": report.elapsed_secs,
    });
    if let Some(site) = &report.site {
        v["site"] = site.clone().into();
    }
    v
}

/// The output of one data dir or site (the single-profile layout and exit status).
fn single(a: &ProcessArgs, report: &ProcessReport) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match a.format {
        Format::Json => write_json(&summary_json(report), &mut out)?,
        f => {
            let mut t = Table::new(&["table", "rows"]).align_right(&[1]);
            for (table, n) in &report.rows {
                t.push(vec![table.clone(), n.to_string()]);
            }
            t.write(f, &mut out)?;
            if f == Format::Table {
                writeln!(
                    out,
                    "{} day(s), {} package(s), {} file(s), {} problem(s), {:.1}s\noutput: {}\nreport: {}",
                    report.days.len(),
                    report.packages,
                    report.files_read,
                    report.problems.len(),
                    report.elapsed_secs,
                    escape_control(&report.output),
                    escape_control(&report.reports.join(" "))
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// The output of several sites: rows per site and table, each site's report, the combined
/// one; a site without rollups is one stderr line and exit 1.
fn several_sites(a: &ProcessArgs, c: &sites::Combined) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match a.format {
        Format::Json => {
            let per: Vec<serde_json::Value> = c
                .sites
                .iter()
                .map(|s| {
                    let mut v = s.report.as_ref().map(summary_json).unwrap_or_default();
                    if !v.is_object() {
                        v = serde_json::json!({});
                    }
                    v["site"] = s.site.clone().into();
                    v["ok"] = s.ok.into();
                    if let Some(e) = &s.error {
                        v["error"] = e.clone().into();
                    }
                    v
                })
                .collect();
            write_json(
                &serde_json::json!({
                    "since": c.since, "until": c.until, "sites": per,
                    "unpartitioned_packages": c.unpartitioned_packages,
                    "output": c.output, "report": c.reports.first(), "reports": c.reports,
                }),
                &mut out,
            )?;
        }
        f => {
            let mut t = Table::new(&["site", "table", "rows"]).align_right(&[2]);
            for s in &c.sites {
                for (table, n) in s.report.iter().flat_map(|r| &r.rows) {
                    t.push(vec![s.site.clone(), table.clone(), n.to_string()]);
                }
            }
            t.write(f, &mut out)?;
            if f == Format::Table {
                for s in &c.sites {
                    if let Some(r) = &s.report {
                        writeln!(
                            out,
                            "site {}: {} day(s), {} package(s), {} problem(s); report: {}",
                            s.site,
                            r.days.len(),
                            r.packages,
                            r.problems.len(),
                            escape_control(&r.reports.join(" "))
                        )?;
                    }
                }
                writeln!(
                    out,
                    "output: {}\nreport: {}",
                    escape_control(&c.output),
                    escape_control(&c.reports.join(" "))
                )?;
            }
        }
    }
    out.flush()?;
    let failed: Vec<&SiteResult> = c.sites.iter().filter(|s| !s.ok).collect();
    for s in &failed {
        eprintln!(
            "s3scope: site `{}`: {}",
            s.site,
            escape_control(s.error.as_deref().unwrap_or(""))
        );
    }
    if failed.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = failed.iter().map(|s| s.site.as_str()).collect();
    let rest = if failed.len() == c.sites.len() {
        "no site has rollups"
    } else {
        "the others are complete"
    };
    Err(CliError::Runtime(format!(
        "{} of {} site(s) have no rollups ({}); {rest}",
        failed.len(),
        c.sites.len(),
        names.join(", ")
    )))
}
