//! S3 failures sorted into the cases a user acts on differently, each with what to do next.

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use std::error::Error as StdError;
use thiserror::Error;

/// What went wrong talking to an S3 endpoint.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum S3Error {
    #[error(
        "cannot connect to {endpoint}: connection refused; is the service running and the endpoint right?"
    )]
    ConnectionRefused { endpoint: String },
    #[error("cannot reach {endpoint}: {detail}; check the endpoint and your network")]
    Unreachable { endpoint: String, detail: String },
    #[error("cannot resolve the host of {endpoint}: check the endpoint's spelling and DNS")]
    Dns { endpoint: String },
    #[error("TLS with {endpoint} failed: {detail}; for a private CA set ca_bundle in the profile")]
    Tls { endpoint: String, detail: String },
    #[error(
        "{endpoint} did not answer within the timeout; check the network, or raise connect_timeout_secs, read_timeout_secs or attempt_timeout_secs ([s3], or --connect-timeout, --read-timeout, --attempt-timeout)"
    )]
    Timeout { endpoint: String },
    #[error(
        "the access key is not known to {endpoint} (InvalidAccessKeyId); check access_key_id of the profile"
    )]
    InvalidAccessKey { endpoint: String },
    #[error(
        "the secret key does not match (SignatureDoesNotMatch); check secret_access_key of the profile"
    )]
    SignatureMismatch,
    #[error(
        "access denied to {what}; the credentials lack the permission (see `s3scope print-policy`)"
    )]
    AccessDenied { what: String },
    #[error("bucket `{bucket}` does not exist (or is not visible to these credentials)")]
    NoSuchBucket { bucket: String },
    #[error("no object at {what}")]
    NoSuchKey { what: String },
    #[error(
        "no credentials found: set keys in the profile, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or aws_profile"
    )]
    NoCredentials,
    #[error("{operation} failed: {code}: {message}")]
    Service {
        operation: String,
        code: String,
        message: String,
    },
    #[error("{operation} failed: {detail}")]
    Other { operation: String, detail: String },
    /// A write refused by the core on a read-only profile; nothing was sent.
    #[error(transparent)]
    ReadOnly(#[from] super::write::ReadOnly),
    /// A failure caused by, or met on the way through, a proxy: the message names the proxy
    /// and the variable it came from.
    #[error("{message}")]
    Proxy { message: String, transient: bool },
}

impl S3Error {
    /// Sorts an SDK error. `operation` names the call, `what` the resource (e.g. a bucket).
    pub fn classify<E, R>(err: &SdkError<E, R>, endpoint: &str, operation: &str, what: &str) -> Self
    where
        E: ProvideErrorMetadata + StdError + 'static,
        R: std::fmt::Debug + 'static,
    {
        let endpoint = endpoint.to_string();
        if let Some(refused) = super::write::refusal(err) {
            return Self::ReadOnly(refused);
        }
        match err {
            SdkError::ServiceError(se) => {
                let e = se.err();
                let mut code = e.code().unwrap_or("").to_string();
                let mut message = e.message().unwrap_or("").to_string();
                if code.is_empty() {
                    // No error body (a HEAD, a proxy's bare 503): the status still tells.
                    let raw: &dyn std::any::Any = se.raw();
                    let response = raw.downcast_ref::<aws_smithy_runtime_api::http::Response>();
                    let status = response.map_or(0, |r| r.status().as_u16());
                    if let Some(e) = response.and_then(|r| proxy_answer(r, status, &endpoint)) {
                        return e;
                    }
                    if let Some(name) = status_code_name(status) {
                        code = name.to_string();
                        message = format!("HTTP {status} without an error body");
                    }
                }
                Self::from_code(&code, &message, &endpoint, operation, what)
            }
            SdkError::TimeoutError(_) => Self::Timeout { endpoint },
            SdkError::DispatchFailure(_) if crate::s3::proxy::ProxyFailure::find(err).is_some() => {
                Self::from_chain(err, endpoint, operation)
            }
            SdkError::DispatchFailure(df) => {
                if df.is_timeout() {
                    return Self::Timeout { endpoint };
                }
                Self::from_chain(err, endpoint, operation)
            }
            _ => Self::from_chain(err, endpoint, operation),
        }
    }

    /// Sorts an error code returned by the service.
    pub fn from_code(
        code: &str,
        message: &str,
        endpoint: &str,
        operation: &str,
        what: &str,
    ) -> Self {
        match code {
            "InvalidAccessKeyId" => Self::InvalidAccessKey {
                endpoint: endpoint.to_string(),
            },
            "SignatureDoesNotMatch" => Self::SignatureMismatch,
            "AccessDenied" | "AllAccessDisabled" | "Forbidden" => Self::AccessDenied {
                what: what.to_string(),
            },
            "NoSuchBucket" => Self::NoSuchBucket {
                bucket: what.to_string(),
            },
            "NoSuchKey" => Self::NoSuchKey {
                what: what.to_string(),
            },
            "" => Self::Other {
                operation: operation.to_string(),
                detail: if message.is_empty() {
                    "the service answered with an error and no code".into()
                } else {
                    message.to_string()
                },
            },
            _ => Self::Service {
                operation: operation.to_string(),
                code: code.to_string(),
                message: message.to_string(),
            },
        }
    }

