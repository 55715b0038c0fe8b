//! Holds: the n-th request of an operation triggers, before or after forwarding; everything after
//! it is frozen until release; a held request whose client went away is dropped.

use crate::support;

use aws_sdk_s3::primitives::ByteStream;
use faultproxy::{Faults, Hold, Proxy, S3Op};
use support::*;
use tokio::io::AsyncWriteExt as _;

async fn setup() -> (Server, Proxy, aws_sdk_s3::Client, aws_sdk_s3::Client) {
    let s = server().await;
    let proxy = Proxy::start(&s.server.endpoint, Faults::default())
        .await
        .expect("proxy starts");
    let direct = client(&s.server, &s.server.endpoint);
    let proxied = client(&s.server, &proxy.endpoint());
    bucket(&direct, "bkt").await;
    (s, proxy, direct, proxied)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_forwarding_it_skips_then_freezes_everything() {
    let (_s, proxy, direct, proxied) = setup().await;
    let hold = proxy.hold(Hold::new(S3Op::PutObject).skip(2));
    put(&proxied, "bkt", "one", b"1").await;
    proxied
        .head_object()
        .bucket("bkt")
        .key("one")
        .send()
        .await
        .unwrap();
    put(&proxied, "bkt", "two", b"2").await;
    assert!(!hold.is_triggered());
    assert_eq!(hold.seen(), 2);

    let p = proxied.clone();
    let third = tokio::spawn(async move {
        p.put_object()
            .bucket("bkt")
            .key("three")
            .body(ByteStream::from_static(b"3"))
            .send()
            .await
    });
    hold.triggered().await;
    hold.frozen().await;
    assert_eq!(
        get(&direct, "bkt", "three").await,
        None,
        "held before forwarding"
    );
    // Any later request, of any kind, is held too.
    let p = proxied.clone();
    let list = tokio::spawn(async move { p.list_objects_v2().bucket("bkt").send().await });
    hold.until_holding(2).await;
    let c = proxy.counts();
    assert_eq!((c.requests, c.forwarded, c.held), (5, 3, 2), "{c:?}");
    assert!(!third.is_finished() && !list.is_finished());

    hold.release();
    third.await.unwrap().expect("the held PUT goes on");
    let listed = list.await.unwrap().expect("the held LIST goes on");
    assert!(listed.key_count().is_some());
    assert_eq!(
        get(&direct, "bkt", "three").await.as_deref(),
        Some(&b"3"[..])
    );
    // Released: the hold does not trigger again.
    put(&proxied, "bkt", "four", b"4").await;
    assert_eq!(hold.holding(), 0);
    assert_eq!(proxy.counts().held, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_forwarding_the_work_is_done_and_the_answer_held() {
    let (_s, proxy, direct, proxied) = setup().await;
    put(&direct, "bkt", "doomed", b"x").await;
    let hold = proxy.hold(Hold::new(S3Op::DeleteObject).after_forward());
    let p = proxied.clone();
    let delete =
        tokio::spawn(async move { p.delete_object().bucket("bkt").key("doomed").send().await });
    hold.triggered().await;
    hold.frozen().await;
    assert_eq!(
        get(&direct, "bkt", "doomed").await,
        None,
        "deleted upstream"
    );
    assert!(!delete.is_finished(), "the client has no answer yet");
    let p = proxied.clone();
    let head = tokio::spawn(async move { p.head_bucket().bucket("bkt").send().await });
    hold.until_holding(2).await;
    let c = proxy.counts();
    assert_eq!((c.requests, c.forwarded, c.held), (2, 1, 2), "{c:?}");
    hold.release();
    delete.await.unwrap().expect("the delete's answer arrives");
    head.await.unwrap().expect("the later request goes on");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_in_flight_when_it_triggers_are_held_too() {
    // A raw upstream that tells when the first request arrived and answers it only when told,
    // so that it is in flight upstream when the hold triggers.
    let (arrived_tx, arrived_rx) = tokio::sync::oneshot::channel::<()>();
    let (go_tx, go_rx) = tokio::sync::oneshot::channel::<()>();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut first = Some((arrived_tx, go_rx));
        loop {
            let (mut s, _) = listener.accept().await.unwrap();
            let first = first.take();
            tokio::spawn(async move {
                let _ = read_answer_head(&mut s).await;
                if let Some((arrived, go)) = first {
                    let _ = arrived.send(());
                    let _ = go.await;
                }
                let _ = s
                    .write_all(
                        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
                    )
                    .await;
            });
        }
    });
    let proxy = Proxy::start(&upstream, Faults::default()).await.unwrap();
    let endpoint = proxy.endpoint();
    let slow = tokio::spawn(async move { raw(&endpoint, "GET", "/bkt/slow").await });
    arrived_rx.await.unwrap();
    let hold = proxy.hold(Hold::new(S3Op::GetObject));
    let endpoint = proxy.endpoint();
    let trigger = tokio::spawn(async move { raw(&endpoint, "GET", "/bkt/k").await });
    hold.triggered().await;
    go_tx.send(()).unwrap();
    // Frozen: the slow answer came back from the upstream and is held, like the trigger.
    hold.frozen().await;
    hold.until_holding(2).await;
    assert!(!slow.is_finished());
    hold.release();
    assert_eq!(slow.await.unwrap().unwrap().body, b"ok");
    assert_eq!(trigger.await.unwrap().unwrap().body, b"ok");
}

async fn read_answer_head(s: &mut tokio::net::TcpStream) -> std::io::Result<()> {
    use tokio::io::AsyncReadExt as _;
    let mut buf = Vec::new();
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let mut chunk = [0u8; 1024];
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_request_whose_client_left_is_dropped() {
    let (_s, proxy, direct, _proxied) = setup().await;
    put(&direct, "bkt", "k", b"x").await;
    // Without a body (hyper sees the close itself) and with one it has not read yet.
    let requests: [(S3Op, &[u8]); 2] = [
        (
            S3Op::DeleteObject,
            b"DELETE /bkt/k HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\n\r\n",
        ),
        (
            S3Op::PutObject,
            b"PUT /bkt/k HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello",
        ),
    ];
    for (n, (op, request)) in requests.into_iter().enumerate() {
        let hold = proxy.hold(Hold::new(op));
        let mut stream = tokio::net::TcpStream::connect(addr(&proxy.endpoint()))
            .await
            .unwrap();
        stream.write_all(request).await.unwrap();
        hold.triggered().await;
        hold.until_holding(1).await;
        drop(stream);
        hold.until_holding(0).await;
        hold.release();
        let c = proxy.counts();
        assert_eq!(
            (c.requests, c.forwarded, c.held),
            (n as u64 + 1, 0, n as u64 + 1),
            "{c:?}"
        );
    }
    // The proxy still works, and the dropped requests were never forwarded.
    let answer = raw(&proxy.endpoint(), "GET", "/").await.unwrap();
    assert_ne!(answer.status, 0);
    assert_eq!(proxy.counts().forwarded, 1);
    assert_eq!(get(&direct, "bkt", "k").await.as_deref(), Some(&b"x"[..]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_drops_held_requests() {
    let (_s, proxy, direct, proxied) = setup().await;
    put(&direct, "bkt", "k", b"x").await;
    let hold = proxy.hold(Hold::new(S3Op::DeleteObject));
    let p = proxied.clone();
    let delete = tokio::spawn(async move { p.delete_object().bucket("bkt").key("k").send().await });
    hold.triggered().await;
    proxy.shutdown().await;
    drop(hold);
    assert!(delete.await.unwrap().is_err(), "no answer after shutdown");
    assert_eq!(
        get(&direct, "bkt", "k").await.as_deref(),
        Some(&b"x"[..]),
        "never forwarded"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_or_replacing_the_handle_releases() {
    let (_s, proxy, _direct, proxied) = setup().await;
    let hold = proxy.hold(Hold::new(S3Op::ListObjectsV2));
    let p = proxied.clone();
    let list = tokio::spawn(async move { p.list_objects_v2().bucket("bkt").send().await });
    hold.triggered().await;
    drop(hold);
    list.await.unwrap().expect("released by the drop");

    let first = proxy.hold(Hold::new(S3Op::ListObjectsV2));
    let p = proxied.clone();
    let list = tokio::spawn(async move { p.list_objects_v2().bucket("bkt").send().await });
    first.triggered().await;
    let second = proxy.hold(Hold::new(S3Op::PutObject));
    list.await.unwrap().expect("released by the new hold");
    assert!(!first.is_triggered(), "replaced");
    assert!(!second.is_triggered());
    let p = proxied.clone();
    let put = tokio::spawn(async move {
        p.put_object()
            .bucket("bkt")
            .key("x")
            .body(ByteStream::from_static(b"x"))
            .send()
            .await
    });
    second.triggered().await;
    drop(second);
    put.await.unwrap().expect("released by the drop");
    assert_eq!(proxy.counts().held, 3);
}
