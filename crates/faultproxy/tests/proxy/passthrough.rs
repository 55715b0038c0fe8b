//! Requests pass the proxy unchanged: SigV4-signed calls of every operation `segregate apply` and
//! the listers send (awkward keys, multipart uploads, batch deletes) work and are counted by
//! operation; connections are kept alive.

use crate::support;

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart, Delete, ObjectIdentifier};
use faultproxy::{Faults, Proxy, S3Op};
use support::*;

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

#[tokio::test]
async fn signed_requests_of_every_kind_pass_unchanged() {
    let (_s, proxy, direct, p) = setup().await;
    let keys = [
        "plain.txt",
        "with space/ä ö.csv",
        "plus/a+b=c&d.txt",
        "pct/100%/%41.bin",
    ];
    for key in keys {
        put(&p, "bkt", key, key.as_bytes()).await;
        assert_eq!(get(&p, "bkt", key).await.as_deref(), Some(key.as_bytes()));
        p.head_object().bucket("bkt").key(key).send().await.unwrap();
    }
    let listed = p
        .list_objects_v2()
        .bucket("bkt")
        .prefix("with space/")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.key_count(), Some(1));
    p.list_objects().bucket("bkt").send().await.unwrap();
    p.list_buckets().send().await.unwrap();
    p.get_bucket_location().bucket("bkt").send().await.unwrap();
    p.copy_object()
        .bucket("bkt")
        .key("copy/ä ö.csv")
        .copy_source("bkt/with%20space/%C3%A4%20%C3%B6.csv")
        .send()
        .await
        .unwrap();
    assert_eq!(
        get(&direct, "bkt", "copy/ä ö.csv").await.as_deref(),
        Some("with space/ä ö.csv".as_bytes())
    );

    // A multipart upload: one part uploaded, one copied.
    let part = vec![7u8; 5 * 1024 * 1024];
    let up = p
        .create_multipart_upload()
        .bucket("bkt")
        .key("mp")
        .send()
        .await
        .unwrap();
    let id = up.upload_id().unwrap();
    let one = p
        .upload_part()
        .bucket("bkt")
        .key("mp")
        .upload_id(id)
        .part_number(1)
        .body(ByteStream::from(part.clone()))
        .send()
        .await
        .unwrap();
    let two = p
        .upload_part_copy()
        .bucket("bkt")
        .key("mp")
        .upload_id(id)
        .part_number(2)
        .copy_source("bkt/plain.txt")
        .send()
        .await
        .unwrap();
    p.list_parts()
        .bucket("bkt")
        .key("mp")
        .upload_id(id)
        .send()
        .await
        .unwrap();
    p.list_multipart_uploads()
        .bucket("bkt")
        .send()
        .await
        .unwrap();
    let parts = CompletedMultipartUpload::builder()
        .parts(
            CompletedPart::builder()
                .part_number(1)
                .e_tag(one.e_tag().unwrap())
                .build(),
        )
        .parts(
            CompletedPart::builder()
                .part_number(2)
                .e_tag(two.copy_part_result().unwrap().e_tag().unwrap())
                .build(),
        )
        .build();
    p.complete_multipart_upload()
        .bucket("bkt")
        .key("mp")
        .upload_id(id)
        .multipart_upload(parts)
        .send()
        .await
        .unwrap();
    let mut whole = part;
    whole.extend_from_slice(b"plain.txt");
    assert_eq!(get(&direct, "bkt", "mp").await, Some(whole));
    let aborted = p
        .create_multipart_upload()
        .bucket("bkt")
        .key("gone")
        .send()
        .await
        .unwrap();
    p.abort_multipart_upload()
        .bucket("bkt")
        .key("gone")
        .upload_id(aborted.upload_id().unwrap())
        .send()
        .await
        .unwrap();

    p.delete_object()
        .bucket("bkt")
        .key("plain.txt")
        .send()
        .await
        .unwrap();
    let ids = ["mp", "copy/ä ö.csv"].map(|k| ObjectIdentifier::builder().key(k).build().unwrap());
    let delete = Delete::builder()
        .set_objects(Some(ids.to_vec()))
        .build()
        .unwrap();
    let out = p
        .delete_objects()
        .bucket("bkt")
        .delete(delete)
        .send()
        .await
        .unwrap();
    assert!(out.errors().is_empty(), "{:?}", out.errors());
    assert_eq!(get(&direct, "bkt", "mp").await, None);

    let c = proxy.counts();
    let want = [
        (S3Op::PutObject, 4),
        (S3Op::GetObject, 4),
        (S3Op::HeadObject, 4),
        (S3Op::ListObjectsV2, 1),
        (S3Op::ListObjects, 1),
        (S3Op::ListBuckets, 1),
        (S3Op::GetBucketLocation, 1),
        (S3Op::CopyObject, 1),
        (S3Op::CreateMultipartUpload, 2),
        (S3Op::UploadPart, 1),
        (S3Op::UploadPartCopy, 1),
        (S3Op::ListParts, 1),
        (S3Op::ListMultipartUploads, 1),
        (S3Op::CompleteMultipartUpload, 1),
        (S3Op::AbortMultipartUpload, 1),
        (S3Op::DeleteObject, 1),
        (S3Op::DeleteObjects, 1),
    ];
    for (op, n) in want {
        assert_eq!(c.op(op), n, "{op}: {c:?}");
    }
    assert_eq!(c.op(S3Op::Other), 0, "{c:?}");
    assert_eq!(c.requests, c.forwarded);
}

#[tokio::test]
async fn connections_are_kept_alive() {
    let (_s, proxy, _direct, _p) = setup().await;
    let mut stream = tokio::net::TcpStream::connect(addr(&proxy.endpoint()))
        .await
        .unwrap();
    for _ in 0..3 {
        let answer = raw_on(&mut stream, "GET", "/").await.unwrap();
        assert!((400..500).contains(&answer.status), "unsigned: {answer:?}");
        let answer = raw_on(&mut stream, "GET", "/__faultproxy/counts")
            .await
            .unwrap();
        assert_eq!(answer.status, 200);
    }
    assert_eq!(proxy.counts().requests, 3);
}
