//! RGW admin API failures, each worded as what the user should do next; never carries a secret.

use crate::s3::retry::{Transience, code_transience, status_transience};
use crate::text::escape_control;
use std::error::Error as StdError;
use std::path::PathBuf;
use std::time::Duration;
use thiserror::Error;

/// What went wrong calling the Ceph RGW admin API.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RgwError {
    /// A change refused by the core on a read-only profile; nothing was sent.
    #[error(transparent)]
    ReadOnly(#[from] crate::s3::write::ReadOnly),

    #[error("invalid RGW endpoint `{endpoint}`: {reason}")]
    InvalidEndpoint { endpoint: String, reason: String },

    #[error("cannot use the CA bundle {}: {reason}; point ca_bundle at a PEM file of CA certificates", .path.display())]
    CaBundle { path: PathBuf, reason: String },

    #[error("{0}")]
    InvalidRequest(String),

    #[error(
        "cannot connect to the RGW admin API at {endpoint}: {reason}; check that radosgw is running \
         and that the endpoint's scheme, host and port are right"
    )]
    Unreachable { endpoint: String, reason: String },

    #[error(
        "the RGW admin API at {endpoint} did not {} within {} s; check the network, or raise {} of the profile",
        if *.connecting { "accept the connection" } else { "answer" },
        .after.as_secs_f32(),
        if *.connecting { "connect_timeout_secs" } else { "read_timeout_secs" }
    )]
    Timeout {
        endpoint: String,
        connecting: bool,
        after: Duration,
    },

    #[error(
        "the RGW admin API at {endpoint} did not finish answering within {} s; check the network, \
         or raise attempt_timeout_secs ([s3] or --attempt-timeout)",
        .after.as_secs_f32()
    )]
    AttemptTimeout { endpoint: String, after: Duration },

    #[error(
        "TLS with {endpoint} failed: {reason}; for a private CA set ca_bundle in the profile, \
         for a plain-HTTP gateway use an http:// endpoint"
    )]
    Tls { endpoint: String, reason: String },

    #[error("{endpoint} does not know the access key {access_key} (InvalidAccessKeyId); check the access key of {}", profile_name(.profile))]
    InvalidAccessKey {
        endpoint: String,
        access_key: String,
        profile: Option<String>,
    },

    #[error("{endpoint} rejected the request signature (SignatureDoesNotMatch); check the secret key of {} (access key {access_key})", profile_name(.profile))]
    SignatureMismatch {
        endpoint: String,
        access_key: String,
        profile: Option<String>,
    },

    #[error(
        "the RGW user of access key {access_key} lacks the admin cap `{cap}`; grant it with \
         `radosgw-admin caps add --uid=USER --caps={cap}` (`radosgw-admin user info --access-key={access_key}` shows the USER)"
    )]
    MissingCap {
        access_key: String,
        cap: &'static str,
    },

    #[error("bucket `{bucket}` does not exist on {endpoint}")]
    NoSuchBucket { endpoint: String, bucket: String },

    #[error("the RGW admin API at {endpoint} answered HTTP {status}{}", code_and_message(.code, .message))]
    Http {
        endpoint: String,
        status: u16,
        code: String,
        message: String,
    },

    #[error("unexpected answer from {endpoint}: {reason}; is this the admin API of a Ceph RGW?")]
    Decode { endpoint: String, reason: String },

    #[error("request to {endpoint} failed: {reason}")]
    Transport { endpoint: String, reason: String },

    /// A failure caused by, or met on the way through, a proxy (named with its variable).
    #[error("{message}")]
    Proxy { message: String, transient: bool },
}

impl RgwError {
    /// True when the network failed rather than the request: retrying later may help.
    pub fn is_transport(&self) -> bool {
        matches!(
            self,
            Self::Unreachable { .. }
                | Self::Timeout { .. }
                | Self::AttemptTimeout { .. }
                | Self::Tls { .. }
                | Self::Transport { .. }
                | Self::Proxy { .. }
        )
    }

