//! `faultproxy`: the proxy as a command, for benchmarks and by-hand runs of rclone, aws or
//! s3scope against a local S3 endpoint with the failures of real S3.

use clap::Parser;
use faultproxy::{Faults, Proxy, S3Op};
use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

/// HTTP/1.1 reverse proxy in front of a local S3 endpoint that injects latency and failures.
/// Counts: GET /__faultproxy/counts (JSON); POST /__faultproxy/reset zeroes them.
#[derive(Debug, Parser)]
#[command(name = "faultproxy", version)]
struct Args {
    /// The S3 endpoint to forward to, http://127.0.0.1:PORT.
    #[arg(long)]
    upstream: String,
    /// Where to listen (loopback only); port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Milliseconds added to every request before it is forwarded.
    #[arg(long, default_value_t = 0)]
    delay_ms: u64,
    /// Probability of answering 503 SlowDown without forwarding.
    #[arg(long, default_value_t = 0.0)]
    slowdown: f64,
    /// Probability of forwarding, then answering 500 InternalError (the work was done).
    #[arg(long, default_value_t = 0.0)]
    error_after: f64,
    /// Probability of resetting the connection without forwarding.
    #[arg(long, default_value_t = 0.0)]
    reset: f64,
    /// Probability of forwarding, then resetting the connection.
    #[arg(long, default_value_t = 0.0)]
    reset_after: f64,
    /// Seed of the fault decisions (one draw per request).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Inject faults only into these operations, e.g. ListObjectsV2,CopyObject.
    #[arg(long, value_delimiter = ',')]
    only: Option<Vec<S3Op>>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let faults = Faults {
        delay: Duration::from_millis(args.delay_ms),
        slowdown: args.slowdown,
        error_after: args.error_after,
        reset: args.reset,
        reset_after: args.reset_after,
        seed: args.seed,
        only: args.only,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("faultproxy: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args.listen, &args.upstream, faults)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("faultproxy: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(listen: SocketAddr, upstream: &str, faults: Faults) -> std::io::Result<()> {
    let proxy = Proxy::start_on(listen, upstream, faults).await?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "listening {}", proxy.endpoint())?;
    stdout.flush()?;
    stopped().await?;
    drop(proxy);
    Ok(())
}

/// Resolves on SIGTERM or ctrl-c.
async fn stopped() -> std::io::Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = term.recv() => {}
        r = tokio::signal::ctrl_c() => r?,
    }
    Ok(())
}
