//! Multipart uploads on the embedded S3 server, driven by the real AWS SDK.
//!
//! Parts, listing uploads and parts with paging, completing, UploadPartCopy ranges, size
//! rules, aborting. The `check_*` functions only need a client and a bucket prefix.

use crate::support::store as store_support;

use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart, StorageClass};
use store_support::*;

const MIB: usize = 1024 * 1024;

async fn create_upload(client: &Client, bucket: &str, key: &str) -> String {
    let upload = client
        .create_multipart_upload()
        .bucket(bucket)
        .key(key)
        .send()
        .await;
    upload
        .expect("create upload")
        .upload_id()
        .expect("upload id")
        .to_owned()
}

async fn upload_part(
    client: &Client,
    target: (&str, &str, &str),
    number: i32,
    body: &[u8],
) -> CompletedPart {
    let (bucket, key, upload_id) = target;
    let part = client
        .upload_part()
        .bucket(bucket)
        .key(key)
        .upload_id(upload_id)
        .part_number(number)
        .body(ByteStream::from(body.to_vec()))
        .send()
        .await
        .expect("upload part");
    assert_eq!(part.e_tag(), Some(md5_etag(body).as_str()));
    CompletedPart::builder()
        .part_number(number)
        .e_tag(part.e_tag().unwrap_or_default())
        .build()
}

async fn complete(
    client: &Client,
    target: (&str, &str, &str),
    parts: Vec<CompletedPart>,
) -> Result<Option<String>, String> {
    let (bucket, key, upload_id) = target;
    let done = client
        .complete_multipart_upload()
        .bucket(bucket)
        .key(key)
        .upload_id(upload_id)
        .multipart_upload(
            CompletedMultipartUpload::builder()
                .set_parts(Some(parts))
                .build(),
        )
        .send()
        .await;
    done.map(|output| output.e_tag().map(str::to_owned))
        .map_err(|err| error_code(&err))
}

pub async fn check_complete(client: &Client, prefix: &str) {
    let bucket = format!("{prefix}-multipart");
    create_bucket(client, &bucket).await;
    let key = "big files/report ä+%.bin";
    let upload = client
        .create_multipart_upload()
        .bucket(&bucket)
        .key(key)
        .storage_class(StorageClass::StandardIa)
        .metadata("purpose", "test")
        .send()
        .await
        .expect("create upload");
    let upload_id = upload.upload_id().expect("upload id");
    let target = (bucket.as_str(), key, upload_id);
    let parts = vec![
        upload_part(client, target, 1, &vec![b'a'; 5 * MIB]).await,
        upload_part(client, target, 2, b"tail").await,
    ];

    let uploads = client
        .list_multipart_uploads()
        .bucket(&bucket)
        .prefix("big")
        .send()
        .await;
    let uploads = uploads.expect("list uploads");
    assert_eq!(uploads.uploads().len(), 1);
    assert_eq!(uploads.uploads()[0].key(), Some(key));
    assert_eq!(
        uploads.uploads()[0].storage_class(),
        Some(&StorageClass::StandardIa)
    );
    let list_parts = || {
        client
            .list_parts()
            .bucket(&bucket)
            .key(key)
            .upload_id(upload_id)
    };
    let first = list_parts().max_parts(1).send().await.expect("parts");
    assert_eq!((first.parts().len(), first.is_truncated()), (1, Some(true)));
    let marker = first.next_part_number_marker().unwrap_or_default();
    let rest = list_parts()
        .part_number_marker(marker)
        .send()
        .await
        .expect("parts");
    assert_eq!(rest.parts()[0].size(), Some(4));

    let etag = complete(client, target, parts).await.expect("complete");
    assert!(
        etag.as_deref().is_some_and(|tag| tag.ends_with("-2\"")),
        "multipart ETag: {etag:?}"
    );
    let body = get(client, &bucket, key).await;
    assert_eq!(body.len(), 5 * MIB + 4);
    assert!(body.ends_with(b"tail"));
    let head = client
        .head_object()
        .bucket(&bucket)
        .key(key)
        .send()
        .await
        .expect("head");
    assert_eq!(head.storage_class(), Some(&StorageClass::StandardIa));
    assert_eq!(
        head.metadata()
            .and_then(|m| m.get("purpose"))
            .map(String::as_str),
        Some("test")
    );
    let uploads = client.list_multipart_uploads().bucket(&bucket).send().await;
    assert!(uploads.expect("list uploads").uploads().is_empty());
}

