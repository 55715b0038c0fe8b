//! The storage analyser's REST shape at `/` (seed 002): its JSON keys, number types and date
//! format, its TSV header; `?token=` refused by default and accepted only when allowed.

use crate::embedded::{TOKEN, clients, embedded, get, metrics_when};
use s3scope::cli::serve::{fetcher, table_renderer};
use s3scope_core::scan::buckets::Source;
use s3scope_core::serve::{ServeOptions, Server};
use std::time::Duration;

async fn serve(clients: s3scope_core::s3::client::Clients, allow_query_token: bool) -> Server {
    Server::start(
        ServeOptions {
            listen: "127.0.0.1:0".parse().unwrap(),
            refresh: Duration::from_secs(3600),
            token: TOKEN.into(),
            max_connections: 4,
            usage_summary: None,
            allow_query_token,
        },
        fetcher(clients, Source::Scan, None, 4),
        table_renderer(),
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_shape_at_root_and_the_query_token_only_when_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let s3 = embedded(dir.path()).await;
    let server = serve(clients(&s3.endpoint).await, false).await;
    let base = format!("http://{}", server.addr);
    metrics_when(&base, 1.0).await;

    // The header works at `/`; the body has the seed's keys, in its order, with integers.
    let r = get(&format!("{base}/?fmt=json"), Some(TOKEN)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let body: serde_json::Value = r.json().await.unwrap();
    let buckets = body["Buckets"].as_array().unwrap();
    let alpha = buckets.iter().find(|b| b["Bucket"] == "alpha").unwrap();
    let keys: Vec<&str> = alpha
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "Bucket",
            "Bytes",
            "Bytes-IA",
            "Bytes-RR",
            "Bytes-ST",
            "CreationDate",
            "Files",
            "Region"
        ]
    );
    assert_eq!(alpha["Files"].as_u64(), Some(3));
    assert_eq!(alpha["Bytes"].as_u64(), Some(1000 + 2500 + 4096));
    assert_eq!(alpha["Bytes-ST"].as_u64(), Some(3500));
    assert_eq!(alpha["Bytes-IA"].as_u64(), Some(0));
    let beta = buckets.iter().find(|b| b["Bucket"] == "beta.logs").unwrap();
    assert_eq!(beta["Bytes-IA"].as_u64(), Some(123));
    let date = alpha["CreationDate"].as_str().unwrap();
    assert!(
        chrono::NaiveDateTime::parse_from_str(date, "%Y-%m-%dT%H:%M:%S").is_ok(),
        "{date}"
    );
    // fmt absent is json, like the seed; an unknown fmt is a 400 that says what works.
    let r = get(&format!("{base}/"), Some(TOKEN)).await;
    assert_eq!(r.headers()["content-type"], "application/json");
    let r = get(&format!("{base}/?fmt=xml"), Some(TOKEN)).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("json or tsv"));

    // TSV: the seed's header, one line per bucket.
    let tsv = get(&format!("{base}/?fmt=tsv"), Some(TOKEN))
        .await
        .text()
        .await
        .unwrap();
    let mut lines = tsv.lines();
    assert_eq!(
        lines.next(),
        Some("Bucket\tRegion\tFiles\tTotal(MB)\tSTD(MB)\tRR(MB)\tIA(MB)\tCreation(UTC)")
    );
    let alpha_line: Vec<&str> = lines
        .find(|l| l.starts_with("alpha\t"))
        .unwrap()
        .split('\t')
        .collect();
    assert_eq!(alpha_line[2..7], ["3.0", "0.01", "0", "0", "0"]);
    assert_eq!(alpha_line[7], date);

    // The seed's ?token= is refused by default, with a line saying what to do.
    let r = get(&format!("{base}/?token={TOKEN}&fmt=json"), None).await;
    assert_eq!(r.status(), 401);
    let why = r.text().await.unwrap();
    assert!(why.contains("allow_query_token = true"), "{why}");
    assert!(!why.contains(TOKEN));
    server.shutdown().await;

    // Allowed: the right token in the query works, a wrong one does not.
    let server = serve(clients(&s3.endpoint).await, true).await;
    let base = format!("http://{}", server.addr);
    metrics_when(&base, 1.0).await;
    let r = get(&format!("{base}/?token={TOKEN}&fmt=tsv"), None).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("alpha\t"));
    let r = get(
        &format!("{base}/?token=wrong-token-0123456789&fmt=json"),
        None,
    )
    .await;
    assert_eq!(r.status(), 401);
    let r = get(&format!("{base}/api/buckets?token={TOKEN}"), None).await;
    assert_eq!(
        r.status(),
        200,
        "the query token opens every endpoint when allowed"
    );
    server.shutdown().await;
    s3.shutdown().await;
}
