//! Shared harness of the faultproxy tests: the root crate's embedded S3 server, SDK clients with
//! retries off (each injected fault is seen once), raw HTTP/1.1 over TCP and a tiny upstream.

#![allow(dead_code)] // each test crate uses a different part of the harness

use aws_credential_types::Credentials;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::{BehaviorVersion, Region};
use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_types::retry::RetryConfig;
use s3scope_store::{EmbeddedServer, ServerOptions};
use std::io;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// An embedded server over its own temporary directory.
pub struct Server {
    pub server: EmbeddedServer,
    pub dir: tempfile::TempDir,
}

pub async fn server() -> Server {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = EmbeddedServer::start(ServerOptions {
        dir: dir.path().to_owned(),
        port: 0,
        access_key: "proxy-test-key".into(),
        secret_key: "proxy-test-secret".into(),
        region: "us-east-1".into(),
    })
    .await
    .expect("embedded server starts");
    Server { server, dir }
}

/// A path-style client of `endpoint` with the server's keys and no retries.
pub fn client(server: &EmbeddedServer, endpoint: &str) -> Client {
    let config = aws_sdk_s3::config::Builder::new()
        .endpoint_url(endpoint)
        .region(Region::new(server.region.clone()))
        .force_path_style(true)
        .credentials_provider(Credentials::new(
            &server.access_key,
            &server.secret_key,
            None,
            None,
            "test",
        ))
        .behavior_version(BehaviorVersion::latest())
        .retry_config(RetryConfig::disabled())
        .build();
    Client::from_conf(config)
}

pub async fn bucket(client: &Client, name: &str) {
    client
        .create_bucket()
        .bucket(name)
        .send()
        .await
        .expect("create bucket");
}

pub async fn put(client: &Client, bucket: &str, key: &str, body: &[u8]) {
    client
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(ByteStream::from(body.to_vec()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("put {key:?}: {e:?}"));
}

/// The body of `key`, or None when it does not exist.
pub async fn get(client: &Client, bucket: &str, key: &str) -> Option<Vec<u8>> {
    match client.get_object().bucket(bucket).key(key).send().await {
        Ok(out) => Some(
            out.body
                .collect()
                .await
                .expect("body")
                .into_bytes()
                .to_vec(),
        ),
        Err(e) if e.as_service_error().is_some_and(|e| e.is_no_such_key()) => None,
        Err(e) => panic!("get {key:?}: {e:?}"),
    }
}

/// The HTTP status and S3 error code of a failed call (0 and "" when there was no answer).
pub fn failure<E>(
    err: &aws_sdk_s3::error::SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> (u16, String)
where
    E: aws_sdk_s3::error::ProvideErrorMetadata,
{
    let status = err.raw_response().map_or(0, |r| r.status().as_u16());
    let code = err
        .as_service_error()
        .and_then(|e| e.code())
        .unwrap_or("")
        .to_string();
    (status, code)
}

/// An answer read from a raw connection.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

/// `host:port` of an `http://host:port` endpoint.
pub fn addr(endpoint: &str) -> String {
    endpoint.trim_start_matches("http://").to_string()
}

/// Sends `method path` (with `Connection: keep-alive`, no body) on `stream` and reads the answer.
pub async fn raw_on(stream: &mut TcpStream, method: &str, path: &str) -> io::Result<Raw> {
    let request = format!("{method} {path} HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    read_answer(stream, method == "HEAD").await
}

/// One request on a new connection.
pub async fn raw(endpoint: &str, method: &str, path: &str) -> io::Result<Raw> {
    let mut stream = TcpStream::connect(addr(endpoint)).await?;
    raw_on(&mut stream, method, path).await
}

/// Reads one answer with a Content-Length body (or none).
pub async fn read_answer(stream: &mut TcpStream, head_only: bool) -> io::Result<Raw> {
    let mut buf = Vec::new();
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "closed before an answer",
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).to_string();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = buf[end..].to_vec();
    let length = if head_only { 0 } else { length };
    while body.len() < length {
        let mut chunk = vec![0u8; 65536];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "body cut short",
            ));
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Ok(Raw { status, head, body })
}

/// The MD5 ETag S3 gives a single-part object, quoted.
pub fn md5_etag(body: &[u8]) -> String {
    use md5::{Digest, Md5};
    format!("\"{}\"", hex::encode(Md5::digest(body)))
}