pub async fn check_copy_parts_and_abort(client: &Client, prefix: &str) {
    let bucket = format!("{prefix}-part-copy");
    create_bucket(client, &bucket).await;
    let source_key = "source ä+%.bin";
    let source: Vec<u8> = (0..5 * MIB + 4).map(|i| (i % 251) as u8).collect();
    put(client, &bucket, source_key, &source).await;

    // UploadPartCopy with ranges assembles a copy of the object.
    let copy_id = create_upload(client, &bucket, "copy").await;
    let mut parts = Vec::new();
    let ranges = [(1, 0, 5 * MIB - 1), (2, 5 * MIB, 5 * MIB + 3)];
    for (number, first, last) in ranges {
        let part = client
            .upload_part_copy()
            .bucket(&bucket)
            .key("copy")
            .upload_id(&copy_id)
            .part_number(number)
            .copy_source(copy_source(&bucket, source_key))
            .copy_source_range(format!("bytes={first}-{last}"))
            .send()
            .await
            .expect("upload part copy");
        let tag = part
            .copy_part_result()
            .and_then(|r| r.e_tag())
            .unwrap_or_default();
        parts.push(
            CompletedPart::builder()
                .part_number(number)
                .e_tag(tag)
                .build(),
        );
    }
    complete(client, (&bucket, "copy", &copy_id), parts)
        .await
        .expect("complete copy");
    assert_eq!(get(client, &bucket, "copy").await, source);

    // A small part that is not the last one is refused; aborting discards the upload.
    let small_id = create_upload(client, &bucket, "small").await;
    let target = (bucket.as_str(), "small", small_id.as_str());
    let parts = vec![
        upload_part(client, target, 1, b"tiny").await,
        upload_part(client, target, 2, b"tiny").await,
    ];
    assert_eq!(
        complete(client, target, parts).await,
        Err("EntityTooSmall".to_owned())
    );
    let abort = || {
        client
            .abort_multipart_upload()
            .bucket(&bucket)
            .key("small")
            .upload_id(&small_id)
    };
    abort().send().await.expect("abort");
    let again = abort().send().await.expect_err("already aborted");
    assert_eq!(error_code(&again), "NoSuchUpload");
}

pub async fn check_upload_listing(client: &Client, prefix: &str) {
    let bucket = format!("{prefix}-uploads");
    create_bucket(client, &bucket).await;
    let mut expected = Vec::new();
    for key in ["u/a", "u/a", "u/b", "u/c", "u/c", "v"] {
        let upload_id = create_upload(client, &bucket, key).await;
        if key.starts_with("u/") {
            expected.push((key.to_owned(), upload_id));
        }
    }
    expected.sort();
    let (mut key_marker, mut id_marker, mut seen) = (None, None, Vec::new());
    loop {
        let page = client
            .list_multipart_uploads()
            .bucket(&bucket)
            .prefix("u/")
            .max_uploads(2)
            .set_key_marker(key_marker)
            .set_upload_id_marker(id_marker)
            .send()
            .await
            .expect("page");
        assert!(page.uploads().len() <= 2);
        let keys = page.uploads().iter().map(|u| (u.key(), u.upload_id()));
        seen.extend(keys.map(|(k, id)| {
            (
                k.unwrap_or_default().to_owned(),
                id.unwrap_or_default().to_owned(),
            )
        }));
        if !page.is_truncated().unwrap_or(false) {
            break;
        }
        key_marker = page.next_key_marker().map(str::to_owned);
        id_marker = page.next_upload_id_marker().map(str::to_owned);
    }
    seen.sort();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn multipart_uploads() {
    let test = start().await;
    let client = client(&test.server);
    check_complete(&client, "embedded").await;
    check_copy_parts_and_abort(&client, "embedded").await;
    check_upload_listing(&client, "embedded").await;
}

/// Runs the portable checks against another endpoint when `S3SCOPE_TEST_S3_*` names one.
#[tokio::test]
async fn external_endpoint_passes_the_same_checks() {
    let Some(client) = external_target() else {
        eprintln!("S3SCOPE_TEST_S3_ENDPOINT not set: skipping");
        return;
    };
    let prefix = unique_prefix("s3scope-check");
    check_complete(&client, &prefix).await;
    check_copy_parts_and_abort(&client, &prefix).await;
    check_upload_listing(&client, &prefix).await;
}
