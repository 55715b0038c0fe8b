//! Client of the Ceph RGW admin API (usage log, bucket stats), SigV4-signed like S3 requests.
//!
//! ```no_run
//! # async fn demo() -> Result<(), s3scope::s3::rgw::RgwError> {
//! use s3scope::s3::rgw::{RgwAdmin, UsageQuery};
//! let rgw = RgwAdmin::builder("http://127.0.0.1:8080", "ACCESS", "SECRET").profile("ceph").build()?;
//! let usage = rgw.usage(&UsageQuery { uid: Some("alice".into()), ..Default::default() }).await?;
//! let stats = rgw.bucket_stats(Some("logs")).await?;
//! # Ok(()) }
//! ```

mod builder;
mod error;
mod query;
mod types;

pub use builder::RgwAdminBuilder;
pub use error::RgwError;
pub(crate) use error::error_code;
pub use query::{RGW_TIME_FORMAT, TrimQuery, UsageQuery};
pub use types::{
    BucketStats, BucketUsage, UsageBucketHour, UsageCategory, UsageResponse, UsageSummary,
    UsageTotals, UsageUserEntries,
};

use crate::s3::retry::{self, Limiter, RetryPolicy};
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use error::CallContext;
use reqwest::Method;
use reqwest::header::HeaderValue;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use url::Url;

/// Result of the RGW admin client.
pub type Result<T, E = RgwError> = std::result::Result<T, E>;

/// RGW checks neither region nor service name of the signature; these are what S3 clients use.
const SIGNING_REGION: &str = "us-east-1";
const SIGNING_SERVICE: &str = "s3";

/// A signed HTTP client for one RGW endpoint and one user's S3 keys.
///
/// The calls need admin caps on that user: `usage=read` for [`usage`](Self::usage),
/// `usage=write` for [`trim_usage`](Self::trim_usage), `buckets=read` for
/// [`bucket_stats`](Self::bucket_stats).
#[derive(Clone)]
pub struct RgwAdmin {
    http: reqwest::Client,
    /// The endpoint with a trailing slash, so that `admin/...` joins below any path prefix.
    base: Url,
    credentials: Credentials,
    profile: Option<String>,
    /// Refuse every call that changes the server (see [`crate::s3::write`]).
    read_only: bool,
    connect_timeout: Duration,
    read_timeout: Duration,
    retry: RetryPolicy,
    attempt_timeout: Option<Duration>,
    limiter: Option<Arc<Limiter>>,
}

impl RgwAdmin {
    /// Default time to establish a connection (TCP and TLS).
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
    /// Default time to wait for each read of an answer.
    pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(60);

