//! Shared harness of the `store_*` tests: an embedded server in a temp dir and an SDK client.
//!
//! The behaviour checks take a `Client` and a bucket-name prefix only, so they can run
//! against any S3 endpoint; `external_target()` names one (e.g. a Ceph RGW) from env vars.

#![allow(dead_code)] // each test crate uses a different part of the harness

use aws_credential_types::Credentials;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::{BehaviorVersion, Region};
use aws_sdk_s3::primitives::ByteStream;
use s3scope_store::{EmbeddedServer, ServerOptions};

pub const ACCESS_KEY: &str = "demo-access-key";
pub const SECRET_KEY: &str = "demo-secret-key";
pub const REGION: &str = "us-east-1";

/// Keys that trip naive URL or XML handling.
pub const AWKWARD_KEYS: [&str; 6] = [
    "with space/and  double.txt",
    "unicode/日本語/ファイル ä ö ü.csv",
    "percent/100%/%41%2F.bin",
    "plus/a+b=c&d.txt",
    "query/?x=1#frag",
    "tilde~/quote\"'<xml>.json",
];

/// A copy source header: bucket and URL-encoded key.
pub fn copy_source(bucket: &str, key: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(key.as_bytes()).collect();
    format!("{bucket}/{}", encoded.replace('+', "%20"))
}

/// An embedded server over its own temporary directory.
pub struct TestServer {
    pub server: EmbeddedServer,
    pub dir: tempfile::TempDir,
}

pub async fn start() -> TestServer {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start_in(dir.path()).await;
    TestServer { server, dir }
}

pub async fn start_in(dir: &std::path::Path) -> EmbeddedServer {
    EmbeddedServer::start(ServerOptions {
        dir: dir.to_owned(),
        port: 0,
        access_key: ACCESS_KEY.into(),
        secret_key: SECRET_KEY.into(),
        region: REGION.into(),
    })
    .await
    .expect("embedded server starts")
}

pub fn client(server: &EmbeddedServer) -> Client {
    client_for(
        &server.endpoint,
        &server.access_key,
        &server.secret_key,
        &server.region,
    )
}

pub fn client_for(endpoint: &str, access_key: &str, secret_key: &str, region: &str) -> Client {
    let config = aws_sdk_s3::config::Builder::new()
        .endpoint_url(endpoint)
        .region(Region::new(region.to_owned()))
        .force_path_style(true)
        .credentials_provider(Credentials::new(access_key, secret_key, None, None, "test"))
        .behavior_version(BehaviorVersion::latest())
        .build();
    Client::from_conf(config)
}

/// Another S3 endpoint to run the same checks against, from `S3SCOPE_TEST_S3_ENDPOINT`,
/// `S3SCOPE_TEST_S3_ACCESS_KEY`, `S3SCOPE_TEST_S3_SECRET_KEY` (and optional `..._REGION`).
pub fn external_target() -> Option<Client> {
    let var = |name: &str| std::env::var(format!("S3SCOPE_TEST_S3_{name}")).ok();
    let region = var("REGION").unwrap_or_else(|| REGION.to_owned());
    Some(client_for(
        &var("ENDPOINT")?,
        &var("ACCESS_KEY")?,
        &var("SECRET_KEY")?,
        &region,
    ))
}

/// A bucket-name prefix unique to this run, so checks never collide on a shared server.
pub fn unique_prefix(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .subsec_nanos();
    format!("{name}-{nanos:08x}")
}

pub async fn create_bucket(client: &Client, bucket: &str) {
    client
        .create_bucket()
        .bucket(bucket)
        .send()
        .await
        .expect("create bucket");
}

pub async fn put(client: &Client, bucket: &str, key: &str, body: &[u8]) -> String {
    let output = client
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(ByteStream::from(body.to_vec()))
        .send()
        .await
        .unwrap_or_else(|err| panic!("put {key:?}: {err:?}"));
    output
        .e_tag()
        .expect("PutObject returns an ETag")
        .to_owned()
}

pub async fn get(client: &Client, bucket: &str, key: &str) -> Vec<u8> {
    let output = client
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .unwrap_or_else(|err| panic!("get {key:?}: {err:?}"));
    output
        .body
        .collect()
        .await
        .expect("body")
        .into_bytes()
        .to_vec()
}

/// The S3 error code of a failed SDK call.
pub fn error_code<E, R>(err: &aws_sdk_s3::error::SdkError<E, R>) -> String
where
    E: aws_sdk_s3::error::ProvideErrorMetadata,
{
    err.as_service_error()
        .and_then(|e| e.code())
        .unwrap_or("<no service error>")
        .to_owned()
}

/// The HTTP status of a failed SDK call.
pub fn status<E>(
    err: &aws_sdk_s3::error::SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> u16 {
    err.raw_response()
        .map(|r| r.status().as_u16())
        .unwrap_or_default()
}

/// The MD5 ETag S3 gives a single-part object, quoted.
pub fn md5_etag(body: &[u8]) -> String {
    use md5::{Digest, Md5};
    format!("\"{}\"", hex::encode(Md5::digest(body)))
}
