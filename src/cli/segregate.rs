//! `s3scope segregate plan|apply`: the date segregation of a rule (config or flags), planned,
//! saved, and applied with progress on stderr and a final report.

mod output;

use super::CliError;
use super::args::{Format, GlobalArgs};
use super::progress::Reporter;
use super::settings::Flags;
use clap::{Args, Subcommand};
use s3scope_core::config::Config;
use s3scope_core::job::Progress;
use s3scope_core::s3::client::Clients;
use s3scope_core::segregate::journal::default_path;
use s3scope_core::segregate::report::{self, append_to_log};
use s3scope_core::segregate::seedxml::SeedConfig;
use s3scope_core::segregate::{
    ApplyOptions, MovePlan, Overrides, PLAN_STAGES, PartSettings, Rule, RuleLayer, RuleSpec,
    SegregateError, Verify, apply, make_plan, planfile,
};
use s3scope_core::settings::{Layered, Setting};
use std::path::PathBuf;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Args)]
pub struct SegregateArgs {
    #[command(subcommand)]
    pub action: SegregateAction,
}

#[derive(Debug, Subcommand)]
pub enum SegregateAction {
    /// List the source and show where each key would go; nothing is changed.
    Plan(PlanArgs),
    /// Apply a saved plan (--plan FILE), or plan a rule and apply it (--yes); otherwise a dry run.
    Apply(ApplyArgs),
}

/// The rule: `--rule NAME` from `[[segregate.rules]]`, its fields replaced by these flags.
/// `--log-file` (global) also receives the final report.
#[derive(Debug, Clone, Default, Args)]
pub struct RuleArgs {
    /// A rule of the config file (`[[segregate.rules]]` name).
    #[arg(long, value_name = "NAME")]
    pub rule: Option<String>,
    /// The date segregation script's config.xml (seed 001), read as it is: its s3_dir,
    /// s3_segregated_dir, s3_error_dir, n_keys, n_loops, n_workers, log_file... (flags win);
    /// `-c` as in the script (its long `--config` is s3scope's TOML file).
    #[arg(long, short = 'c', value_name = "FILE", conflicts_with = "rule")]
    pub seed_config: Option<PathBuf>,
    /// Detail log, as the script's --verbose: apply also lists every key of the plan it runs.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// The rule's keys as flags (--bucket, --source-prefix, --match-pattern, ...).
    #[command(flatten)]
    pub settings: Flags<RuleLayer>,
    /// Force the date of every key (in the rule's format, or 2022-12-31[T10:00:00]).
    #[arg(long, short = 'd', value_name = "DATE")]
    pub datetime: Option<String>,
}