    /// The endpoint as shown in messages, without a trailing slash.
    pub fn endpoint(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// The access key the requests are signed with.
    pub fn access_key(&self) -> &str {
        self.credentials.access_key_id()
    }

    /// `GET /admin/usage`: request and traffic counters per user, bucket, hour and category.
    /// The server's log lags about a second behind the requests. Needs the cap `usage=read`.
    pub async fn usage(&self, query: &UsageQuery) -> Result<UsageResponse> {
        let q = query.to_query_string()?;
        let ctx = self.context("usage=read", query.bucket.as_deref());
        let body = self.call(&ctx, Method::GET, "admin/usage", &q).await?;
        serde_json::from_slice(&body).map_err(|e| ctx.decode(&e))
    }

    /// `DELETE /admin/usage`: removes usage records (only call it once they are saved).
    /// Needs the cap `usage=write`.
    /// Refused on a read-only profile before any request is sent.
    pub async fn trim_usage(&self, trim: &TrimQuery) -> Result<()> {
        if self.read_only {
            return Err(RgwError::ReadOnly(crate::s3::write::ReadOnly {
                profile: self.profile.clone().unwrap_or_default(),
                action: "DELETE /admin/usage (usage trim)".into(),
            }));
        }
        let q = trim.to_query_string()?;
        let ctx = self.context("usage=write", trim.bucket.as_deref());
        self.call(&ctx, Method::DELETE, "admin/usage", &q)
            .await
            .map(drop)
    }

    /// `GET /admin/bucket?stats=True`: exact object counts and sizes of one bucket, or of every
    /// bucket when `bucket` is `None`. Needs the cap `buckets=read`.
    pub async fn bucket_stats(&self, bucket: Option<&str>) -> Result<Vec<BucketStats>> {
        let q = query::bucket_stats_query(bucket)?;
        let ctx = self.context("buckets=read", bucket);
        let body = self.call(&ctx, Method::GET, "admin/bucket", &q).await?;
        types::parse_bucket_stats(&body).map_err(|e| ctx.decode(&e))
    }

    fn context<'a>(&'a self, cap: &'static str, bucket: Option<&'a str>) -> CallContext<'a> {
        CallContext {
            endpoint: self.endpoint(),
            https: self.base.scheme() == "https",
            access_key: self.credentials.access_key_id(),
            profile: self.profile.as_deref(),
            cap,
            bucket,
            connect_timeout: self.connect_timeout,
            read_timeout: self.read_timeout,
        }
    }

    /// One call with the retry policy: a fresh signature per attempt, each attempt bounded by
    /// the attempt timeout and passing the profile's limiter. Every call is idempotent (GET, and
    /// a DELETE of a time range), so a retry after a lost answer does no harm.
    async fn call(
        &self,
        ctx: &CallContext<'_>,
        method: Method,
        path: &str,
        query: &str,
    ) -> Result<bytes::Bytes> {
        let what = format!("{method} {path}");
        let attempt = |_| async {
            let once = self.call_once(ctx, method.clone(), path, query);
            match self.attempt_timeout {
                Some(after) => tokio::time::timeout(after, once).await.unwrap_or_else(|_| {
                    Err(RgwError::AttemptTimeout {
                        endpoint: self.endpoint().to_string(),
                        after,
                    })
                }),
                None => once.await,
            }
        };
        retry::run(
            &self.retry,
            self.limiter.as_ref(),
            &what,
            attempt,
            RgwError::transience,
        )
        .await
    }

    async fn call_once(
        &self,
        ctx: &CallContext<'_>,
        method: Method,
        path: &str,
        query: &str,
    ) -> Result<bytes::Bytes> {
        let request = self.signed_request(method, path, query)?;
        let response = self
            .http
            .execute(request)
            .await
            .map_err(|e| ctx.transport(&e))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| ctx.transport(&e))?;
        if status.is_success() {
            Ok(body)
        } else {
            Err(ctx.status(status.as_u16(), &body))
        }
    }

    /// The request with its SigV4 headers. The URL signed is the URL sent: `query` is already
    /// percent-encoded, and the empty body is declared and signed in `x-amz-content-sha256`,
    /// which the admin API requires.
    fn signed_request(&self, method: Method, path: &str, query: &str) -> Result<reqwest::Request> {
        let mut url = self
            .base
            .join(path)
            .map_err(|e| self.invalid_endpoint(e.to_string()))?;
        url.set_query(Some(query).filter(|q| !q.is_empty()));

        let mut settings = SigningSettings::default();
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        let identity: Identity = self.credentials.clone().into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(SIGNING_REGION)
            .name(SIGNING_SERVICE)
            .time(SystemTime::now())
            .settings(settings)
            .build()
            .map_err(|e| RgwError::InvalidRequest(format!("cannot sign the request: {e}")))?
            .into();
        let signable = SignableRequest::new(
            method.as_str(),
            url.as_str(),
            std::iter::empty(),
            SignableBody::Bytes(&[]),
        )
        .map_err(|e| RgwError::InvalidRequest(format!("cannot sign a request to {url}: {e}")))?;
        let (instructions, _signature) = sign(signable, &params)
            .map_err(|e| RgwError::InvalidRequest(format!("cannot sign a request to {url}: {e}")))?
            .into_parts();

        let mut request = reqwest::Request::new(method, url);
        let (headers, _) = instructions.into_parts();
        for header in headers {
            let mut value = HeaderValue::from_str(header.value()).map_err(|e| {
                RgwError::InvalidRequest(format!("invalid signed header {}: {e}", header.name()))
            })?;
            // A signature can be replayed for minutes: keep it out of debug output too.
            value.set_sensitive(header.sensitive() || header.name() == "authorization");
            request.headers_mut().insert(header.name(), value);
        }
        Ok(request)
    }

    fn invalid_endpoint(&self, reason: String) -> RgwError {
        RgwError::InvalidEndpoint {
            endpoint: self.endpoint().to_string(),
            reason,
        }
    }
}

