//! Which proxy a request goes through and which variable said so, with curl's rules as the SDK and reqwest apply them.
//!
//! Both HTTP stacks (the AWS SDK's client for S3 and CloudWatch, reqwest for the RGW admin API)
//! decide with hyper-util's `Matcher::from_env`: `HTTPS_PROXY`/`https_proxy` for https URLs and
//! `HTTP_PROXY`/`http_proxy` for http ones, each falling back to `ALL_PROXY`/`all_proxy`, all
//! of them unless the host matches `NO_PROXY`/`no_proxy` (and none under CGI, where
//! `REQUEST_METHOD` is set). [`decide`] asks the same matcher, then names the variable, so that
//! `config check` and every error caused by a proxy say which one and where it came from.

mod connector;

pub use connector::{VIA_PROXY_HEADER, named};

use hyper_util::client::proxy::matcher::Matcher;
use std::error::Error as StdError;
use std::fmt;
use url::Url;

/// How a request to one URL leaves this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Straight to the host.
    Direct(DirectReason),
    /// Through a proxy.
    Proxy(ProxyUse),
}

/// Why a request goes straight to its host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirectReason {
    /// No proxy variable applies to this scheme.
    NoProxySet,
    /// The host matches NO_PROXY (`var` names the variable, `rules` its value).
    NoProxy { var: &'static str, rules: String },
    /// REQUEST_METHOD is set (a CGI environment): proxy variables are ignored.
    Cgi,
}

/// The proxy a request goes through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyUse {
    /// The proxy's URL without user and password, e.g. `http://127.0.0.1:3128`.
    pub proxy: String,
    /// The variable it came from, e.g. `HTTPS_PROXY`.
    pub var: &'static str,
    /// NO_PROXY as set (it did not match this host), for `config check`.
    pub no_proxy: Option<(&'static str, String)>,
}

impl Route {
    /// One line for `config check`.
    pub fn describe(&self) -> String {
        match self {
            Route::Direct(DirectReason::NoProxySet) => "direct (no proxy variable set)".into(),
            Route::Direct(DirectReason::NoProxy { var, rules }) => {
                format!("direct: the host matches {var}={rules}")
            }
            Route::Direct(DirectReason::Cgi) => {
                "direct: REQUEST_METHOD is set (CGI), so proxy variables are ignored".into()
            }
            Route::Proxy(p) => match &p.no_proxy {
                Some((var, rules)) => format!(
                    "through the proxy {} from {} (not matched by {var}={rules})",
                    p.proxy, p.var
                ),
                None => format!(
                    "through the proxy {} from {} (NO_PROXY unset)",
                    p.proxy, p.var
                ),
            },
        }
    }

    /// The proxy, when there is one.
    pub fn proxy(&self) -> Option<&ProxyUse> {
        match self {
            Route::Proxy(p) => Some(p),
            Route::Direct(_) => None,
        }
    }
}

/// The `&'static` name of a proxy variable given as text.
pub fn known_var(name: &str) -> Option<&'static str> {
    [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .into_iter()
    .find(|v| *v == name)
}

