//! `serve` end to end on 127.0.0.1 with a real HTTP client: the metrics and the table equal the
//! bucket table of the embedded server; tokens, verbs, limits; a failed refresh keeps the data.

use bytes::Bytes;
use s3scope::cli::serve::{fetcher, table_renderer};
use s3scope_core::config::Profile;
use s3scope_core::s3::client::Clients;
use s3scope_core::scan::buckets::{BucketRow, Source, bucket_table};
use s3scope_core::serve::{ServeOptions, Server};
use s3scope_store::store::{EmbeddedServer, ServerOptions};
use s3scope_store::{PutOptions, StorageClass};
use std::collections::HashMap;

use crate::support;
use std::io::{Read, Write};
use std::time::Duration;

const AK: &str = "SERVEAK";
const SK: &str = "serve-secret";
pub(crate) const TOKEN: &str = "0123456789abcdef-serve-test-token";

pub(crate) async fn clients(endpoint: &str) -> Clients {
    let profile = Profile {
        read_only: true,
        connect_timeout: Duration::from_secs(1),
        max_attempts: 1,
        ..crate::support::clients::profile(endpoint, AK, SK)
    };
    Clients::new(&profile).await.unwrap()
}

pub(crate) async fn embedded(dir: &std::path::Path) -> EmbeddedServer {
    let server = EmbeddedServer::start(ServerOptions {
        dir: dir.to_owned(),
        port: 0,
        access_key: AK.into(),
        secret_key: SK.into(),
        region: "us-east-1".into(),
    })
    .await
    .unwrap();
    let store = server.store();
    let put = |bucket: &str, key: &str, size: usize, class: StorageClass| {
        let opts = PutOptions {
            storage_class: class,
            ..Default::default()
        };
        store
            .put_object(bucket, key, Bytes::from(vec![7u8; size]), opts)
            .unwrap();
    };
    store.create_bucket("alpha").unwrap();
    store.create_bucket("beta.logs").unwrap();
    store.create_bucket("empty-one").unwrap();
    put("alpha", "a/1.bin", 1000, StorageClass::Standard);
    put("alpha", "a/2.bin", 2500, StorageClass::Standard);
    put("alpha", "cold/x.bin", 4096, StorageClass::Glacier);
    put("beta.logs", "2026/01/01.log", 123, StorageClass::StandardIa);
    server
}

async fn serve(clients: Clients, max_connections: usize) -> Server {
    Server::start(
        ServeOptions {
            listen: "127.0.0.1:0".parse().unwrap(),
            refresh: Duration::from_secs(3600),
            token: TOKEN.into(),
            max_connections,
            usage_summary: None,
            allow_query_token: false,
        },
        fetcher(clients, Source::Scan, None, 4),
        table_renderer(),
    )
    .await
    .unwrap()
}

/// Only guards against a hang: every wait below ends on an answer of the server.
const HANG_GUARD: Duration = Duration::from_secs(120);

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(HANG_GUARD)
        .build()
        .unwrap()
}

pub(crate) async fn get(url: &str, token: Option<&str>) -> reqwest::Response {
    let mut r = http().get(url);
    if let Some(t) = token {
        r = r.header("Authorization", format!("Bearer {t}"));
    }
    r.send().await.unwrap()
}

