//! Settings of the RGW admin client, checked before any request: endpoint, keys, CA bundle, timeouts.

use super::{Result, RgwAdmin, RgwError};
use crate::s3::retry::{Limiter, RetryPolicy};
use aws_credential_types::Credentials;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// Settings of an [`RgwAdmin`]; [`build`](Self::build) validates them.
#[derive(Clone)]
pub struct RgwAdminBuilder {
    endpoint: String,
    access_key: String,
    secret_key: String,
    ca_bundle: Option<PathBuf>,
    connect_timeout: Duration,
    read_timeout: Duration,
    profile: Option<String>,
    read_only: bool,
    retry: RetryPolicy,
    attempt_timeout: Option<Duration>,
    limiter: Option<Arc<Limiter>>,
}

impl RgwAdmin {
    /// Starts a client for `endpoint` (e.g. `https://rgw.example:8443`) with a user's S3 keys.
    pub fn builder(
        endpoint: impl Into<String>,
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> RgwAdminBuilder {
        RgwAdminBuilder {
            endpoint: endpoint.into(),
            access_key: access_key.into(),
            secret_key: secret_key.into(),
            ca_bundle: None,
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            read_timeout: Self::DEFAULT_READ_TIMEOUT,
            profile: None,
            read_only: false,
            retry: RetryPolicy::once(),
            attempt_timeout: None,
            limiter: None,
        }
    }
}

impl RgwAdminBuilder {
    /// Trust only the CA certificates of this PEM file (for a gateway with a private CA).
    pub fn ca_bundle(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_bundle = Some(path.into());
        self
    }

    /// Time to establish a connection (TCP and TLS).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time to wait for each read of an answer.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Retries of transient failures (default: none), a bound on each attempt, answer included
    /// (default: none beyond the connect and read timeouts), and the limiter the attempts pass
    /// ([`Clients::configure_rgw`](crate::s3::client::Clients::configure_rgw) sets the
    /// profile's).
    pub fn retry(
        mut self,
        policy: RetryPolicy,
        attempt_timeout: Duration,
        limiter: Option<Arc<Limiter>>,
    ) -> Self {
        self.retry = policy;
        self.attempt_timeout = Some(attempt_timeout);
        self.limiter = limiter;
        self
    }

    /// The profile name that error messages point the user to.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Refuse the calls that change the server (a read-only profile).
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    /// Validates the settings and sets up the HTTP client (no request is sent).
    pub fn build(self) -> Result<RgwAdmin> {
        let base = parse_endpoint(&self.endpoint)?;
        if self.access_key.trim().is_empty() || self.secret_key.is_empty() {
            return Err(RgwError::InvalidRequest(format!(
                "the RGW access key or secret key of {} is empty; set both",
                self.profile
                    .as_deref()
                    .map_or("the profile".into(), |p| format!("profile `{p}`"))
            )));
        }
        if self.connect_timeout.is_zero()
            || self.read_timeout.is_zero()
            || self.attempt_timeout.is_some_and(|t| t.is_zero())
        {
            return Err(RgwError::InvalidRequest(
                "RGW timeouts must be longer than zero".into(),
            ));
        }
        let mut http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .read_timeout(self.read_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("s3scope/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = &self.ca_bundle {
            let ca_error = |reason: String| RgwError::CaBundle {
                path: path.clone(),
                reason,
            };
            let pem = std::fs::read(path).map_err(|e| ca_error(e.to_string()))?;
            let certs =
                reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| ca_error(e.to_string()))?;
            if certs.is_empty() {
                return Err(ca_error("it holds no PEM certificate".into()));
            }
            http = http.tls_certs_only(certs);
        }
        let http = http.build().map_err(|e| RgwError::Transport {
            endpoint: base.as_str().trim_end_matches('/').to_string(),
            reason: format!("cannot set up the HTTP client: {e}"),
        })?;
        let credentials = Credentials::new(
            self.access_key.trim(),
            self.secret_key,
            None,
            None,
            "s3scope-rgw-admin",
        );
        Ok(RgwAdmin {
            http,
            base,
            credentials,
            profile: self.profile,
            read_only: self.read_only,
            connect_timeout: self.connect_timeout,
            read_timeout: self.read_timeout,
            retry: self.retry,
            attempt_timeout: self.attempt_timeout,
            limiter: self.limiter,
        })
    }
}

/// Checks an endpoint URL and gives it the trailing slash that `Url::join` needs.
fn parse_endpoint(endpoint: &str) -> Result<Url> {
    let invalid = |shown: &str, reason: &str| RgwError::InvalidEndpoint {
        endpoint: shown.to_string(),
        reason: format!("{reason}; use a URL like http://rgw.example:8080"),
    };
    let mut url = Url::parse(endpoint.trim()).map_err(|e| invalid(endpoint, &e.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        // Never echo a password back: show the URL without its user info.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        return Err(invalid(
            url.as_str(),
            "user info in the URL is not used; set the keys in the profile",
        ));
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(url.as_str(), "the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid(url.as_str(), "the URL has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            url.as_str(),
            "the URL must not have a query or fragment",
        ));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

impl fmt::Debug for RgwAdminBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RgwAdminBuilder")
            .field("endpoint", &self.endpoint)
            .field("access_key", &self.access_key)
            .field("secret_key", &"** redacted **")
            .field("ca_bundle", &self.ca_bundle)
            .field("profile", &self.profile)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("retry", &self.retry)
            .field("attempt_timeout", &self.attempt_timeout)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr3t-never-shown";

    #[test]
    fn bad_endpoints_and_settings_are_clear_errors() {
        let err = |e: &str| {
            RgwAdmin::builder(e, "AK", SECRET)
                .build()
                .unwrap_err()
                .to_string()
        };
        assert!(err("127.0.0.1:8080").contains("use a URL like"));
        assert!(err("ftp://h").contains("scheme must be http or https"));
        assert!(err("http://h/?x=1").contains("query"));
        let shown = err("http://user:hunter2@h:1");
        assert!(
            shown.contains("user info") && !shown.contains("hunter2"),
            "{shown}"
        );
        let e = RgwAdmin::builder("http://h", "AK", "").build().unwrap_err();
        assert!(e.to_string().contains("empty"));
        let e = RgwAdmin::builder("http://h", "AK", SECRET)
            .read_timeout(Duration::ZERO)
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("longer than zero"));
    }

    #[test]
    fn unusable_ca_bundles_are_reported_with_their_path() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let e = RgwAdmin::builder("https://h", "AK", SECRET)
            .ca_bundle(&missing)
            .build()
            .unwrap_err();
        assert!(matches!(e, RgwError::CaBundle { .. }));
        assert!(e.to_string().contains("missing.pem"), "{e}");
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let e = RgwAdmin::builder("https://h", "AK", SECRET)
            .ca_bundle(&empty)
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("no PEM certificate"), "{e}");
    }
}
