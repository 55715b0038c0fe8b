//! Client factory: one SDK config per profile (retries, timeouts, limiter), S3 and CloudWatch
//! clients per region, the RGW admin client, bucket regions cached.

use super::error::S3Error;
use super::retry::{self, Limiter, RetryPolicy};
use super::rgw::{RgwAdmin, RgwAdminBuilder};
use super::write::{RefuseWrites, Writer};
use crate::config::{Credentials, Profile, RetryMode, S3Settings, Secret};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_s3::Client as S3Client;
use aws_sdk_s3::config::retry::RetryPartition;
use aws_smithy_http_client::tls;
use aws_smithy_types::timeout::TimeoutConfig;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use thiserror::Error;

/// Failures while building clients (before any request is sent).
#[derive(Debug, Error)]
pub enum ClientError {
    #[error("cannot read ca_bundle {path}: {source}")]
    CaBundle {
        path: String,
        source: std::io::Error,
    },
}

/// Clients for one profile. Cheap to clone; safe to share between tasks.
#[derive(Clone)]
pub struct Clients {
    inner: Arc<Inner>,
}

struct Inner {
    profile: Profile,
    settings: S3Settings,
    limiter: Option<Arc<Limiter>>,
    s3_partition: RetryPartition,
    cloudwatch_partition: RetryPartition,
    sdk: SdkConfig,
    default_region: String,
    s3_by_region: Mutex<HashMap<String, S3Client>>,
    bucket_regions: Mutex<HashMap<String, String>>,
}

impl Clients {
    /// Clients of a profile with the default retry settings and the profile's own timeouts and
    /// attempts (see [`with_settings`](Self::with_settings)).
    pub async fn new(profile: &Profile) -> Result<Self, ClientError> {
        Self::with_settings(profile, S3Settings::for_profile(profile)).await
    }

