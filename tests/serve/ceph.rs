//! `serve` against the real Ceph RGW (scripts/ceph-rgw.sh): with the admin API as the source,
//! /metrics carries exactly the bucket table `s3scope buckets --source rgw` computes.

use crate::support;

use s3scope::cli::serve::{fetcher, table_renderer};
use s3scope_core::config::{Credentials, Profile, Secret};
use s3scope_core::s3::client::Clients;
use s3scope_core::scan::buckets::{Source, bucket_table};
use s3scope_core::serve::{ServeOptions, Server};
use std::time::Duration;
use support::rgw::s3_client;
use support::servers::{self, unique_bucket};

const TOKEN: &str = "ceph-serve-test-token-0123456789";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_equal_the_rgw_bucket_table() {
    let Some(env) = servers::rgw() else { return };
    let bucket = unique_bucket("serve");
    let s3 = s3_client(&env);
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    for (i, size) in [100usize, 2048, 7].iter().enumerate() {
        s3.put_object()
            .bucket(&bucket)
            .key(format!("k/{i}"))
            .body(vec![1u8; *size].into())
            .send()
            .await
            .unwrap();
    }
    let clients = Clients::new(&Profile {
        name: "ceph-test".into(),
        endpoint: Some(url::Url::parse(&env.endpoint).unwrap()),
        region: Some("us-east-1".into()),
        path_style: true,
        aws_profile: None,
        credentials: Credentials::Static {
            access_key_id: env.access_key.clone(),
            secret_access_key: Secret::new(env.secret_key.clone()),
            origin: "test".into(),
        },
        ca_bundle: None,
        read_only: true,
        rgw_admin: true,
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(30),
        max_attempts: 1,
    })
    .await
    .unwrap();
    let server = Server::start(
        ServeOptions {
            listen: "127.0.0.1:0".parse().unwrap(),
            refresh: Duration::from_secs(3600),
            token: TOKEN.into(),
            max_connections: 4,
            usage_summary: None,
            allow_query_token: false,
        },
        fetcher(clients.clone(), Source::Rgw, None, 4),
        table_renderer(),
    )
    .await
    .unwrap();
    let url = format!("http://{}/metrics", server.addr);
    // Only a hang guard: the wait ends when the first refresh is done.
    let hang_guard = Duration::from_secs(120);
    let http = reqwest::Client::builder()
        .timeout(hang_guard)
        .build()
        .unwrap();
    let deadline = tokio::time::Instant::now() + hang_guard;
    let body = loop {
        let body = http
            .get(&url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if body.contains("\ns3scope_refresh_success 1\n") {
            break body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no successful refresh within {hang_guard:?}:\n{body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let rows = bucket_table(&clients, Source::Rgw, &|b| b == bucket, 4)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.bytes, Some(100 + 2048 + 7));
    for (class, t) in &row.storage_classes {
        let labels = format!(
            "{{bucket=\"{bucket}\",storage_class=\"{class}\",region=\"us-east-1\",source=\"rgw\"}}"
        );
        let size = format!("\ns3scope_bucket_size_bytes{labels} {}\n", t.bytes);
        let objects = format!("\ns3scope_bucket_objects{labels} {}\n", t.objects);
        assert!(body.contains(&size), "{size} in\n{body}");
        assert!(body.contains(&objects), "{objects} in\n{body}");
    }
    let mp = format!(
        "\ns3scope_bucket_multipart_bytes{{bucket=\"{bucket}\",region=\"us-east-1\",source=\"rgw\"}} 0\n"
    );
    assert!(body.contains(&mp), "{mp}");

    // The TUI's Buckets pane on the same profile holds the rows the endpoint serves (the pane
    // uses `auto`, which picks the admin API here, so both say source rgw).
    let served: serde_json::Value = http
        .get(format!("http://{}/api/buckets?fmt=json", server.addr))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let state = support::tui_table::loaded_buckets_pane(clients.clone()).await;
    let pane = support::tui_table::pane_rows(&state);
    let mine = pane.get(&bucket).expect("the test bucket in the pane");
    let served_row = served["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["bucket"] == bucket.as_str())
        .expect("the test bucket served");
    let mut mine = serde_json::to_value(mine).unwrap();
    let mut served_row = served_row.clone();
    // Other tests write to the shared cluster meanwhile; `as_of` is each read's own time.
    mine["as_of"] = serde_json::Value::Null;
    served_row["as_of"] = serde_json::Value::Null;
    assert_eq!(mine, served_row);
    assert_eq!(mine["source"], "rgw");
    server.shutdown().await;
}
