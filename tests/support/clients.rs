//! The clients of a test profile: static keys for a server on 127.0.0.1, short hang guards.

use s3scope_core::config::{Credentials, Profile, Secret};
use s3scope_core::s3::client::Clients;
use std::time::Duration;

/// A read-write profile with static keys `ak`/`sk` for `endpoint` (path style, us-east-1).
pub fn profile(endpoint: &str, ak: &str, sk: &str) -> Profile {
    Profile {
        name: "test".into(),
        endpoint: Some(url::Url::parse(endpoint).expect("endpoint url")),
        region: Some("us-east-1".into()),
        path_style: true,
        aws_profile: None,
        credentials: Credentials::Static {
            access_key_id: ak.into(),
            secret_access_key: Secret::new(sk),
            origin: "test".into(),
        },
        ca_bundle: None,
        read_only: false,
        rgw_admin: false,
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(30), // only a hang guard
        max_attempts: 2,
    }
}

/// The clients of [`profile`].
pub async fn clients(endpoint: &str, ak: &str, sk: &str) -> Clients {
    Clients::new(&profile(endpoint, ak, sk))
        .await
        .expect("clients")
}