impl RuleArgs {
    /// The rule flags given, checked.
    fn overrides(&self) -> Result<Overrides, CliError> {
        let mut o = Overrides::from_flags(self.settings.values()).map_err(CliError::Usage)?;
        o.datetime.clone_from(&self.datetime);
        Ok(o)
    }
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub rule: RuleArgs,
    /// Save the plan as JSON, to be applied exactly with `segregate apply --plan FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub rule: RuleArgs,
    /// Apply this saved plan exactly (no rule flags; --workers is allowed).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Plan the rule and apply it; without --yes (or --plan) nothing is changed.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Copy over destinations that hold another object (conflicts) instead of skipping them.
    #[arg(long)]
    pub overwrite: bool,
    /// The journal of the run (default: FILE.journal beside --plan, or the state dir).
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    /// Objects larger than this are copied in parts (default and S3's limit: 5 GiB).
    #[arg(long, value_name = "BYTES", hide = true)]
    pub multipart_threshold: Option<u64>,
    /// Part size of multipart copies.
    #[arg(long, value_name = "BYTES", hide = true)]
    pub part_size: Option<u64>,
    /// How each copy is checked before its source is deleted: list the copied targets (size and
    /// ETag, one LIST per window and destination prefix; HEAD for the rest), HEAD each target
    /// (size, ETag or checksum), or trust CopyObject's answer when its ETag is the planned one.
    #[arg(long, value_enum, default_value_t = VerifyArg::List)]
    pub verify: VerifyArg,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `--verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VerifyArg {
    List,
    Head,
    CopyEtag,
}

pub async fn run(
    clients: &Clients,
    config: &Config,
    global: &GlobalArgs,
    args: SegregateArgs,
) -> Result<(), CliError> {
    match args.action {
        SegregateAction::Plan(a) => {
            let rule = resolve_rule(config, global, &a.rule)?;
            let plan = plan(clients, &rule).await?;
            if let Some(path) = &a.out {
                planfile::save(&plan, path).map_err(runtime)?;
                eprintln!(
                    "s3scope: plan {} saved to {} ({} entries); apply it with `s3scope segregate apply --plan {}`",
                    plan.id,
                    path.display(),
                    plan.entries.len(),
                    path.display()
                );
            }
            output::plan(&plan, a.format, a.out.is_none())
        }
        SegregateAction::Apply(a) => run_apply(clients, config, global, a).await,
    }
}

async fn run_apply(
    clients: &Clients,
    config: &Config,
    global: &GlobalArgs,
    a: ApplyArgs,
) -> Result<(), CliError> {
    let (plan, plan_file) = match &a.plan {
        Some(path) => {
            if let Some(flag) = rule_flag_given(&a.rule) {
                return Err(CliError::Usage(format!(
                    "--plan is applied exactly as saved; {flag} cannot change it (make a new plan instead)"
                )));
            }
            let plan = planfile::load(path).map_err(segregate_error)?;
            if plan.endpoint != clients.endpoint_label() {
                eprintln!(
                    "s3scope: note: the plan was made against {}, this profile talks to {}",
                    s3scope_core::text::escape_control(&plan.endpoint),
                    s3scope_core::text::escape_control(&clients.endpoint_label())
                );
            }
            (plan, Some(path.as_path()))
        }
        None => {
            let rule = resolve_rule(config, global, &a.rule)?;
            if !a.yes {
                let plan = plan(clients, &rule).await?;
                output::plan(&plan, a.format, true)?;
                eprintln!(
                    "s3scope: dry run: nothing was changed; add --yes to apply this rule, or save a plan with `segregate plan --out FILE` and apply it with `segregate apply --plan FILE`"
                );
                return Ok(());
            }
            read_write(clients)?;
            let plan = plan(clients, &rule).await?;
            if a.rule.verbose {
                output::plan(&plan, a.format, true)?;
            }
            (plan, None)
        }
    };
    read_write(clients)?;
    if plan.entries.is_empty() {
        eprintln!("s3scope: nothing to apply: the plan has no entries");
        return Ok(());
    }
    let log_file = global.log_file.clone().or(plan.rule.log_file.clone());
    let opts = ApplyOptions {
        workers: a
            .rule
            .overrides()?
            .rule
            .workers
            .unwrap_or(plan.rule.workers)
            .clamp(1, 1024),
        overwrite: a.overwrite,
        parts: PartSettings {
            threshold: a
                .multipart_threshold
                .unwrap_or(s3scope_core::segregate::MULTIPART_THRESHOLD),
            part_size: a.part_size.unwrap_or(s3scope_core::segregate::PART_SIZE),
        },
        verify: match a.verify {
            VerifyArg::List => Verify::List,
            VerifyArg::Head => Verify::Head,
            VerifyArg::CopyEtag => Verify::CopyEtag,
        },
        journal: a
            .journal
            .clone()
            .unwrap_or_else(|| default_path(plan_file, &plan.rule)),
    };
    let writer = clients.writer(&plan.bucket, "segregate apply").await?;
    let progress = Arc::new(Progress::default());
    let interrupt = interrupt_handler(progress.cancel.clone());
    let label = format!("moving in s3://{}", plan.bucket);
    let reporter = Reporter::start(&label, Arc::clone(&progress), report::progress_line);
    let endpoint = clients.endpoint_label();
    let result = apply(&writer, &plan, &endpoint, &opts, &progress).await;
    reporter.finish().await;
    interrupt.abort();
    let report = result.map_err(segregate_error)?;
    if let Some(path) = &log_file
        && let Err(e) = append_to_log(path, &report)
    {
        eprintln!(
            "s3scope: warning: cannot append the report to {}: {e}",
            path.display()
        );
    }
    output::report(&report, a.format)?;
    if report.ok() {
        Ok(())
    } else {
        Err(CliError::Runtime(format!(
            "{} failed, {} changed since planning{}; the sources of those were kept (journal: {})",
            report.failed.objects,
            report.changed.objects,
            if report.cancelled { ", cancelled" } else { "" },
            report.journal.display()
        )))
    }
}

/// The seed config's log_file, when the command reads one: the tool logs there (as the script
/// did) unless --log-file says otherwise. A bad file is reported later, by the command itself.
pub fn seed_log_file(args: &SegregateArgs) -> Option<PathBuf> {
    let rule = match &args.action {
        SegregateAction::Plan(a) => &a.rule,
        SegregateAction::Apply(a) => &a.rule,
    };
    SeedConfig::load(rule.seed_config.as_deref()?)
        .ok()
        .map(|c| c.log_file)
}

/// Makes the plan of `rule` with progress on stderr; Ctrl-C stops it.
async fn plan(clients: &Clients, rule: &Rule) -> Result<MovePlan, CliError> {
    let s3 = clients.s3_for_bucket(&rule.spec.bucket).await?;
    let progress = Arc::new(Progress::new(&PLAN_STAGES));
    let interrupt = interrupt_handler(progress.cancel.clone());
    let label = format!("planning s3://{}/{}", rule.spec.bucket, rule.source_prefix);
    let line = s3scope_core::segregate::planner::progress_line;
    let reporter = Reporter::start(&label, Arc::clone(&progress), line);
    let endpoint = clients.endpoint_label();
    let now = chrono::Utc::now();
    let result = make_plan(&s3, rule, &endpoint, now, &progress).await;
    reporter.finish().await;
    interrupt.abort();
    let plan = result.map_err(segregate_error)?;
    if plan.listing.keys_listed == 0 {
        eprintln!(
            "s3scope: no keys under s3://{}/{}: nothing to do",
            rule.spec.bucket, rule.source_prefix
        );
    } else if !plan.listing.complete {
        eprintln!(
            "s3scope: note: stopped listing after --max-pages {} ({} keys); run again for the rest",
            rule.spec.max_pages.unwrap_or(0),
            plan.listing.keys_listed
        );
    }
    Ok(plan)
}

/// First Ctrl-C: cancel safely (objects in flight finish); second: leave now (the journal
/// keeps the run resumable).
fn interrupt_handler(cancel: CancellationToken) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!(
                "\ns3scope: stopping: objects in flight finish, nothing new starts (Ctrl-C again to leave now)"
            );
            cancel.cancel();
        }
        if tokio::signal::ctrl_c().await.is_ok() {
            std::process::exit(130);
        }
    })
}

/// The rule of `--rule` (or an empty one) with the flags on top, checked.
fn resolve_rule(config: &Config, global: &GlobalArgs, a: &RuleArgs) -> Result<Rule, CliError> {
    let base = match (&a.rule, &a.seed_config) {
        (_, Some(path)) => {
            let seed = SeedConfig::load(path).map_err(|e| CliError::Usage(e.to_string()))?;
            if seed.bucket.is_none() && a.settings.values().get("bucket").is_none() {
                return Err(CliError::Usage(format!(
                    "seed config {}: <s3_dir> `{}` names no bucket; write s3://BUCKET/{} or give --bucket",
                    path.display(),
                    seed.source_prefix,
                    seed.source_prefix
                )));
            }
            seed.to_spec()
        }
        (Some(name), None) => {
            let rules = &config.file.segregate.rules;
            let found = rules.iter().find(|r| &r.name == name).ok_or_else(|| {
                let known: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
                CliError::Usage(format!(
                    "no segregate rule named `{name}` in the config file; known: {}",
                    if known.is_empty() {
                        "none ([[segregate.rules]] is empty)".to_string()
                    } else {
                        known.join(", ")
                    }
                ))
            })?;
            RuleSpec::from_config(found)
        }
        (None, None) if a.settings.values().get("bucket").is_none() => {
            return Err(CliError::Usage(
                "give --rule NAME (from [[segregate.rules]]) or a rule in flags: --bucket, --source-prefix, --match-pattern, --datetime-format, --target, --error-prefix".into(),
            ));
        }
        (None, None) => RuleSpec::empty(),
    };
    let mut o = a.overrides()?;
    o.rule.log_file.clone_from(&global.log_file);
    let spec = base.with(&o);
    Rule::compile(&spec).map_err(|e| CliError::Usage(e.to_string()))
}

/// The first rule-changing flag given (`--workers` is not one), for the "--plan is applied as
/// saved" error.
fn rule_flag_given(a: &RuleArgs) -> Option<String> {
    if a.rule.is_some() {
        return Some("--rule".into());
    }
    if a.seed_config.is_some() {
        return Some("--seed-config".into());
    }
    let changes = |s: &&Setting| s.key != "workers" && a.settings.values().get(s.key).is_some();
    RuleLayer::SECTION
        .settings
        .iter()
        .find(changes)
        .and_then(|s| s.flag)
        .map(|f| format!("--{f}"))
        .or_else(|| a.datetime.as_ref().map(|_| "--datetime".into()))
}

fn read_write(clients: &Clients) -> Result<(), CliError> {
    let p = clients.profile();
    if p.read_only {
        return Err(segregate_error(SegregateError::ReadOnly {
            profile: p.name.clone(),
        }));
    }
    Ok(())
}

fn segregate_error(e: SegregateError) -> CliError {
    match e {
        SegregateError::S3(e) => CliError::S3(e),
        e if e.is_usage() => CliError::Usage(e.to_string()),
        e => CliError::Runtime(e.to_string()),
    }
}

fn runtime(e: SegregateError) -> CliError {
    CliError::Runtime(e.to_string())
}