    /// Builds the SDK configuration of a profile: credentials, region, TLS, and `settings`'
    /// timeouts and retries; in adaptive mode every request of these clients (and of the RGW
    /// admin client from [`configure_rgw`](Self::configure_rgw)) passes one shared limiter.
    pub async fn with_settings(
        profile: &Profile,
        settings: S3Settings,
    ) -> Result<Self, ClientError> {
        let limiter = (settings.retry_mode == RetryMode::Adaptive).then(Limiter::new);
        let tls = match &profile.ca_bundle {
            Some(path) => Some(tls_context(path)?),
            None => None,
        };
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(settings.connect_timeout)
                    .read_timeout(settings.read_timeout)
                    .operation_attempt_timeout(settings.attempt_timeout)
                    .build(),
            )
            .retry_config(retry::retry_config(&settings))
            .http_client(retry::http_client(tls, limiter.clone()));
        if let Some(name) = &profile.aws_profile {
            loader = loader.profile_name(name);
        }
        if let Some(region) = &profile.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Credentials::Static {
            access_key_id,
            secret_access_key,
            ..
        } = &profile.credentials
        {
            loader = loader.credentials_provider(aws_credential_types::Credentials::new(
                access_key_id.clone(),
                secret_access_key.expose().to_string(),
                None,
                None,
                "s3scope-profile",
            ));
        }
        let sdk = loader.load().await;
        let default_region = sdk
            .region()
            .map_or_else(|| "us-east-1".to_string(), |r| r.to_string());
        Ok(Self {
            inner: Arc::new(Inner {
                profile: profile.clone(),
                settings,
                limiter,
                s3_partition: retry::partition("s3scope-s3"),
                cloudwatch_partition: retry::partition("s3scope-cloudwatch"),
                sdk,
                default_region,
                s3_by_region: Mutex::new(HashMap::new()),
                bucket_regions: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The retry and timeout settings every client of this profile uses.
    pub fn settings(&self) -> &S3Settings {
        &self.inner.settings
    }

    /// The adaptive limiter shared by this profile's requests (None in standard mode).
    pub fn limiter(&self) -> Option<&Arc<Limiter>> {
        self.inner.limiter.as_ref()
    }

    /// Attempts and backoff, for retries made outside the SDK.
    pub fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy::new(&self.inner.settings)
    }

    /// An RGW admin client builder with this profile's name, CA bundle, timeouts, retries and
    /// limiter.
    pub fn configure_rgw(&self, builder: RgwAdminBuilder) -> RgwAdminBuilder {
        let p = &self.inner.profile;
        let s = &self.inner.settings;
        let mut b = builder
            .connect_timeout(s.connect_timeout)
            .read_timeout(s.read_timeout)
            .retry(
                self.retry_policy(),
                s.attempt_timeout,
                self.inner.limiter.clone(),
            )
            .profile(p.name.clone())
            .read_only(p.read_only);
        if let Some(ca) = &p.ca_bundle {
            b = b.ca_bundle(ca.clone());
        }
        b
    }

    /// The RGW admin client of this profile: its endpoint and keys, see
    /// [`configure_rgw`](Self::configure_rgw).
    pub async fn rgw_admin(&self) -> Result<RgwAdmin, S3Error> {
        let p = &self.inner.profile;
        let endpoint = p.endpoint.as_ref().ok_or_else(|| S3Error::Other {
            operation: "RGW admin API".into(),
            detail: format!(
                "the RGW admin API is on the gateway's endpoint, but profile `{}` has none",
                p.name
            ),
        })?;
        let (ak, sk) = self.static_credentials().await?;
        self.configure_rgw(RgwAdmin::builder(endpoint.as_str(), ak, sk.expose()))
            .build()
            .map_err(|e| S3Error::Other {
                operation: "RGW admin API".into(),
                detail: e.to_string(),
            })
    }

    pub fn profile(&self) -> &Profile {
        &self.inner.profile
    }

    /// The endpoint for error messages ("AWS S3 (region)" when none is set).
    pub fn endpoint_label(&self) -> String {
        match &self.inner.profile.endpoint {
            Some(_) => self.inner.profile.endpoint_label(),
            None => format!("AWS S3 ({})", self.inner.default_region),
        }
    }

    pub fn default_region(&self) -> &str {
        &self.inner.default_region
    }

    /// The S3 client for the profile's own region.
    pub fn s3(&self) -> S3Client {
        self.s3_in(&self.inner.default_region.clone())
    }

    /// The S3 client for a region (cached).
    pub fn s3_in(&self, region: &str) -> S3Client {
        let mut map = lock(&self.inner.s3_by_region);
        map.entry(region.to_string())
            .or_insert_with(|| {
                let mut b = aws_sdk_s3::config::Builder::from(&self.inner.sdk)
                    .region(Region::new(region.to_string()))
                    .force_path_style(self.inner.profile.path_style)
                    .retry_partition(self.inner.s3_partition.clone())
                    .retry_classifier(retry::Classifier);
                if let Some(ep) = &self.inner.profile.endpoint {
                    b = b.endpoint_url(ep.as_str().trim_end_matches('/'));
                }
                if let Some(guard) = self.refuse_writes() {
                    b = b.interceptor(guard);
                }
                S3Client::from_conf(b.build())
            })
            .clone()
    }

    /// The CloudWatch client for a region.
    pub fn cloudwatch_in(&self, region: &str) -> aws_sdk_cloudwatch::Client {
        let mut b = aws_sdk_cloudwatch::config::Builder::from(&self.inner.sdk)
            .region(Region::new(region.to_string()))
            .retry_partition(self.inner.cloudwatch_partition.clone())
            .retry_classifier(retry::Classifier);
        if let Some(guard) = self.refuse_writes() {
            b = b.interceptor(guard);
        }
        aws_sdk_cloudwatch::Client::from_conf(b.build())
    }

    /// The region a bucket lives in (GetBucketLocation, cached). S3-compatible endpoints
    /// usually have one region; their answer is used when it is a real region name.
    pub async fn bucket_region(&self, bucket: &str) -> Result<String, S3Error> {
        if let Some(r) = lock(&self.inner.bucket_regions).get(bucket) {
            return Ok(r.clone());
        }
        let out = self
            .s3()
            .get_bucket_location()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| {
                S3Error::classify(&e, &self.endpoint_label(), "GetBucketLocation", bucket)
            })?;
        let answer = out.location_constraint().map(|c| c.as_str()).unwrap_or("");
        let region = match answer {
            "" if self.inner.profile.endpoint.is_some() => self.inner.default_region.clone(),
            "" => "us-east-1".to_string(),
            "EU" => "eu-west-1".to_string(),
            // One custom endpoint signs with one region; Ceph answers its zonegroup name
            // (e.g. "default"), which is not a signing region.
            r if self.inner.profile.endpoint.is_some() && !r.contains('-') => {
                self.inner.default_region.clone()
            }
            r => r.to_string(),
        };
        lock(&self.inner.bucket_regions).insert(bucket.to_string(), region.clone());
        Ok(region)
    }

    /// The profile's keys as the SDK resolves them (inline, env, ~/.aws files, SSO...), for
    /// signing requests the SDK does not make itself (the RGW admin API).
    pub async fn static_credentials(&self) -> Result<(String, Secret), S3Error> {
        use aws_credential_types::provider::ProvideCredentials;
        let provider = self
            .inner
            .sdk
            .credentials_provider()
            .ok_or(S3Error::NoCredentials)?;
        let creds = provider
            .provide_credentials()
            .await
            .map_err(|_| S3Error::NoCredentials)?;
        Ok((
            creds.access_key_id().to_string(),
            Secret::new(creds.secret_access_key()),
        ))
    }

    /// The guard every client of a read-only profile carries: write operations fail before
    /// they are sent (see [`super::write`]).
    fn refuse_writes(&self) -> Option<RefuseWrites> {
        let p = &self.inner.profile;
        p.read_only.then(|| RefuseWrites {
            profile: p.name.clone(),
        })
    }

    /// Refuses `action` (e.g. "segregate apply") on a read-only profile, before any request.
    /// Front ends may call it early for a nicer message; the write paths check on their own.
    pub fn check_writable(&self, action: &str) -> Result<(), S3Error> {
        Ok(super::write::permit(&self.inner.profile, action)?)
    }

    /// Write access to `bucket` (its region's client) for `action`; refused with
    /// [`S3Error::ReadOnly`] on a read-only profile before any request is sent.
    pub async fn writer(&self, bucket: &str, action: &str) -> Result<Writer, S3Error> {
        self.check_writable(action)?;
        let s3 = self.s3_for_bucket(bucket).await?;
        Ok(Writer::new(s3, &self.inner.profile, action)?)
    }

    /// The S3 client for the bucket's own region.
    pub async fn s3_for_bucket(&self, bucket: &str) -> Result<S3Client, S3Error> {
        let region = self.bucket_region(bucket).await?;
        Ok(self.s3_in(&region))
    }
}

/// The TLS settings trusting only the CA certificates of a PEM file.
fn tls_context(path: &std::path::Path) -> Result<tls::TlsContext, ClientError> {
    let pem = std::fs::read(path).map_err(|source| ClientError::CaBundle {
        path: path.display().to_string(),
        source,
    })?;
    let trust = tls::TrustStore::default().with_pem_certificate(pem);
    tls::TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .map_err(|e| ClientError::CaBundle {
            path: path.display().to_string(),
            source: std::io::Error::other(e.to_string()),
        })
}

/// Locks a mutex, recovering from poisoning (a panicked holder leaves a usable cache).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
