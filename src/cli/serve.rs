//! `s3scope serve`: flags, token loading and wiring of the bucket table into `s3scope_core::serve`.

use super::CliError;
use super::args::{Format, Unit};
use super::commands::{bucket_rows_table, totals};
use super::output::write_json;
use super::settings::Flags;
use clap::Args;
use s3scope_core::config::ServeSection;
use s3scope_core::s3::client::Clients;
use s3scope_core::scan::buckets::{BucketRow, Source, bucket_table};
use s3scope_core::serve::{Fetch, ServeOptions, Server, TableFormat, TableRenderer};
pub use s3scope_core::serve::{ServeLayer, ServeSettings, parse_interval};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The environment variable that may hold the token (never a flag: flags show in `ps`).
pub const TOKEN_ENV: &str = "S3SCOPE_SERVE_TOKEN";
/// Shorter tokens are refused: they can be guessed.
const MIN_TOKEN_LEN: usize = 16;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The settings of `[serve]` as flags (--listen, --refresh, --token-file, ...).
    #[command(flatten)]
    pub settings: Flags<ServeLayer>,
    /// Do not export usage counters even when the profile has a usage section.
    #[arg(long, conflicts_with = "usage_summary")]
    pub no_usage: bool,
}

/// Flags over `[serve]` over defaults; `profile_usage` is the summary file of the profile's usage
/// section, when it has one.
pub fn settings(
    a: &ServeArgs,
    file: &ServeSection,
    profile_usage: Option<PathBuf>,
) -> Result<ServeSettings, CliError> {
    ServeSettings::resolve(a.settings.values(), file, profile_usage, a.no_usage)
        .map_err(CliError::Usage)
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
        allow_query_token: a.allow_query_token,
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
         /api/buckets?fmt=json|csv|tsv, /?fmt=json|tsv (seed 002 shape) with \
         `Authorization: Bearer <token>`{}; /healthz{}",
        server.addr,
        a.refresh.as_secs(),
        if a.allow_query_token {
            " or ?token="
        } else {
            ""
        },
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
