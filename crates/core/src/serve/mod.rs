//! `s3scope serve`: a read-only HTTP endpoint with Prometheus metrics and the bucket table.
//!
//! The table is read in the background every `refresh` (never per request) and the response
//! bodies are rendered once per refresh; a failed refresh keeps the last good data and flips
//! `s3scope_refresh_success` and `/healthz`. Connections are bounded, request heads are
//! bounded in size and time, and bodies are never read.

pub mod cache;
mod handler;
pub mod metrics;
pub mod seed; // the storage analyser's REST shape at `/`
pub mod settings; // flags over [serve] over defaults, declared once
pub mod usage;

pub use cache::{Cache, Snapshot, TableFormat, TableRenderer};
pub use settings::{ServeLayer, ServeSection, ServeSettings, parse_interval};
pub use usage::UsageMetrics;

use crate::scan::buckets::BucketRow;
use futures::future::BoxFuture;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use thiserror::Error;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// Reads the bucket table once; errors are one-line messages.
pub type Fetch = Arc<dyn Fn() -> BoxFuture<'static, Result<Vec<BucketRow>, String>> + Send + Sync>;

/// The longest request head accepted (request line and headers).
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// Time a client has to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

pub struct ServeOptions {
    pub listen: SocketAddr,
    pub refresh: Duration,
    pub token: String,
    /// Connections served at once; more wait in the kernel's accept queue.
    pub max_connections: usize,
    /// A usage summary (`usage collect`'s summarized_data.json) read on every refresh.
    pub usage_summary: Option<PathBuf>,
    /// Also accept the token as `?token=` (the seed's way; it ends up in proxy logs).
    pub allow_query_token: bool,
}

#[derive(Debug, Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source} (is another process using the port?)")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// A running endpoint; dropping it or calling `shutdown` stops it.
pub struct Server {
    pub addr: SocketAddr,
    pub cache: Arc<Cache>,
    stop: CancellationToken,
    refresh_now: Arc<tokio::sync::Notify>,
    tasks: JoinSet<()>,
}

impl Server {
    /// Binds, starts the refresher (first refresh at once) and the accept loop.
    pub async fn start(
        opts: ServeOptions,
        fetch: Fetch,
        table: Box<TableRenderer>,
    ) -> Result<Server, ServeError> {
        let listener = TcpListener::bind(opts.listen)
            .await
            .map_err(|source| ServeError::Bind {
                addr: opts.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| ServeError::Bind {
            addr: opts.listen,
            source,
        })?;
        let cache = Arc::new(Cache::new(table));
        let stop = CancellationToken::new();
        let refresh_now = Arc::new(tokio::sync::Notify::new());
        let handler = Arc::new(handler::Handler::new(
            Arc::clone(&cache),
            &opts.token,
            opts.allow_query_token,
        ));
        let mut tasks = JoinSet::new();
        tasks.spawn(refresh_loop(
            Arc::clone(&cache),
            fetch,
            opts.usage_summary.clone(),
            opts.refresh,
            Arc::clone(&refresh_now),
            stop.clone(),
        ));
        tasks.spawn(accept_loop(
            listener,
            handler,
            opts.max_connections.max(1),
            stop.clone(),
        ));
        tracing::info!(%addr, refresh_secs = opts.refresh.as_secs(), "serve listening");
        Ok(Server {
            addr,
            cache,
            stop,
            refresh_now,
            tasks,
        })
    }

    /// Starts a refresh now instead of at the next interval (tests, SIGHUP-like use).
    pub fn refresh_now(&self) {
        self.refresh_now.notify_one();
    }

    /// Resolves when `stop` is cancelled or a task ends.
    pub async fn wait(&mut self) {
        tokio::select! {
            () = self.stop.cancelled() => {}
            _ = self.tasks.join_next() => {}
        }
    }

    pub async fn shutdown(mut self) {
        self.stop.cancel();
        while self.tasks.join_next().await.is_some() {}
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

async fn refresh_loop(
    cache: Arc<Cache>,
    fetch: Fetch,
    usage_summary: Option<PathBuf>,
    every: Duration,
    now: Arc<tokio::sync::Notify>,
    stop: CancellationToken,
) {
    loop {
        let started = Instant::now();
        let result = tokio::select! {
            () = stop.cancelled() => return,
            r = fetch() => r,
        };
        match &result {
            Ok(rows) => tracing::info!(buckets = rows.len(), "serve refresh done"),
            Err(e) => {
                tracing::warn!(error = %e, "serve refresh failed; serving the last good data");
            }
        }
        let usage = match &usage_summary {
            None => None,
            Some(path) => {
                let path = path.clone();
                let read = tokio::task::spawn_blocking(move || UsageMetrics::read(&path))
                    .await
                    .unwrap_or_else(|e| Err(format!("reading the usage summary failed: {e}")));
                if let Err(e) = &read {
                    tracing::warn!(error = %e, "usage summary not read; serving the last good counters");
                }
                Some(read)
            }
        };
        cache.record(result, usage, started.elapsed());
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(every) => {}
            () = now.notified() => {}
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    handler: Arc<handler::Handler>,
    max_connections: usize,
    stop: CancellationToken,
) {
    let permits = Arc::new(Semaphore::new(max_connections));
    let mut connections = JoinSet::new();
    loop {
        let permit = tokio::select! {
            () = stop.cancelled() => break,
            p = Arc::clone(&permits).acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let accepted = tokio::select! {
            () = stop.cancelled() => break,
            a = listener.accept() => a,
        };
        while connections.try_join_next().is_some() {}
        let stream = match accepted {
            Ok((s, _)) => s,
            Err(err) => {
                tracing::warn!(%err, "cannot accept a connection");
                continue;
            }
        };
        let handler = Arc::clone(&handler);
        let service = service_fn(move |req| {
            let resp = handler.handle(&req);
            async move { Ok::<_, Infallible>(resp) }
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEAD_TIMEOUT)
            .max_buf_size(MAX_HEAD_BYTES)
            .serve_connection(TokioIo::new(stream), service);
        let stop = stop.clone();
        connections.spawn(async move {
            let _permit = permit;
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                r = conn.as_mut() => if let Err(err) = r {
                    tracing::debug!(%err, "serve connection ended with an error");
                },
                () = stop.cancelled() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
    connections.shutdown().await;
}