fn first_env(names: &[&'static str]) -> Option<(&'static str, String)> {
    names
        .iter()
        .find_map(|n| std::env::var(n).ok().map(|v| (*n, v)))
}

/// The proxy URL a variable's value stands for, as hyper-util parses it (None: not a usable one).
fn parse_proxy(value: &str) -> Option<String> {
    let matcher = Matcher::builder().http(value.to_string()).build();
    let probe: http::Uri = "http://probe.invalid/".parse().ok()?;
    let uri = matcher.intercept(&probe)?.uri().clone();
    Some(uri.to_string().trim_end_matches('/').to_string())
}

/// How a request to `url` is sent, from the current environment.
pub fn decide(url: &Url) -> Route {
    let Ok(dst) = url.as_str().parse::<http::Uri>() else {
        return Route::Direct(DirectReason::NoProxySet);
    };
    if std::env::var_os("REQUEST_METHOD").is_some() {
        return Route::Direct(DirectReason::Cgi);
    }
    let no_proxy = first_env(&["NO_PROXY", "no_proxy"]).filter(|(_, v)| !v.trim().is_empty());
    let specific: &[&'static str] = if url.scheme() == "https" {
        &["HTTPS_PROXY", "https_proxy"]
    } else {
        &["HTTP_PROXY", "http_proxy"]
    };
    let found = first_env(specific)
        .and_then(|(var, v)| parse_proxy(&v).map(|p| (var, p)))
        .or_else(|| {
            first_env(&["ALL_PROXY", "all_proxy"])
                .and_then(|(var, v)| parse_proxy(&v).map(|p| (var, p)))
        });
    let Some((var, proxy)) = found else {
        return Route::Direct(DirectReason::NoProxySet);
    };
    // The decision itself is the very matcher's the HTTP clients build.
    if Matcher::from_env().intercept(&dst).is_none() {
        return match no_proxy {
            Some((var, rules)) => Route::Direct(DirectReason::NoProxy { var, rules }),
            None => Route::Direct(DirectReason::NoProxySet),
        };
    }
    Route::Proxy(ProxyUse {
        proxy,
        var,
        no_proxy,
    })
}

/// `host` or `host:port` of a URL, as messages name the destination.
pub fn target_of(url: &Url) -> String {
    let host = url.host_str().unwrap_or("?");
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

/// What went wrong on the way through a proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Nothing listens at the proxy's address.
    Refused,
    /// The proxy's own host name does not resolve.
    Unresolved,
    /// The proxy wants credentials (407).
    AuthRequired,
    /// The proxy answered CONNECT with an error: it cannot or may not reach the destination.
    TunnelRefused,
    /// The proxy did not accept the connection or answer in time.
    Timeout,
    /// TLS with the destination, inside the tunnel, failed.
    Tls,
    /// The connection broke (reset, closed early).
    Broken,
}

impl FailureKind {
    /// Whether another attempt may succeed.
    pub fn is_transient(self) -> bool {
        matches!(self, Self::Timeout | Self::Broken)
    }

    /// Sorts the cause of a failed connection made through a proxy.
    pub fn of(cause: &(dyn StdError + 'static)) -> Self {
        let mut text = String::new();
        let mut refused = false;
        let mut timed_out = false;
        let mut cur = Some(cause);
        while let Some(e) = cur {
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                refused |= io.kind() == std::io::ErrorKind::ConnectionRefused;
                timed_out |= io.kind() == std::io::ErrorKind::TimedOut;
            }
            text.push_str(&e.to_string().to_ascii_lowercase());
            text.push('\n');
            cur = e.source();
        }
        let has = |w: &str| text.contains(w);
        if refused || has("connection refused") {
            Self::Refused
        } else if has("dns error") || has("failed to lookup address") || has("name or service") {
            Self::Unresolved
        } else if has("proxy authorization required") || has("proxy authentication required") {
            Self::AuthRequired
        } else if has("unsuccessful") || has("tunnel") {
            Self::TunnelRefused
        } else if timed_out || has("timed out") || has("timeout") {
            Self::Timeout
        } else if has("certificate") || has("tls") || has("handshake") {
            Self::Tls
        } else {
            Self::Broken
        }
    }
}

/// A request that failed because of, or on the way through, a proxy. Its message names the
/// proxy and the variable it came from; never a password (the proxy URL has none).
#[derive(Debug)]
pub struct ProxyFailure {
    pub proxy: ProxyUse,
    /// `host[:port]` of the destination.
    pub target: String,
    pub kind: FailureKind,
    /// The innermost cause, on one line.
    pub detail: String,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl ProxyFailure {
    /// A failure of a request to `target` through `proxy`, caused by `cause`.
    pub fn new(proxy: ProxyUse, target: String, cause: Box<dyn StdError + Send + Sync>) -> Self {
        let kind = FailureKind::of(&*cause);
        let detail = innermost(&*cause);
        Self {
            proxy,
            target,
            kind,
            detail,
            source: Some(cause),
        }
    }

    /// The first ProxyFailure in an error's source chain.
    pub fn find<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a ProxyFailure> {
        let mut cur = Some(err);
        while let Some(e) = cur {
            if let Some(p) = e.downcast_ref::<ProxyFailure>() {
                return Some(p);
            }
            cur = e.source();
        }
        None
    }
}

impl fmt::Display for ProxyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}",
            message(&self.proxy, &self.target, self.kind, &self.detail)
        )
    }
}

