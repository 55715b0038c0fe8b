//! The one door to S3 writes: a [`Writer`] exists only for a profile that may write, and every
//! client of a read-only profile refuses write operations before a byte is sent.
//!
//! Two locks, both in the core so that no front end can forget them:
//! - the core's write paths (segregate apply, pipeline storage on `s3://`, usage trims) take a
//!   [`Writer`], which only [`Clients::writer`](super::client::Clients::writer) hands out, and
//!   only when the profile is not read-only;
//! - the S3 and CloudWatch clients of a read-only profile carry `RefuseWrites`, an SDK
//!   interceptor that fails every operation that is not a read (`Get*`, `Head*`, `List*`,
//!   `Describe*`) before it is serialized, so even a client used directly cannot write.
//!
//! Both refuse with [`S3Error::ReadOnly`](super::error::S3Error::ReadOnly).

use crate::config::Profile;
use aws_sdk_s3::Client;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use thiserror::Error;

/// A write refused because the profile is read-only (carried through the SDK as the source of
/// its error, then sorted into [`S3Error::ReadOnly`](super::error::S3Error::ReadOnly)).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error(
    "profile `{profile}` is read-only: {action} was refused before any request was sent; use a profile without read_only (and without --read-only)"
)]
pub struct ReadOnly {
    pub profile: String,
    pub action: String,
}

/// An S3 client of a profile that may write. Only the core makes one, after checking the
/// profile; the core's write paths take it instead of a bare client.
#[derive(Clone, Debug)]
pub struct Writer {
    s3: Client,
    profile: String,
}

impl Writer {
    /// Write access with `s3` for `profile`, or its refusal when the profile is read-only.
    pub(crate) fn new(s3: Client, profile: &Profile, action: &str) -> Result<Self, ReadOnly> {
        permit(profile, action)?;
        Ok(Self {
            s3,
            profile: profile.name.clone(),
        })
    }

    /// Write access through a client the caller built itself, not from a profile (tests,
    /// programs embedding the core), so no `read_only` setting applies. The clients of a
    /// read-only profile still refuse every write whatever wraps them: their interceptor is
    /// part of the client.
    pub fn from_client(s3: Client, label: &str) -> Self {
        Self {
            s3,
            profile: label.to_string(),
        }
    }

    /// The client: reads and writes.
    pub fn s3(&self) -> &Client {
        &self.s3
    }

    /// The profile that granted the access.
    pub fn profile(&self) -> &str {
        &self.profile
    }
}

/// Refuses `action` when `profile` is read-only.
pub fn permit(profile: &Profile, action: &str) -> Result<(), ReadOnly> {
    if profile.read_only {
        return Err(ReadOnly {
            profile: profile.name.clone(),
            action: action.to_string(),
        });
    }
    Ok(())
}

/// True for the operations that only read (S3: `GetObject`, `HeadObject`, `ListObjectsV2`...;
/// CloudWatch: `GetMetricData`, `ListMetrics`...). Everything else counts as a write.
pub fn is_read(operation: &str) -> bool {
    ["Get", "Head", "List", "Describe"]
        .iter()
        .any(|p| operation.starts_with(p))
}

/// The interceptor on every client of a read-only profile: refuses any write operation.
#[derive(Debug)]
pub(crate) struct RefuseWrites {
    pub profile: String,
}

impl Intercept for RefuseWrites {
    fn name(&self) -> &'static str {
        "s3scope::RefuseWrites"
    }

    // Not `read_before_execution`: a client's interceptors run that before the operation's
    // configuration (and its name) is in the bag. Serialization still precedes any request.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // No operation name means an unknown operation: refused like a write.
        let name = cfg
            .load::<Metadata>()
            .map_or("an unnamed operation", Metadata::name);
        if is_read(name) {
            return Ok(());
        }
        Err(Box::new(ReadOnly {
            profile: self.profile.clone(),
            action: name.to_string(),
        }))
    }
}

/// The [`ReadOnly`] refusal somewhere in an error's source chain.
pub(crate) fn refusal(err: &(dyn std::error::Error + 'static)) -> Option<ReadOnly> {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if let Some(r) = e.downcast_ref::<ReadOnly>() {
            return Some(r.clone());
        }
        cur = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Credentials, Secret};
    use crate::s3::client::Clients;
    use crate::s3::error::S3Error;

    fn profile(read_only: bool) -> Profile {
        Profile {
            name: "frozen".into(),
            // Nothing listens on port 9 (discard): a request that is sent fails to connect.
            endpoint: Some(url::Url::parse("http://127.0.0.1:9").unwrap()),
            region: Some("us-east-1".into()),
            path_style: true,
            aws_profile: None,
            credentials: Credentials::Static {
                access_key_id: "a".into(),
                secret_access_key: Secret::new("s"),
                origin: "test".into(),
            },
            ca_bundle: None,
            read_only,
            rgw_admin: false,
            connect_timeout: std::time::Duration::from_secs(1),
            read_timeout: std::time::Duration::from_secs(1),
            max_attempts: 1,
        }
    }

    #[tokio::test]
    async fn a_read_only_client_refuses_writes_before_sending_and_sends_reads() {
        let clients = Clients::new(&profile(true)).await.unwrap();
        let s3 = clients.s3();
        let put = s3
            .put_object()
            .bucket("b")
            .key("k")
            .send()
            .await
            .unwrap_err();
        let e = S3Error::classify(&put, "ep", "PutObject", "b");
        assert_eq!(
            e,
            S3Error::ReadOnly(ReadOnly {
                profile: "frozen".into(),
                action: "PutObject".into()
            })
        );
        let get = s3
            .get_object()
            .bucket("b")
            .key("k")
            .send()
            .await
            .unwrap_err();
        let e = S3Error::classify(&get, "ep", "GetObject", "b");
        assert!(!matches!(e, S3Error::ReadOnly(_)), "{e:?}");
        assert!(matches!(
            clients.writer("b", "segregate apply").await,
            Err(S3Error::ReadOnly(_))
        ));
        let writable = Clients::new(&profile(false)).await.unwrap();
        let put = writable.s3().put_object().bucket("b").key("k").send();
        let e = S3Error::classify(&put.await.unwrap_err(), "ep", "PutObject", "b");
        assert!(!matches!(e, S3Error::ReadOnly(_)), "{e:?}");
    }

    #[test]
    fn reads_pass_and_everything_else_is_a_write() {
        for op in [
            "GetObject",
            "HeadObject",
            "ListObjectsV2",
            "GetMetricData",
            "ListMetrics",
        ] {
            assert!(is_read(op), "{op}");
        }
        for op in [
            "PutObject",
            "CopyObject",
            "DeleteObject",
            "DeleteObjects",
            "CreateMultipartUpload",
            "UploadPart",
            "UploadPartCopy",
            "CompleteMultipartUpload",
            "AbortMultipartUpload",
            "PutObjectTagging",
            "PutMetricData",
            "RestoreObject",
        ] {
            assert!(!is_read(op), "{op}");
        }
    }
}
