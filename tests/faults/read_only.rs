//! Read-only is enforced by the core itself, with no front end involved: every write path of
//! the core, and every client a read-only profile hands out (even used directly or wrapped in
//! a `Writer`), refuses before a request is sent. The fault proxy in front of the embedded
//! server counts requests per S3 operation: reads get through, writes never arrive. The same
//! holds for "never overwrite without asking": segregate apply skips a taken destination.

use crate::support::segregate as segregate_support;
use crate::support::store as store_support;

use faultproxy::{Counts, Faults, Proxy, S3Op};
use s3scope_core::config::{Credentials, Profile, Secret};
use s3scope_core::job::Progress;
use s3scope_core::pipeline::PipelineError;
use s3scope_core::pipeline::storage::Storage;
use s3scope_core::s3::client::Clients;
use s3scope_core::s3::error::S3Error;
use s3scope_core::s3::rgw::{RgwError, TrimQuery};
use s3scope_core::s3::write::Writer;
use s3scope_core::segregate::{Outcome, apply};
use segregate_support::{cdr, contents, options, plan, put_plain, seed_rule};
use store_support::create_bucket;

const WRITES: [S3Op; 9] = [
    S3Op::PutObject,
    S3Op::CopyObject,
    S3Op::CreateMultipartUpload,
    S3Op::UploadPart,
    S3Op::UploadPartCopy,
    S3Op::CompleteMultipartUpload,
    S3Op::AbortMultipartUpload,
    S3Op::DeleteObject,
    S3Op::DeleteObjects,
];

fn profile(endpoint: &str, read_only: bool) -> Profile {
    Profile {
        name: "frozen".into(),
        endpoint: Some(url::Url::parse(endpoint).expect("endpoint URL")),
        region: Some(store_support::REGION.into()),
        path_style: true,
        aws_profile: None,
        credentials: Credentials::Static {
            access_key_id: store_support::ACCESS_KEY.into(),
            secret_access_key: Secret::new(store_support::SECRET_KEY),
            origin: "test".into(),
        },
        ca_bundle: None,
        read_only,
        rgw_admin: true,
        connect_timeout: std::time::Duration::from_secs(2),
        read_timeout: std::time::Duration::from_secs(30),
        max_attempts: 2,
    }
}

fn assert_no_writes(counts: &Counts) {
    for op in WRITES {
        assert_eq!(counts.op(op), 0, "{op:?} reached the server: {counts:?}");
    }
    assert!(counts.requests > 0, "nothing went through the proxy at all");
}

fn is_read_only(e: &S3Error) -> bool {
    matches!(e, S3Error::ReadOnly(r) if r.profile == "frozen")
}

