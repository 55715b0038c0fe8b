//! `s3scope serve`: flags, token loading and wiring of the bucket table into `s3scope_core::serve`.

use super::CliError;
use super::args::{Format, Unit};
use super::commands::{bucket_rows_table, totals};
use super::output::write_json;
use clap::Args;
use s3scope_core::config::ServeSection;
use s3scope_core::s3::client::Clients;
use s3scope_core::scan::buckets::{BucketRow, Source, bucket_table};
use s3scope_core::serve::{Fetch, ServeOptions, Server, TableFormat, TableRenderer};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The environment variable that may hold the token (never a flag: flags show in `ps`).
pub const TOKEN_ENV: &str = "S3SCOPE_SERVE_TOKEN";
/// Shorter tokens are refused: they can be guessed.
const MIN_TOKEN_LEN: usize = 16;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:9340); a non-loopback one also needs --allow-remote.
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: Option<SocketAddr>,
    /// Accept a --listen address other than loopback (the token is required either way).
    #[arg(long)]
    pub allow_remote: bool,
    /// How often the bucket table is read in the background: e.g. 30s, 15m (default), 1h.
    #[arg(long, value_parser = parse_interval, value_name = "DURATION")]
    pub refresh: Option<Duration>,
    /// File holding the bearer token (first line); otherwise $S3SCOPE_SERVE_TOKEN.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Where sizes come from: rgw admin stats, CloudWatch daily metrics, a scan, or the cheapest (default).
    #[arg(long, value_parser = crate::cli::choice::choice::<Source>())]
    pub source: Option<Source>,
    /// Only buckets whose name matches this glob (e.g. 'logs-*').
    #[arg(long, value_name = "GLOB")]
    pub filter: Option<String>,
    /// Connections served at once (default 64); further clients wait.
    #[arg(long, value_name = "N")]
    pub max_connections: Option<usize>,
    /// Usage summary (summarized_data.json of `usage collect`) exported as s3scope_usage_*;
    /// default: the profile's [profiles.NAME.usage] summary when that section exists.
    #[arg(long, value_name = "FILE")]
    pub usage_summary: Option<PathBuf>,
    /// Do not export usage counters even when the profile has a usage section.
    #[arg(long, conflicts_with = "usage_summary")]
    pub no_usage: bool,
}

/// `serve`'s settings: flags over `[serve]` over defaults.
#[derive(Debug)]
pub struct ServeSettings {
    pub listen: SocketAddr,
    pub allow_remote: bool,
    pub refresh: Duration,
    pub token_file: Option<PathBuf>,
    pub source: Source,
    pub filter: Option<String>,
    pub max_connections: usize,
    pub usage_summary: Option<PathBuf>,
}

impl ServeSettings {
    /// Layers the flags over the `[serve]` section; `profile_usage` is the summary file of the
    /// profile's usage section, when it has one.
    pub fn resolve(
        a: ServeArgs,
        file: &ServeSection,
        profile_usage: Option<PathBuf>,
    ) -> Result<Self, CliError> {
        let bad = |key: &str, why: String| CliError::Usage(format!("[serve] {key}: {why}"));
        let listen = match (a.listen, &file.listen) {
            (Some(l), _) => l,
            (None, Some(l)) => l.parse().map_err(|_| {
                bad(
                    "listen",
                    format!("`{l}` is not an ADDR:PORT such as 127.0.0.1:9340"),
                )
            })?,
            (None, None) => SocketAddr::from(([127, 0, 0, 1], 9340)),
        };
        let refresh = match (a.refresh, &file.refresh) {
            (Some(r), _) => r,
            (None, Some(r)) => parse_interval(r).map_err(|e| bad("refresh", e))?,
            (None, None) => Duration::from_secs(15 * 60),
        };
        let source = match (a.source, &file.source) {
            (Some(s), _) => s,
            (None, Some(s)) => s.to_ascii_lowercase().parse::<Source>().map_err(|_| {
                bad(
                    "source",
                    format!("`{s}` is not one of auto, scan, rgw, cloudwatch"),
                )
            })?,
            (None, None) => Source::Auto,
        };
        let max_connections = a.max_connections.or(file.max_connections).unwrap_or(64);
        if max_connections == 0 {
            return Err(CliError::Usage("max_connections must be at least 1".into()));
        }
        let usage_summary = if a.no_usage {
            None
        } else {
            a.usage_summary
                .or_else(|| file.usage_summary.clone())
                .or(profile_usage)
        };
        Ok(Self {
            listen,
            allow_remote: a.allow_remote || file.allow_remote.unwrap_or(false),
            refresh,
            token_file: a.token_file.or_else(|| file.token_file.clone()),
            source,
            filter: a.filter.or_else(|| file.filter.clone()),
            max_connections,
            usage_summary,
        })
    }
}

/// `30s`, `15m`, `2h`, `1d`: at least one second.
pub fn parse_interval(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration: use e.g. 30s, 15m, 1h"))?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("`{s}` needs a unit: s, m, h or d (e.g. 15m)")),
    };
    match n.checked_mul(mult) {
        Some(0) => Err("the refresh interval must be at least 1s".into()),
        Some(secs) => Ok(Duration::from_secs(secs)),
        None => Err(format!("`{s}` is too long")),
    }
}

