//! One retry policy for every request of a profile: which failures are transient, exponential
//! backoff with full jitter, attempts from `[s3]`, and the adaptive limiter. The SDK clients get
//! it through their config ([`sdk`]); the RGW admin API and what the SDK cannot see (a download
//! that breaks off, per-key errors inside a DeleteObjects answer) use [`run`].

mod delete;
mod limiter;
mod sdk;

pub use delete::{DeleteKey, KeyFailure, delete_objects, delete_versions};
pub use limiter::{Limiter, Permit, Signal};
pub use sdk::{Classifier, http_client, partition, retry_config};

use crate::config::S3Settings;
use crate::s3::error::S3Error;
use std::error::Error as StdError;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// Whether a failure is worth another attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transience {
    /// The request itself is wrong (denied, missing, bad signature, bad request): stop now.
    Permanent,
    /// The service or the network failed this once (5xx, reset, timeout): try again.
    Transient,
    /// The service asks for fewer requests (503 SlowDown, 429): try again, and slow down.
    Throttled,
}

impl Transience {
    pub fn retryable(self) -> bool {
        self != Self::Permanent
    }
}

/// Error codes that ask for fewer requests.
const THROTTLING_CODES: &[&str] = &[
    "SlowDown",
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "RequestThrottledException",
    "TooManyRequests",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "ProvisionedThroughputExceededException",
    "PriorRequestNotComplete",
];

/// Error codes of failures that another attempt may not see.
const TRANSIENT_CODES: &[&str] = &[
    "InternalError",
    "InternalFailure",
    "InternalServerError",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "RequestTimeout",
    "RequestTimeoutException",
    "BadGateway",
    "GatewayTimeout",
    "OperationAborted",
];

/// What an error code says, if it is one of the transient or throttling ones.
pub fn code_transience(code: &str) -> Option<Transience> {
    if THROTTLING_CODES.contains(&code) {
        Some(Transience::Throttled)
    } else if TRANSIENT_CODES.contains(&code) {
        Some(Transience::Transient)
    } else {
        None
    }
}

/// What an HTTP error status says on its own.
pub fn status_transience(status: u16) -> Transience {
    match status {
        429 | 503 => Transience::Throttled,
        408 | 500 | 502 | 504 => Transience::Transient,
        _ => Transience::Permanent,
    }
}

/// A transport failure that another attempt cannot cure: the connection is refused, the host
/// name does not resolve, the certificate is not trusted or the endpoint speaks no TLS. These
/// fail at once (a wrong endpoint or CA should not take minutes of retries to report); resets,
/// broken-off answers and timeouts are transient.
pub fn is_setup_failure(err: &(dyn StdError + 'static)) -> bool {
    let mut cur = Some(err);
    let mut text = String::new();
    while let Some(e) = cur {
        if e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused)
        {
            return true;
        }
        text.push_str(&e.to_string().to_ascii_lowercase());
        text.push('\n');
        cur = e.source();
    }
    [
        "connection refused",
        "dns error",
        "failed to lookup address",
        "name or service not known",
        "certificate",
        "unknownissuer",
        "corrupt message",
    ]
    .iter()
    .any(|w| text.contains(w))
}

/// Attempts and backoff of one kind of request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
}

impl RetryPolicy {
    pub fn new(s: &S3Settings) -> Self {
        Self {
            max_attempts: s.max_attempts.max(1),
            initial_backoff: s.initial_backoff,
            max_backoff: s.max_backoff,
        }
    }

    /// One attempt, no retry.
    pub const fn once() -> Self {
        Self {
            max_attempts: 1,
            initial_backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
        }
    }

    /// The policy an SDK client was built with (the profile's, for clients of [`Clients`]).
    ///
    /// [`Clients`]: crate::s3::client::Clients
    pub fn of_client(s3: &aws_sdk_s3::Client) -> Self {
        match s3.config().retry_config() {
            Some(rc) => Self {
                max_attempts: rc.max_attempts().max(1),
                initial_backoff: rc.initial_backoff(),
                max_backoff: rc.max_backoff(),
            },
            None => Self::new(&S3Settings::default()),
        }
    }

    /// The wait before retry number `retry` (1 for the first): uniform in 0..=min(max,
    /// initial * 2^(retry-1)) ("full jitter", so that clients throttled together spread out).
    pub fn backoff(&self, retry: u32) -> Duration {
        use rand::Rng as _;
        let doubled = self
            .initial_backoff
            .saturating_mul(1u32 << retry.saturating_sub(1).min(20));
        let cap = doubled.min(self.max_backoff);
        let ms = u64::try_from(cap.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::rng().random_range(0..=ms))
    }
}