#[tokio::test]
async fn a_read_only_profile_never_sends_a_write() {
    let t = store_support::start().await;
    let direct = store_support::client(&t.server);
    create_bucket(&direct, "frozen").await;
    for i in 0..5 {
        let key = format!("incoming/{}", cdr(i, "20230101", "01"));
        put_plain(&direct, "frozen", &key, b"x").await;
    }
    let before = contents(&direct, "frozen").await;
    let proxy = Proxy::start(&t.server.endpoint, Faults::default())
        .await
        .unwrap();
    let clients = Clients::new(&profile(&proxy.endpoint(), true))
        .await
        .unwrap();

    // The core's write handle is refused, with a message that says what to do.
    let refused = clients
        .writer("frozen", "segregate apply")
        .await
        .unwrap_err();
    assert!(is_read_only(&refused), "{refused:?}");
    let message = refused.to_string();
    assert!(
        message.contains("profile `frozen` is read-only") && message.contains("segregate apply"),
        "{message}"
    );
    assert!(is_read_only(
        &clients.check_writable("usage trim").unwrap_err()
    ));

    // The profile's own clients, used directly: reads pass, every write is refused.
    let s3 = clients.s3_for_bucket("frozen").await.unwrap();
    let listed = s3.list_objects_v2().bucket("frozen").send().await.unwrap();
    assert_eq!(listed.key_count(), Some(5));
    let ep = clients.endpoint_label();
    let classify = |op: &str, e: &dyn std::fmt::Debug| -> S3Error {
        panic!("{op} was not refused by the core: {e:?}")
    };
    macro_rules! refused {
        ($op:literal, $call:expr) => {
            match $call.send().await {
                Ok(out) => classify($op, &out),
                Err(e) => {
                    let sorted = S3Error::classify(&e, &ep, $op, "frozen");
                    assert!(is_read_only(&sorted), "{}: {sorted:?}", $op);
                    sorted
                }
            }
        };
    }
    let key = format!("incoming/{}", cdr(0, "20230101", "01"));
    refused!(
        "PutObject",
        s3.put_object()
            .bucket("frozen")
            .key("new")
            .body(b"n".to_vec().into())
    );
    refused!(
        "CopyObject",
        s3.copy_object()
            .bucket("frozen")
            .key("copy")
            .copy_source(format!("frozen/{key}"))
    );
    refused!(
        "DeleteObject",
        s3.delete_object().bucket("frozen").key(&key)
    );
    refused!(
        "CreateMultipartUpload",
        s3.create_multipart_upload().bucket("frozen").key("mp")
    );
    refused!(
        "UploadPart",
        s3.upload_part()
            .bucket("frozen")
            .key("mp")
            .upload_id("u")
            .part_number(1)
            .body(b"p".to_vec().into())
    );
    refused!(
        "AbortMultipartUpload",
        s3.abort_multipart_upload()
            .bucket("frozen")
            .key("mp")
            .upload_id("u")
    );

    // Segregate apply, even through a Writer wrapped around the read-only client by hand:
    // the client itself refuses, every entry fails, nothing moves.
    let p = plan(&direct, &seed_rule("frozen")).await;
    let dir = tempfile::tempdir().unwrap();
    let report = apply(
        &Writer::from_client(s3.clone(), "bypass"),
        &p,
        &ep,
        &options(&dir.path().join("j")),
        &Progress::default(),
    )
    .await
    .unwrap();
    assert_eq!(report.failed.objects, 5, "{report:#?}");
    assert!(report.problems.iter().all(|p| p.outcome == Outcome::Failed));
    assert!(
        report
            .problems
            .iter()
            .all(|p| p.message.contains("read-only")),
        "{report:#?}"
    );

    // Pipeline storage on s3://: every write refused, reads work.
    let data = Storage::open("s3://frozen/data", Some(&clients))
        .await
        .unwrap();
    let refused = data.check_writable().await.unwrap_err();
    assert!(
        matches!(&refused, PipelineError::S3(e) if is_read_only(e)),
        "{refused:?}"
    );
    assert!(data.put_bytes("a/manifest.json", b"{}").await.is_err());
    let file = dir.path().join("big");
    std::fs::write(&file, vec![7u8; 6 * 1024 * 1024]).unwrap();
    assert!(data.put_file("a/big.parquet", &file).await.is_err());
    assert!(data.remove("a/manifest.json").await.is_err());
    assert!(data.glob("**").await.unwrap().is_empty());

    // The RGW admin API: the trim is refused before any request.
    let admin = clients.rgw_admin().await.unwrap();
    let trim = TrimQuery {
        uid: Some("u".into()),
        ..Default::default()
    };
    let refused = admin.trim_usage(&trim).await.unwrap_err();
    assert!(matches!(refused, RgwError::ReadOnly(_)), "{refused:?}");

    let counts = proxy.counts();
    assert_no_writes(&counts);
    assert_eq!(counts.op(S3Op::AdminApi), 0, "{counts:?}");
    assert_eq!(contents(&direct, "frozen").await, before);
}

#[tokio::test]
async fn a_writable_profile_writes_through_the_same_paths() {
    let t = store_support::start().await;
    let direct = store_support::client(&t.server);
    create_bucket(&direct, "open").await;
    let proxy = Proxy::start(&t.server.endpoint, Faults::default())
        .await
        .unwrap();
    let clients = Clients::new(&profile(&proxy.endpoint(), false))
        .await
        .unwrap();
    let writer = clients.writer("open", "test").await.unwrap();
    assert_eq!(writer.profile(), "frozen");
    let data = Storage::open("s3://open/data", Some(&clients))
        .await
        .unwrap();
    data.check_writable().await.unwrap();
    data.put_bytes("a/manifest.json", b"{}").await.unwrap();
    assert_eq!(proxy.counts().op(S3Op::PutObject), 2, "probe and manifest");
}

#[tokio::test]
async fn the_core_never_overwrites_a_destination_it_was_not_asked_to() {
    let t = store_support::start().await;
    let direct = store_support::client(&t.server);
    create_bucket(&direct, "taken").await;
    let (free, clash) = (cdr(1, "20230101", "01"), cdr(2, "20230101", "01"));
    put_plain(&direct, "taken", &format!("incoming/{free}"), b"free").await;
    put_plain(&direct, "taken", &format!("incoming/{clash}"), b"planned").await;
    let target = format!("segregated/2023/01/01/{clash}");
    put_plain(&direct, "taken", &target, b"someone else's").await;
    let p = plan(&direct, &seed_rule("taken")).await;
    let proxy = Proxy::start(&t.server.endpoint, Faults::default())
        .await
        .unwrap();
    let clients = Clients::new(&profile(&proxy.endpoint(), false))
        .await
        .unwrap();
    let writer = clients.writer("taken", "segregate apply").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let report = apply(
        &writer,
        &p,
        &clients.endpoint_label(),
        &options(&dir.path().join("j")),
        &Progress::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        (report.moved.objects, report.conflicts.objects),
        (1, 1),
        "{report:#?}"
    );
    let counts = proxy.counts();
    assert_eq!(counts.op(S3Op::CopyObject), 1, "{counts:?}");
    let got = contents(&direct, "taken").await;
    assert_eq!(got[&target], b"someone else's");
    assert_eq!(got[&format!("incoming/{clash}")], b"planned");
}
