//! Clients of the test Ceph RGW (S3 SDK and admin API) and waiting for its lagging usage log.
#![allow(dead_code)] // each test binary uses a different part of this module

use super::servers::{RgwEnv, unique_bucket};
use aws_sdk_s3::config::{
    BehaviorVersion, Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};
use s3scope_core::s3::rgw::RgwAdmin;
use std::fmt::Debug;
use std::time::{Duration, Instant};

/// An S3 client of the admin user: path-style, as RGW without wildcard DNS needs.
pub fn s3_client(env: &RgwEnv) -> aws_sdk_s3::Client {
    let conf = aws_sdk_s3::config::Builder::new()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(&env.endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            &env.access_key,
            &env.secret_key,
            None,
            None,
            "test",
        ))
        .force_path_style(true)
        // Ceph 16 predates the SDK's default CRC checksums on every request.
        .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
        .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

/// An admin API client; `profile` is `ceph-test` in its error messages.
pub fn admin(endpoint: &str, access_key: &str, secret_key: &str) -> RgwAdmin {
    RgwAdmin::builder(endpoint, access_key, secret_key)
        .profile("ceph-test")
        .connect_timeout(Duration::from_secs(5))
        .read_timeout(Duration::from_secs(30))
        .build()
        .expect("valid RGW admin settings")
}

/// A bucket holding objects of the given sizes, written by the admin user.
pub async fn bucket_with_objects(s3: &aws_sdk_s3::Client, prefix: &str, sizes: &[usize]) -> String {
    let bucket = unique_bucket(prefix);
    s3.create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("CreateBucket");
    for (i, size) in sizes.iter().enumerate() {
        s3.put_object()
            .bucket(&bucket)
            .key(format!("dir/obj {i}+%.bin"))
            .body(vec![b'x'; *size].into())
            .send()
            .await
            .expect("PutObject");
    }
    bucket
}

/// How long `eventually` waits at most: only a hang guard, generous for a loaded machine.
const HANG_GUARD: Duration = Duration::from_secs(120);

/// Calls `probe` until `done` holds: the usage log trails the requests by about a second
/// (longer on a loaded machine).
pub async fn eventually<T: Debug, Fut: Future<Output = T>>(
    what: &str,
    mut probe: impl FnMut() -> Fut,
    done: impl Fn(&T) -> bool,
) -> T {
    let deadline = Instant::now() + HANG_GUARD;
    loop {
        let value = probe().await;
        if done(&value) {
            return value;
        }
        if Instant::now() > deadline {
            panic!("{what}: not seen within {HANG_GUARD:?}; last answer: {value:#?}");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