/// The token from --token-file, else from the environment; refused when missing or short.
pub fn load_token(file: Option<&Path>) -> Result<String, CliError> {
    let (token, origin) = match file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                CliError::Usage(format!("cannot read --token-file {}: {e}", path.display()))
            })?;
            warn_if_readable_by_others(path);
            let first = text.lines().next().unwrap_or_default().trim().to_string();
            (first, format!("--token-file {}", path.display()))
        }
        None => match std::env::var(TOKEN_ENV) {
            Ok(v) => (v.trim().to_string(), format!("${TOKEN_ENV}")),
            Err(_) => {
                return Err(CliError::Usage(format!(
                    "serve needs a bearer token: --token-file FILE or ${TOKEN_ENV} \
                     (e.g. `openssl rand -hex 32 > token; chmod 600 token`)"
                )));
            }
        },
    };
    if token.len() < MIN_TOKEN_LEN || token.chars().any(|c| c.is_control() || c == ' ') {
        return Err(CliError::Usage(format!(
            "the token from {origin} must be at least {MIN_TOKEN_LEN} printable characters \
             without spaces (e.g. `openssl rand -hex 32`)"
        )));
    }
    Ok(token)
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(m) = std::fs::metadata(path)
        && m.permissions().mode() & 0o077 != 0
    {
        eprintln!(
            "s3scope: warning: {} is readable by other users; `chmod 600` it",
            path.display()
        );
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_: &Path) {}

/// The table bodies, exactly as `s3scope buckets --format json|csv|tsv --unit B` prints them.
pub fn table_renderer() -> Box<TableRenderer> {
    Box::new(|rows: &[BucketRow], f: TableFormat| {
        let mut out = Vec::new();
        let written = match f {
            TableFormat::Json => write_json(
                &serde_json::json!({ "buckets": rows, "totals": totals(rows) }),
                &mut out,
            ),
            TableFormat::Csv => {
                bucket_rows_table(rows, Unit::B, Format::Csv).write(Format::Csv, &mut out)
            }
            TableFormat::Tsv => {
                bucket_rows_table(rows, Unit::B, Format::Tsv).write(Format::Tsv, &mut out)
            }
        };
        if let Err(e) = written {
            tracing::warn!(error = %e, "cannot render the bucket table");
        }
        out
    })
}

/// Reads the bucket table with `clients`, largest first like `s3scope buckets`.
pub fn fetcher(
    clients: Clients,
    source: Source,
    filter: Option<globset::GlobMatcher>,
    concurrency: usize,
) -> Fetch {
    let filter = Arc::new(filter);
    Arc::new(move || {
        let clients = clients.clone();
        let filter = Arc::clone(&filter);
        Box::pin(async move {
            let keep = |name: &str| filter.as_ref().as_ref().is_none_or(|m| m.is_match(name));
            let mut rows = bucket_table(&clients, source, &keep, concurrency)
                .await
                .map_err(|e| e.to_string())?;
            rows.sort_by_key(|r| std::cmp::Reverse(r.bytes));
            Ok(rows)
        })
    })
}

pub async fn run(clients: Clients, a: ServeSettings, concurrency: usize) -> Result<(), CliError> {
    if !a.listen.ip().is_loopback() && !a.allow_remote {
        return Err(CliError::Usage(format!(
            "--listen {} is not a loopback address: add --allow-remote to expose the endpoint \
             (clients still need the token)",
            a.listen
        )));
    }
    let token = load_token(a.token_file.as_deref())?;
    let filter = match &a.filter {
        Some(glob) => Some(
            globset::Glob::new(glob)
                .map_err(|e| {
                    CliError::Usage(format!("--filter `{glob}` is not a valid glob: {e}"))
                })?
                .compile_matcher(),
        ),
        None => None,
    };
    let opts = ServeOptions {
        listen: a.listen,
        refresh: a.refresh,
        token,
        max_connections: a.max_connections,
        usage_summary: a.usage_summary.clone(),
    };
    let fetch = fetcher(clients, a.source, filter, concurrency);
    let mut server = Server::start(opts, fetch, table_renderer())
        .await
        .map_err(|e| CliError::Runtime(e.to_string()))?;
    // SIGTERM is handled from before the banner: whoever waits for the banner (a supervisor,
    // the tests) may stop serve right after it.
    let terminated = terminated();
    eprintln!(
        "s3scope serve: listening on http://{} (refresh every {}s); GET /metrics, \
         /api/buckets?fmt=json|csv|tsv with `Authorization: Bearer <token>`; /healthz{}",
        server.addr,
        a.refresh.as_secs(),
        match &a.usage_summary {
            Some(p) => format!("; usage counters from {}", p.display()),
            None => String::new(),
        }
    );
    tokio::select! {
        r = tokio::signal::ctrl_c() => r?,
        () = terminated => {}
        () = server.wait() => {}
    }
    server.shutdown().await;
    Ok(())
}

/// Resolves on SIGTERM; the handler is installed when this is called, not when first polled.
#[cfg(unix)]
fn terminated() -> impl Future<Output = ()> {
    use tokio::signal::unix::{SignalKind, signal};
    let installed = signal(SignalKind::terminate());
    async move {
        match installed {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    }
}

#[cfg(not(unix))]
fn terminated() -> impl Future<Output = ()> {
    std::future::pending()
}