impl StdError for ProxyFailure {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// The one-line message of a failure through a proxy, with what to do next.
pub fn message(p: &ProxyUse, target: &str, kind: FailureKind, detail: &str) -> String {
    let (proxy, var) = (&p.proxy, p.var);
    let host = target.rsplit_once(':').map_or(target, |(h, _)| h);
    let bypass = format!("or add {host} to NO_PROXY to connect directly");
    match kind {
        FailureKind::Refused => format!(
            "the proxy {proxy} from {var} refused the connection to {target}; is the proxy running and {var} right? ({bypass})"
        ),
        FailureKind::Unresolved => format!(
            "the host of the proxy {proxy} from {var} does not resolve (on the way to {target}); check {var} ({bypass})"
        ),
        FailureKind::AuthRequired => format!(
            "the proxy {proxy} from {var} wants a user and password (407) for {target}; set them in {var} as http://USER:PASSWORD@HOST:PORT"
        ),
        FailureKind::TunnelRefused => format!(
            "the proxy {proxy} from {var} would not open a tunnel (CONNECT) to {target}: it cannot reach it or does not allow that port; check the proxy's rules ({bypass})"
        ),
        FailureKind::Timeout => format!(
            "the proxy {proxy} from {var} did not answer in time on the way to {target}; check the proxy, or raise connect_timeout_secs / read_timeout_secs ({bypass})"
        ),
        FailureKind::Tls => format!(
            "TLS with {target} through the proxy {proxy} from {var} failed: {detail}; for a private CA set ca_bundle in the profile"
        ),
        FailureKind::Broken => format!(
            "the connection to {target} through the proxy {proxy} from {var} broke: {detail}"
        ),
    }
}

/// A bare 5xx (no S3 error in it) that came back through a plain-HTTP proxy: what a proxy
/// answers when it cannot reach the destination.
pub fn answered_message(p: &ProxyUse, target: &str, status: u16) -> String {
    let host = target.rsplit_once(':').map_or(target, |(h, _)| h);
    format!(
        "HTTP {status} without an S3 error came back from the proxy {} from {} (what a proxy answers when it cannot reach {target}); check the proxy, or add {host} to NO_PROXY to connect directly",
        p.proxy, p.var
    )
}

fn innermost(err: &(dyn StdError + 'static)) -> String {
    let mut cur = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string().replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy() -> ProxyUse {
        ProxyUse {
            proxy: "http://127.0.0.1:9".into(),
            var: "HTTP_PROXY",
            no_proxy: None,
        }
    }

    #[test]
    fn a_refused_connection_names_the_proxy_its_variable_and_the_target() {
        let cause: Box<dyn StdError + Send + Sync> =
            Box::new(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        let f = ProxyFailure::new(proxy(), "s3.example.com".into(), cause);
        assert_eq!(f.kind, FailureKind::Refused);
        assert!(!f.kind.is_transient());
        assert!(
            f.to_string().starts_with(
                "the proxy http://127.0.0.1:9 from HTTP_PROXY refused the connection to s3.example.com; "
            ),
            "{f}"
        );
        // As the SDK reports it: a connector error whose source is the failure.
        let outer = aws_smithy_runtime_api::client::result::ConnectorError::io(Box::new(f));
        assert!(
            ProxyFailure::find(&outer).is_some(),
            "found through a source chain"
        );
    }

    #[test]
    fn failure_kinds_from_causes() {
        let kind = |msg: &str| FailureKind::of(&std::io::Error::other(msg.to_string()));
        assert_eq!(
            kind("tunnel error: unsuccessful"),
            FailureKind::TunnelRefused
        );
        assert_eq!(
            kind("proxy authorization required"),
            FailureKind::AuthRequired
        );
        assert_eq!(
            kind("dns error: failed to lookup address"),
            FailureKind::Unresolved
        );
        assert_eq!(kind("operation timed out"), FailureKind::Timeout);
        assert_eq!(kind("connection reset by peer"), FailureKind::Broken);
        assert!(kind("connection reset by peer").is_transient());
        let m = message(&proxy(), "rgw:8080", FailureKind::TunnelRefused, "");
        assert!(m.contains("add rgw to NO_PROXY"), "{m}");
    }

    #[test]
    fn proxy_urls_are_shown_without_passwords() {
        assert_eq!(
            parse_proxy("http://user:pa55@10.0.0.1:3128").as_deref(),
            Some("http://10.0.0.1:3128")
        );
        assert_eq!(
            parse_proxy("10.0.0.1:3128").as_deref(),
            Some("http://10.0.0.1:3128")
        );
        assert_eq!(parse_proxy("ftp://x:1"), None);
    }
}
