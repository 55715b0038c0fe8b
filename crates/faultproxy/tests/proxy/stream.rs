//! Bodies stream through the proxy both ways: the upstream sees the start of a 20 MiB upload
//! before the client sent the rest, and the client the start of the answer before the upstream
//! sent the rest; a 20 MiB PUT through the SDK arrives intact.

use crate::support;

use faultproxy::{Faults, Proxy};
use std::time::Duration;
use support::*;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

const SIZE: usize = 20 * 1024 * 1024;
const FIRST: usize = 1024 * 1024;
/// Only a proxy that buffers whole bodies gets here: the two sides wait for each other.
const HANG: Duration = Duration::from_secs(120);

fn byte(i: usize) -> u8 {
    (i.wrapping_mul(31) % 251) as u8
}

/// Reads until the end of the head; returns what came after it.
async fn head(s: &mut TcpStream) -> (String, Vec<u8>) {
    let mut buf = Vec::new();
    loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..i]).to_string();
            return (head, buf[i + 4..].to_vec());
        }
        let mut chunk = [0u8; 8192];
        let n = s.read(&mut chunk).await.unwrap();
        assert!(n > 0, "closed before the end of the head");
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Reads until `have` holds `want` bytes, checking them against `byte`.
async fn body(s: &mut TcpStream, have: &mut Vec<u8>, want: usize) {
    let mut chunk = vec![0u8; 65536];
    while have.len() < want {
        let n = s.read(&mut chunk).await.unwrap();
        assert!(n > 0, "closed after {} of {want} bytes", have.len());
        have.extend_from_slice(&chunk[..n]);
    }
}

fn check(bytes: &[u8]) {
    assert!(
        bytes.iter().enumerate().all(|(i, &b)| b == byte(i)),
        "bytes changed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_bodies_stream_without_buffering() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = format!("http://{}", listener.local_addr().unwrap());
    let (got_first_tx, got_first) = oneshot::channel::<()>();
    let (client_got_first, client_got_first_rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let (head, mut have) = head(&mut s).await;
        assert!(
            head.contains("content-length: 20971520") || head.contains("Content-Length: 20971520"),
            "{head}"
        );
        assert!(head.contains("x-custom: kept"), "headers pass: {head}");
        body(&mut s, &mut have, FIRST).await;
        got_first_tx.send(()).unwrap();
        body(&mut s, &mut have, SIZE).await;
        check(&have);
        let answer: Vec<u8> = (0..SIZE).map(byte).collect();
        s.write_all(
            format!("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: {SIZE}\r\n\r\n")
                .as_bytes(),
        )
        .await
        .unwrap();
        s.write_all(&answer[..FIRST]).await.unwrap();
        client_got_first_rx.await.unwrap();
        s.write_all(&answer[FIRST..]).await.unwrap();
    });
    let proxy = Proxy::start(&upstream, Faults::default()).await.unwrap();
    let mut c = TcpStream::connect(addr(&proxy.endpoint())).await.unwrap();
    let upload: Vec<u8> = (0..SIZE).map(byte).collect();
    let request = format!(
        "PUT /b/big HTTP/1.1\r\nHost: test\r\nx-custom: kept\r\nContent-Length: {SIZE}\r\n\r\n"
    );
    c.write_all(request.as_bytes()).await.unwrap();
    c.write_all(&upload[..FIRST]).await.unwrap();
    tokio::time::timeout(HANG, got_first)
        .await
        .expect("the upstream got the start of the body before its end was sent")
        .unwrap();
    c.write_all(&upload[FIRST..]).await.unwrap();
    let (head, mut have) = tokio::time::timeout(HANG, head(&mut c))
        .await
        .expect("the answer's head came before its body was complete");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    body(&mut c, &mut have, 1).await;
    client_got_first.send(()).unwrap();
    body(&mut c, &mut have, SIZE).await;
    check(&have);
    server.await.unwrap();
    assert_eq!(proxy.counts().forwarded, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_20_mib_put_arrives_intact() {
    let s = server().await;
    let proxy = Proxy::start(&s.server.endpoint, Faults::default())
        .await
        .unwrap();
    let direct = client(&s.server, &s.server.endpoint);
    let proxied = client(&s.server, &proxy.endpoint());
    bucket(&direct, "bkt").await;
    let data: Vec<u8> = (0..SIZE).map(byte).collect();
    let out = proxied
        .put_object()
        .bucket("bkt")
        .key("big")
        .body(data.clone().into())
        .send()
        .await
        .unwrap();
    assert_eq!(out.e_tag(), Some(md5_etag(&data).as_str()));
    let back = proxied
        .get_object()
        .bucket("bkt")
        .key("big")
        .send()
        .await
        .unwrap();
    let back = back.body.collect().await.unwrap().into_bytes();
    assert!(back == data, "the bytes read back through the proxy differ");
    assert_eq!(
        get(&direct, "bkt", "big").await.map(|b| b.len()),
        Some(SIZE)
    );
}