    /// Whether another attempt may succeed: throttling, 5xx, timeouts and broken connections
    /// yes; a refused connection, an unknown host, TLS and every answer about the request
    /// itself (keys, caps, missing bucket, 4xx) no.
    pub fn transience(&self) -> Transience {
        match self {
            Self::Timeout { .. } | Self::AttemptTimeout { .. } | Self::Transport { .. } => {
                Transience::Transient
            }
            Self::Unreachable { reason, .. }
                if reason == REFUSED || reason.starts_with(UNRESOLVED) =>
            {
                Transience::Permanent
            }
            Self::Unreachable { .. } => Transience::Transient,
            Self::Proxy {
                transient: true, ..
            } => Transience::Transient,
            Self::Http { status, code, .. } => {
                code_transience(code).unwrap_or_else(|| status_transience(*status))
            }
            _ => Transience::Permanent,
        }
    }
}

const REFUSED: &str = "connection refused";
const UNRESOLVED: &str = "the host name does not resolve";

fn profile_name(profile: &Option<String>) -> String {
    match profile {
        Some(p) => format!("profile `{p}`"),
        None => "the RGW credentials".into(),
    }
}

fn code_and_message(code: &str, message: &str) -> String {
    match (code.is_empty(), message.is_empty()) {
        (true, true) => String::new(),
        (false, true) => format!(" {code}"),
        (true, false) => format!(": {message}"),
        (false, false) => format!(" {code}: {message}"),
    }
}

/// What the classifier needs to know about the failed call. Holds no secret.
pub(crate) struct CallContext<'a> {
    pub endpoint: &'a str,
    pub https: bool,
    pub access_key: &'a str,
    pub profile: Option<&'a str>,
    /// The admin cap the call needs, e.g. `usage=read`.
    pub cap: &'static str,
    pub bucket: Option<&'a str>,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
}