impl fmt::Debug for RgwAdmin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RgwAdmin")
            .field("endpoint", &self.endpoint())
            .field("access_key", &self.access_key())
            .field("secret_key", &"** redacted **")
            .field("profile", &self.profile)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr3t-never-shown";

    fn admin(endpoint: &str) -> RgwAdmin {
        RgwAdmin::builder(endpoint, "AKEXAMPLE", SECRET)
            .profile("ceph")
            .build()
            .unwrap()
    }

    #[test]
    fn debug_output_masks_the_secret() {
        let builder = RgwAdmin::builder("http://127.0.0.1:1", "AKEXAMPLE", SECRET);
        let built = builder.clone().build().unwrap();
        for shown in [
            format!("{builder:?}"),
            format!("{built:?}"),
            format!("{builder:#?}"),
        ] {
            assert!(!shown.contains(SECRET), "{shown}");
            assert!(
                shown.contains("AKEXAMPLE") && shown.contains("redacted"),
                "{shown}"
            );
        }
    }

    #[test]
    fn requests_are_sigv4_signed_with_the_payload_hash() {
        let rgw = admin("http://127.0.0.1:18080");
        let req = rgw
            .signed_request(
                Method::GET,
                "admin/usage",
                "format=json&start=2026-11-22%2009%3A00%3A00",
            )
            .unwrap();
        assert_eq!(
            req.url().as_str(),
            "http://127.0.0.1:18080/admin/usage?format=json&start=2026-11-22%2009%3A00%3A00"
        );
        let h = req.headers();
        assert_eq!(
            h["x-amz-content-sha256"],
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert!(h.contains_key("x-amz-date"));
        let auth = h["authorization"].to_str().unwrap();
        assert!(
            auth.starts_with("AWS4-HMAC-SHA256 Credential=AKEXAMPLE/"),
            "{auth}"
        );
        assert!(auth.contains("/us-east-1/s3/aws4_request"), "{auth}");
        assert!(
            auth.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date"),
            "{auth}"
        );
        assert!(!auth.contains(SECRET));
        assert!(h["authorization"].is_sensitive());
        assert!(!format!("{req:?}").contains(auth));
    }

    #[test]
    fn endpoints_with_a_path_prefix_keep_it() {
        let rgw = admin("https://gw.example/rgw");
        assert_eq!(rgw.endpoint(), "https://gw.example/rgw");
        let req = rgw
            .signed_request(Method::DELETE, "admin/usage", "uid=u")
            .unwrap();
        assert_eq!(
            req.url().as_str(),
            "https://gw.example/rgw/admin/usage?uid=u"
        );
        assert_eq!(req.method(), Method::DELETE);
    }

    #[test]
    fn client_side_refusals_need_no_network() {
        let rgw = admin("http://127.0.0.1:1");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let trim = TrimQuery {
            bucket: Some("b".into()),
            ..Default::default()
        };
        let e = rt.block_on(rgw.trim_usage(&trim)).unwrap_err();
        assert!(matches!(e, RgwError::InvalidRequest(_)), "{e}");
    }
}