    /// Walks the source chain of a transport error for the root cause.
    fn from_chain(err: &(dyn StdError + 'static), endpoint: String, operation: &str) -> Self {
        if let Some(p) = crate::s3::proxy::ProxyFailure::find(err) {
            return Self::Proxy {
                message: p.to_string(),
                transient: p.kind.is_transient(),
            };
        }
        let chain = error_chain(err);
        let lower = chain.to_ascii_lowercase();
        if lower.contains("connection refused") {
            Self::ConnectionRefused { endpoint }
        } else if lower.contains("dns error")
            || lower.contains("failed to lookup address")
            || lower.contains("name or service not known")
        {
            Self::Dns { endpoint }
        } else if lower.contains("certificate")
            || lower.contains("tls")
            || lower.contains("handshake")
        {
            Self::Tls {
                endpoint,
                detail: last_cause(err),
            }
        } else if lower.contains("timed out") || lower.contains("timeout") {
            Self::Timeout { endpoint }
        } else if lower.contains("no credentials") || lower.contains("credentials provider") {
            Self::NoCredentials
        } else if lower.contains("unreachable")
            || lower.contains("connection reset")
            || lower.contains("connection closed")
            || lower.contains("broken pipe")
            || lower.contains("incomplete")
            || lower.contains("unexpected eof")
            || lower.contains("end of file")
            || lower.contains("io error")
        {
            Self::Unreachable {
                endpoint,
                detail: last_cause(err),
            }
        } else {
            Self::Other {
                operation: operation.to_string(),
                detail: last_cause(err),
            }
        }
    }

    /// True when another attempt may succeed: throttling, a 5xx, a timeout, a connection that
    /// broke. False for what no retry cures: denied, missing, bad keys, bad requests, and a
    /// refused connection, unknown host or TLS failure (a wrong endpoint or CA). The SDK
    /// clients have already retried such an error up to `max_attempts` before it gets here.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Timeout { .. } | Self::Unreachable { .. } => true,
            Self::Proxy { transient, .. } => *transient,
            Self::Service { code, .. } => super::retry::code_transience(code).is_some(),
            _ => false,
        }
    }

    /// True when retrying later might help (the network, not the request, failed).
    pub fn is_transport(&self) -> bool {
        matches!(
            self,
            Self::ConnectionRefused { .. }
                | Self::Unreachable { .. }
                | Self::Dns { .. }
                | Self::Tls { .. }
                | Self::Timeout { .. }
                | Self::Proxy { .. }
        )
    }
}

/// A bare 5xx that a plain-HTTP proxy wrote itself (it could not reach the endpoint), named
/// by the header [`crate::s3::proxy::named`] puts on answers that came through a proxy.
fn proxy_answer(
    response: &aws_smithy_runtime_api::http::Response,
    status: u16,
    endpoint: &str,
) -> Option<S3Error> {
    if !(500..600).contains(&status) {
        return None;
    }
    let via = response.headers().get(crate::s3::proxy::VIA_PROXY_HEADER)?;
    let (proxy, var) = via.rsplit_once(' ')?;
    let var = crate::s3::proxy::known_var(var)?;
    let target = url::Url::parse(endpoint)
        .map(|u| crate::s3::proxy::target_of(&u))
        .unwrap_or_else(|_| endpoint.to_string());
    let p = crate::s3::proxy::ProxyUse {
        proxy: proxy.to_string(),
        var,
        no_proxy: None,
    };
    Some(S3Error::Proxy {
        message: crate::s3::proxy::answered_message(&p, &target, status),
        transient: true,
    })
}

/// The error code S3 would have sent with a bodiless error status.
fn status_code_name(status: u16) -> Option<&'static str> {
    Some(match status {
        429 => "TooManyRequests",
        500 => "InternalError",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => return None,
    })
}

/// Every message of the chain joined by ": ".
pub fn error_chain(err: &(dyn StdError + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut cur = err.source();
    while let Some(e) = cur {
        parts.push(e.to_string());
        cur = e.source();
    }
    parts.join(": ")
}

/// The innermost cause, on one line.
fn last_cause(err: &(dyn StdError + 'static)) -> String {
    let mut cur: &(dyn StdError + 'static) = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string().replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_actionable_errors() {
        let e = S3Error::from_code("NoSuchBucket", "", "http://x", "ListObjectsV2", "b1");
        assert_eq!(
            e,
            S3Error::NoSuchBucket {
                bucket: "b1".into()
            }
        );
        let e = S3Error::from_code("SignatureDoesNotMatch", "", "http://x", "op", "b");
        assert!(e.to_string().contains("secret key"));
        let e = S3Error::from_code("SlowDown", "reduce", "http://x", "op", "b");
        assert_eq!(e.to_string(), "op failed: SlowDown: reduce");
        assert!(e.is_transient());
    }

    #[test]
    fn only_service_and_network_hiccups_are_transient() {
        let service = |code: &str| S3Error::from_code(code, "", "http://x", "op", "b");
        assert!(service("InternalError").is_transient());
        assert!(service("ServiceUnavailable").is_transient());
        for permanent in [
            "AccessDenied",
            "NoSuchBucket",
            "SignatureDoesNotMatch",
            "InvalidAccessKeyId",
            "InvalidArgument",
        ] {
            assert!(!service(permanent).is_transient(), "{permanent}");
        }
        let endpoint = "http://x".to_string();
        assert!(
            S3Error::Timeout {
                endpoint: endpoint.clone()
            }
            .is_transient()
        );
        assert!(!S3Error::ConnectionRefused { endpoint }.is_transient());
    }
}