impl CallContext<'_> {
    /// Sorts a transport error of reqwest (no HTTP answer, or the answer broke off).
    pub fn transport(&self, err: &reqwest::Error) -> RgwError {
        if let Some(e) = self.through_proxy(err) {
            return e;
        }
        let endpoint = self.endpoint.to_string();
        let chain = chain_text(err);
        let lower = chain.to_ascii_lowercase();
        if err.is_timeout() || io_kind_in_chain(err, std::io::ErrorKind::TimedOut) {
            let connecting = err.is_connect();
            let after = if connecting {
                self.connect_timeout
            } else {
                self.read_timeout
            };
            return RgwError::Timeout {
                endpoint,
                connecting,
                after,
            };
        }
        let tls_words = ["certificate", "tls", "handshake", "corrupt message"];
        if self.https
            && (tls_words.iter().any(|w| lower.contains(w))
                || io_kind_in_chain(err, std::io::ErrorKind::InvalidData))
        {
            return RgwError::Tls {
                endpoint,
                reason: root_cause(err),
            };
        }
        if err.is_connect() {
            let reason = if io_kind_in_chain(err, std::io::ErrorKind::ConnectionRefused) {
                REFUSED.to_string()
            } else if lower.contains("dns error") || lower.contains("failed to lookup address") {
                format!("{UNRESOLVED} ({})", root_cause(err))
            } else {
                root_cause(err)
            };
            return RgwError::Unreachable { endpoint, reason };
        }
        RgwError::Transport {
            endpoint,
            reason: root_cause(err),
        }
    }

    /// A transport error of a request that went through a proxy, naming it.
    fn through_proxy(&self, err: &reqwest::Error) -> Option<RgwError> {
        use crate::s3::proxy;
        let url = err
            .url()
            .cloned()
            .or_else(|| url::Url::parse(self.endpoint).ok())?;
        let p = proxy::decide(&url).proxy()?.clone();
        let kind = proxy::FailureKind::of(err);
        Some(RgwError::Proxy {
            message: proxy::message(&p, &proxy::target_of(&url), kind, &root_cause(err)),
            transient: kind.is_transient(),
        })
    }

    /// Sorts an HTTP error answer by its status and the error `Code` in its body (JSON or XML).
    pub fn status(&self, status: u16, body: &[u8]) -> RgwError {
        let (code, message) = error_code(body);
        // A bare 5xx on a plain-HTTP request through a proxy: the proxy's own answer.
        if (500..600).contains(&status)
            && code.is_empty()
            && !self.https
            && let Ok(url) = url::Url::parse(self.endpoint)
            && let crate::s3::proxy::Route::Proxy(p) = crate::s3::proxy::decide(&url)
        {
            let target = crate::s3::proxy::target_of(&url);
            return RgwError::Proxy {
                message: crate::s3::proxy::answered_message(&p, &target, status),
                transient: true,
            };
        }
        let endpoint = self.endpoint.to_string();
        let access_key = self.access_key.to_string();
        let profile = self.profile.map(str::to_string);
        match (status, code.as_str()) {
            (403, "SignatureDoesNotMatch") => RgwError::SignatureMismatch {
                endpoint,
                access_key,
                profile,
            },
            (403, "InvalidAccessKeyId") => RgwError::InvalidAccessKey {
                endpoint,
                access_key,
                profile,
            },
            (403, "AccessDenied") => RgwError::MissingCap {
                access_key,
                cap: self.cap,
            },
            (404, "NoSuchBucket") => RgwError::NoSuchBucket {
                endpoint,
                bucket: self.bucket.unwrap_or_default().to_string(),
            },
            _ => RgwError::Http {
                endpoint,
                status,
                code,
                message,
            },
        }
    }

    /// An answer with status 2xx whose body is not what the call expects.
    pub fn decode(&self, err: &serde_json::Error) -> RgwError {
        RgwError::Decode {
            endpoint: self.endpoint.to_string(),
            reason: clean(&err.to_string()),
        }
    }
}

/// `Code` and `Message` of an S3-style error body, JSON (`{"Code":..}`) or XML (`<Code>..</Code>`),
/// escaped for the terminal; empty when the body has none.
pub(crate) fn error_code(body: &[u8]) -> (String, String) {
    #[derive(serde::Deserialize, Default)]
    #[serde(default)]
    struct JsonError {
        #[serde(rename = "Code")]
        code: String,
        #[serde(rename = "Message")]
        message: String,
    }
    if let Ok(e) = serde_json::from_slice::<JsonError>(body) {
        return (clean(&e.code), clean(&e.message));
    }
    let text = String::from_utf8_lossy(body);
    let element = |name: &str| -> String {
        let (open, close) = (format!("<{name}>"), format!("</{name}>"));
        text.split_once(open.as_str())
            .and_then(|(_, rest)| rest.split_once(close.as_str()))
            .map(|(inner, _)| clean(inner))
            .unwrap_or_default()
    };
    (element("Code"), element("Message"))
}

/// Server text made safe and short for a one-line error.
fn clean(s: &str) -> String {
    const MAX: usize = 200;
    let s = s.trim();
    let cut = match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    };
    escape_control(&cut).into_owned()
}

fn io_kind_in_chain(err: &(dyn StdError + 'static), kind: std::io::ErrorKind) -> bool {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == kind)
        {
            return true;
        }
        cur = e.source();
    }
    false
}

fn chain_text(err: &(dyn StdError + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut cur = err.source();
    while let Some(e) = cur {
        parts.push(e.to_string());
        cur = e.source();
    }
    parts.join(": ")
}

/// The innermost cause, which names the actual problem ("Connection refused", "UnknownIssuer").
fn root_cause(err: &(dyn StdError + 'static)) -> String {
    let mut cur = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    clean(&cur.to_string())
}

#[cfg(test)]
#[path = "error_tests.rs"]
mod tests;