/// Polls /metrics until `s3scope_refresh_success` has `want` (the refresh is done).
pub(crate) async fn metrics_when(base: &str, want: f64) -> prometheus_parse::Scrape {
    let deadline = tokio::time::Instant::now() + HANG_GUARD;
    while tokio::time::Instant::now() < deadline {
        let body = get(&format!("{base}/metrics"), Some(TOKEN))
            .await
            .text()
            .await
            .unwrap();
        let scrape = parse(&body);
        if value(&scrape, "s3scope_refresh_success", &[]) == Some(want) {
            return scrape;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("s3scope_refresh_success never became {want}");
}

/// GET /healthz on a kept-alive connection; the status of its answer (whose body is read).
fn healthz_on(conn: &mut std::io::BufReader<std::net::TcpStream>) -> u16 {
    use std::io::BufRead;
    conn.get_mut()
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut status = String::new();
    conn.read_line(&mut status).unwrap();
    let mut length = 0;
    loop {
        let mut header = String::new();
        conn.read_line(&mut header).unwrap();
        if header.trim_end().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap();
        }
    }
    let mut body = vec![0u8; length];
    conn.read_exact(&mut body).unwrap();
    status
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status in {status:?}"))
}

fn parse(body: &str) -> prometheus_parse::Scrape {
    let lines = body.lines().map(|l| Ok(l.to_string()));
    prometheus_parse::Scrape::parse(lines).expect("valid Prometheus text")
}

fn value(s: &prometheus_parse::Scrape, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let hits: Vec<f64> = s
        .samples
        .iter()
        .filter(|x| x.metric == name && labels.iter().all(|(k, v)| x.labels.get(k) == Some(v)))
        .map(|x| match x.value {
            prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Untyped(v) => v,
            _ => f64::NAN,
        })
        .collect();
    assert!(hits.len() <= 1, "{name} {labels:?}: one series expected");
    hits.first().copied()
}

/// Every bucket and class of `rows` has exactly its bytes and objects in the scrape.
fn assert_matches(scrape: &prometheus_parse::Scrape, rows: &[BucketRow]) {
    let mut series = 0;
    for r in rows {
        for (class, t) in &r.storage_classes {
            let l = [
                ("bucket", r.bucket.as_str()),
                ("storage_class", class.as_str()),
            ];
            let size = value(scrape, "s3scope_bucket_size_bytes", &l);
            assert_eq!(size, Some(t.bytes as f64), "{} {class}", r.bucket);
            let objects = value(scrape, "s3scope_bucket_objects", &l);
            assert_eq!(objects, Some(t.objects as f64), "{} {class}", r.bucket);
            series += 1;
        }
    }
    let served = scrape
        .samples
        .iter()
        .filter(|x| x.metric == "s3scope_bucket_size_bytes")
        .count();
    assert_eq!(served, series, "one series per bucket and class, no more");
    let buckets = value(scrape, "s3scope_buckets", &[]);
    assert_eq!(buckets, Some(rows.len() as f64));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_and_table_equal_the_bucket_table_and_survive_a_failed_refresh() {
    let dir = tempfile::tempdir().unwrap();
    let s3 = embedded(dir.path()).await;
    let c = clients(&s3.endpoint).await;
    let server = serve(c.clone(), 8).await;
    let base = format!("http://{}", server.addr);

    let scrape = metrics_when(&base, 1.0).await;
    let rows = bucket_table(&c, Source::Scan, &|_| true, 4).await.unwrap();
    assert_eq!(rows.len(), 3);
    assert_matches(&scrape, &rows);
    let alpha = [("bucket", "alpha"), ("storage_class", "GLACIER")];
    assert_eq!(
        value(&scrape, "s3scope_bucket_size_bytes", &alpha),
        Some(4096.0)
    );
    assert_eq!(
        value(&scrape, "s3scope_bucket_up", &[("bucket", "beta.logs")]),
        Some(1.0)
    );

    let health = get(&format!("{base}/healthz"), None).await;
    assert_eq!(health.status(), 200);
    assert!(health.text().await.unwrap().starts_with("ok: data from "));

    let json: serde_json::Value = get(&format!("{base}/api/buckets?fmt=json"), Some(TOKEN))
        .await
        .json()
        .await
        .unwrap();
    let served: HashMap<&str, (u64, u64)> = json["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let n = |k: &str| b[k].as_u64().unwrap();
            (b["bucket"].as_str().unwrap(), (n("objects"), n("bytes")))
        })
        .collect();
    for r in &rows {
        let want = (r.objects.unwrap(), r.bytes.unwrap());
        assert_eq!(served.get(r.bucket.as_str()), Some(&want), "{}", r.bucket);
    }
    assert_eq!(json["totals"]["bytes"], 1000 + 2500 + 4096 + 123);

    let csv = get(&format!("{base}/api/buckets?fmt=csv"), Some(TOKEN)).await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "bucket,region,objects,bytes,STANDARD,STANDARD_IA,GLACIER,multipart,created,source,as_of,error"
        )
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("alpha,us-east-1,3,7596,3500,-,4096,")
    );
    let tsv = get(&format!("{base}/api/buckets?fmt=tsv"), Some(TOKEN)).await;
    assert!(
        tsv.text()
            .await
            .unwrap()
            .starts_with("bucket\tregion\tobjects\tbytes\t")
    );
    let bad = get(&format!("{base}/api/buckets?fmt=xml"), Some(TOKEN)).await;
    assert_eq!(bad.status(), 400);

    // The S3 server goes away: the next refresh fails, the last good data stays.
    s3.shutdown().await;
    server.refresh_now();
    let stale = metrics_when(&base, 0.0).await;
    assert_matches(&stale, &rows);
    assert_eq!(
        value(&stale, "s3scope_refresh_failures_total", &[]),
        Some(1.0)
    );
    let health = get(&format!("{base}/healthz"), None).await;
    assert_eq!(health.status(), 503);
    let text = health.text().await.unwrap();
    assert!(text.starts_with("stale: the last refresh failed"), "{text}");
    let json = get(&format!("{base}/api/buckets"), Some(TOKEN)).await;
    let json: serde_json::Value = json.json().await.unwrap();
    assert_eq!(json["buckets"].as_array().unwrap().len(), 3);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_verbs_and_limits() {
    let dir = tempfile::tempdir().unwrap();
    let s3 = embedded(dir.path()).await;
    let server = serve(clients(&s3.endpoint).await, 1).await;
    let base = format!("http://{}", server.addr);
    metrics_when(&base, 1.0).await;

    for path in ["/metrics", "/api/buckets?fmt=csv", "/nothing-here"] {
        for token in [None, Some("wrong-token-of-some-length-xxxxxx"), Some("")] {
            let r = get(&format!("{base}{path}"), token).await;
            assert_eq!(r.status(), 401, "{path} {token:?}");
            assert_eq!(r.headers()["www-authenticate"], "Bearer");
            assert_eq!(r.bytes().await.unwrap().len(), 0, "a 401 says nothing");
        }
    }
    let basic = http()
        .get(format!("{base}/metrics"))
        .basic_auth("user", Some(TOKEN))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);
    assert_eq!(
        get(&format!("{base}/nothing-here"), Some(TOKEN))
            .await
            .status(),
        404
    );

    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let r = http()
            .request(m, format!("{base}/metrics"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 405, "{method}");
        assert_eq!(r.headers()["allow"], "GET, HEAD");
    }
    let head = http()
        .head(format!("{base}/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.bytes().await.unwrap().len(), 0);
    let with_body = http()
        .get(format!("{base}/metrics"))
        .bearer_auth(TOKEN)
        .body("x".repeat(100))
        .send()
        .await
        .unwrap();
    assert_eq!(with_body.status(), 413);
    let huge = http()
        .get(format!("{base}/metrics"))
        .bearer_auth(TOKEN)
        .header("x-padding", "p".repeat(64 * 1024))
        .send()
        .await;
    assert!(
        huge.is_err() || huge.unwrap().status() == 431,
        "oversized head refused"
    );

    // One connection at a time (max_connections 1): an open client holds the slot. That it
    // holds it is known from its own answer; that a second connection waits, from the second
    // having no answer after the server has answered the first one five more times, and
    // from its answer once the first is closed.
    let addr = server.addr;
    let first = std::net::TcpStream::connect(addr).unwrap();
    first.set_read_timeout(Some(HANG_GUARD)).unwrap();
    let mut first = std::io::BufReader::new(first);
    assert_eq!(healthz_on(&mut first), 200);
    let mut second = std::net::TcpStream::connect(addr).unwrap();
    second
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    for _ in 0..5 {
        assert_eq!(healthz_on(&mut first), 200);
    }
    second.set_nonblocking(true).unwrap();
    let mut byte = [0u8; 1];
    let early = second.read(&mut byte);
    assert!(
        early
            .as_ref()
            .is_err_and(|e| e.kind() == std::io::ErrorKind::WouldBlock),
        "a second connection waits while the first is open: {early:?}"
    );
    drop(first);
    second.set_nonblocking(false).unwrap();
    second.set_read_timeout(Some(HANG_GUARD)).unwrap();
    let mut answer = String::new();
    second.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(get(&format!("{base}/healthz"), None).await.status(), 200);

    // Plain HTTP over a socket: the answer carries no token echo and no server banner.
    let mut raw = std::net::TcpStream::connect(addr).unwrap();
    raw.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope-nope-nope-nope\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    raw.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(!answer.contains("nope"));
    server.shutdown().await;
    s3.shutdown().await;
}

/// The Buckets pane of the TUI, pointed at the same server, shows what the endpoint serves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_buckets_pane_shows_what_the_endpoint_serves() {
    let dir = tempfile::tempdir().unwrap();
    let s3 = embedded(dir.path()).await;
    let c = clients(&s3.endpoint).await;
    // Both front ends on Source::Auto, which is what the TUI always uses.
    let server = Server::start(
        ServeOptions {
            listen: "127.0.0.1:0".parse().unwrap(),
            refresh: Duration::from_secs(3600),
            token: TOKEN.into(),
            max_connections: 4,
            usage_summary: None,
            allow_query_token: false,
        },
        fetcher(c.clone(), Source::Auto, None, 4),
        table_renderer(),
    )
    .await
    .unwrap();
    let base = format!("http://{}", server.addr);
    metrics_when(&base, 1.0).await;
    let served: serde_json::Value = get(&format!("{base}/api/buckets?fmt=json"), Some(TOKEN))
        .await
        .json()
        .await
        .unwrap();
    let state = support::tui_table::loaded_buckets_pane(c).await;
    support::tui_table::assert_pane_equals_endpoint(&state, &served);
    server.shutdown().await;
}