/// Runs `attempt` (given the attempt number, from 1) until it succeeds, fails permanently (as
/// `classify` says) or `policy.max_attempts` are used up, waiting [`RetryPolicy::backoff`]
/// between attempts. With a limiter, each attempt first takes a place in flight and reports
/// how it ended. Returns the last error.
pub async fn run<T, E, F, Fut, C>(
    policy: &RetryPolicy,
    limiter: Option<&Arc<Limiter>>,
    what: &str,
    mut attempt: F,
    classify: C,
) -> Result<T, E>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    C: Fn(&E) -> Transience,
    E: std::fmt::Display,
{
    let mut n = 1;
    loop {
        let permit = match limiter {
            Some(l) => Some(l.acquire().await),
            None => None,
        };
        let result = attempt(n).await;
        let class = result.as_ref().err().map(&classify);
        if let Some(p) = permit {
            p.finish(match class {
                None | Some(Transience::Permanent) => Signal::Success,
                Some(Transience::Throttled) => Signal::Throttled,
                Some(Transience::Transient) => Signal::Neutral,
            });
        }
        match (result, class) {
            (Err(e), Some(c)) if c.retryable() && n < policy.max_attempts => {
                let wait = policy.backoff(n);
                tracing::debug!(what, attempt = n, error = %e, ?wait, "retrying");
                tokio::time::sleep(wait).await;
                n += 1;
            }
            (result, _) => return result,
        }
    }
}

/// GetObject of a whole object into memory. The SDK retries the request; a body that breaks
/// off after the answer started (which the SDK cannot retry) is fetched again, up to the
/// client's attempts.
pub async fn download(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    key: &str,
    endpoint: &str,
) -> Result<bytes::Bytes, S3Error> {
    enum Failed {
        Request(S3Error),
        Body(S3Error),
    }
    impl std::fmt::Display for Failed {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match self {
                Self::Request(e) | Self::Body(e) => e.fmt(f),
            }
        }
    }
    let what = format!("s3://{bucket}/{key}");
    let fetch = |_| async {
        let out = s3
            .get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| Failed::Request(S3Error::classify(&e, endpoint, "GetObject", &what)))?;
        let data = out.body.collect().await.map_err(|e| {
            Failed::Body(S3Error::Unreachable {
                endpoint: endpoint.to_string(),
                detail: format!("the download of {what} broke off ({e})"),
            })
        })?;
        Ok(data.into_bytes())
    };
    let classify = |f: &Failed| match f {
        Failed::Request(_) => Transience::Permanent,
        Failed::Body(_) => Transience::Transient,
    };
    run(&RetryPolicy::of_client(s3), None, &what, fetch, classify)
        .await
        .map_err(|f| match f {
            Failed::Request(e) | Failed::Body(e) => e,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn backoff_is_jittered_below_a_doubling_cap() {
        let p = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1000),
        };
        for _ in 0..200 {
            assert!(p.backoff(1) <= Duration::from_millis(100));
            assert!(p.backoff(3) <= Duration::from_millis(400));
            assert!(p.backoff(30) <= Duration::from_millis(1000));
        }
        assert_eq!(RetryPolicy::once().backoff(5), Duration::ZERO);
    }

    #[test]
    fn codes_and_statuses_sort_into_transience() {
        assert_eq!(code_transience("SlowDown"), Some(Transience::Throttled));
        assert_eq!(
            code_transience("InternalError"),
            Some(Transience::Transient)
        );
        assert_eq!(code_transience("AccessDenied"), None);
        assert_eq!(status_transience(503), Transience::Throttled);
        assert_eq!(status_transience(502), Transience::Transient);
        assert_eq!(status_transience(403), Transience::Permanent);
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(is_setup_failure(&refused));
        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        assert!(!is_setup_failure(&reset));
    }

    #[tokio::test]
    async fn run_retries_transient_failures_and_stops_at_permanent_ones() {
        let p = RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
        };
        let calls = AtomicU32::new(0);
        let r: Result<u32, String> = run(
            &p,
            None,
            "t",
            |n| {
                calls.fetch_add(1, Ordering::Relaxed);
                async move { if n < 3 { Err("503".to_string()) } else { Ok(n) } }
            },
            |_| Transience::Throttled,
        )
        .await;
        assert_eq!(r, Ok(3));
        calls.store(0, Ordering::Relaxed);
        let r: Result<u32, String> = run(
            &p,
            None,
            "t",
            |_| {
                calls.fetch_add(1, Ordering::Relaxed);
                async { Err("denied".to_string()) }
            },
            |_| Transience::Permanent,
        )
        .await;
        assert_eq!(
            (r, calls.load(Ordering::Relaxed)),
            (Err("denied".into()), 1)
        );
        calls.store(0, Ordering::Relaxed);
        let limiter = Limiter::new();
        let r: Result<u32, String> = run(
            &p,
            Some(&limiter),
            "t",
            |_| {
                calls.fetch_add(1, Ordering::Relaxed);
                async { Err("slow down".to_string()) }
            },
            |_| Transience::Throttled,
        )
        .await;
        assert!(r.is_err());
        assert_eq!(calls.load(Ordering::Relaxed), 5);
        assert_eq!(limiter.state(), (Some(1), 5));
    }
}
