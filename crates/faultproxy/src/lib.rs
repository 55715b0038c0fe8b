//! faultproxy: an HTTP/1.1 reverse proxy on 127.0.0.1 in front of a local S3 endpoint that
//! injects the failures of real S3 (latency, SlowDown, errors after the work, connection resets)
//! and freezes clients at exact progress points ([`Hold`]), for tests and benchmarks.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use faultproxy::{Faults, Hold, Proxy, S3Op};
//! let proxy = Proxy::start("http://127.0.0.1:9000", Faults::default()).await?;
//! let hold = proxy.hold(Hold::new(S3Op::DeleteObjects).after_forward());
//! // ... point a client at proxy.endpoint() ...
//! hold.triggered().await;
//! println!("{:?}", proxy.counts());
//! # Ok(()) }
//! ```

mod conn;
mod counts;
mod faults;
mod forward;
mod hold;
mod op;
mod state;

pub use counts::Counts;
pub use faults::Faults;
pub use hold::{Hold, HoldHandle};
pub use op::{S3Op, UnknownOp, classify};

use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use state::Shared;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// A running proxy; it stops (and drops every connection) when dropped.
pub struct Proxy {
    endpoint: String,
    shared: Arc<Shared>,
    stop: Arc<Notify>,
    task: Option<JoinHandle<()>>,
}

impl Proxy {
    /// Starts a proxy on a free port of 127.0.0.1 in front of `upstream`
    /// (`http://127.0.0.1:PORT`).
    pub async fn start(upstream: &str, faults: Faults) -> io::Result<Proxy> {
        Proxy::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), upstream, faults).await
    }

    /// Starts a proxy on `listen`, which must be a loopback address.
    pub async fn start_on(listen: SocketAddr, upstream: &str, faults: Faults) -> io::Result<Proxy> {
        if !listen.ip().is_loopback() {
            return Err(invalid(format!(
                "refusing to listen on {listen}: the proxy is for tests on this machine; use 127.0.0.1"
            )));
        }
        faults.check().map_err(invalid)?;
        let upstream = upstream_base(upstream)?;
        let listener = TcpListener::bind(listen).await?;
        let address = listener.local_addr()?;
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        // Idle upstream connections are dropped before servers close them (RGW, moto), so that
        // a request is rarely sent on a connection the upstream is closing.
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(5))
            .build(connector);
        let shared = Shared::new(faults);
        let ctx = Arc::new(forward::Ctx {
            shared: Arc::clone(&shared),
            client,
            upstream,
        });
        let stop = Arc::new(Notify::new());
        let task = tokio::spawn(conn::serve(listener, ctx, Arc::clone(&stop)));
        Ok(Proxy {
            endpoint: format!("http://{address}"),
            shared,
            stop,
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`, for path-style clients.
    pub fn endpoint(&self) -> String {
        self.endpoint.clone()
    }

    /// What the proxy saw and did so far.
    pub fn counts(&self) -> Counts {
        self.shared.lock().counts.clone()
    }

    /// Zeroes the counts.
    pub fn reset_counts(&self) {
        self.shared.counted(|c| *c = Counts::default());
    }

    /// Replaces the faults (and restarts their generator from the new seed).
    /// Probabilities out of range are clamped to 0..1.
    pub fn set_faults(&self, faults: Faults) {
        let mut faults = faults;
        for p in [
            &mut faults.slowdown,
            &mut faults.error_after,
            &mut faults.reset,
            &mut faults.reset_after,
        ] {
            *p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        }
        self.shared.lock().dice = faults::Dice::new(faults);
    }

    /// Sets `hold` in place of any hold before it (which is released).
    pub fn hold(&self, hold: Hold) -> HoldHandle {
        let id = self.shared.set_hold(hold.op, hold.skip, hold.after_forward);
        HoldHandle {
            id,
            shared: Arc::clone(&self.shared),
        }
    }
}

impl Proxy {
    /// Stops listening and ends every connection (held requests are dropped, never
    /// forwarded); returns once they are all gone.
    pub async fn shutdown(mut self) {
        self.stop.notify_one();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// `http://host:port` from an upstream URL; only plain HTTP without a path.
fn upstream_base(upstream: &str) -> io::Result<String> {
    let uri: http::Uri = upstream
        .parse()
        .map_err(|e| invalid(format!("the upstream {upstream:?} is not a URL: {e}")))?;
    if uri.scheme_str() != Some("http") {
        return Err(invalid(format!(
            "the upstream {upstream:?} must be an http:// URL (the proxy speaks no TLS)"
        )));
    }
    let Some(authority) = uri.authority() else {
        return Err(invalid(format!("the upstream {upstream:?} has no host")));
    };
    if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
        return Err(invalid(format!(
            "the upstream {upstream:?} must be http://HOST:PORT, without a path"
        )));
    }
    Ok(format!("http://{authority}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_must_be_plain_http_without_path() {
        assert_eq!(
            upstream_base("http://127.0.0.1:9000/").unwrap(),
            "http://127.0.0.1:9000"
        );
        assert_eq!(
            upstream_base("http://localhost:1").unwrap(),
            "http://localhost:1"
        );
        for bad in ["https://127.0.0.1:1", "127.0.0.1:1", "http://h:1/x", "::"] {
            assert!(upstream_base(bad).is_err(), "{bad}");
        }
    }
}
