//! The embedded store's DeleteObjects as cleanup and rm use it: by VersionId (that version
//! only, a missing one succeeds as in S3), and on an ETag (PreconditionFailed when it differs).

use crate::support::store as store_support;
use aws_sdk_s3::types::{Delete, ObjectIdentifier};

fn ident(key: &str, version: Option<&str>, etag: Option<&str>) -> ObjectIdentifier {
    ObjectIdentifier::builder()
        .key(key)
        .set_version_id(version.map(str::to_string))
        .set_e_tag(etag.map(str::to_string))
        .build()
        .unwrap()
}

#[tokio::test]
async fn delete_objects_by_version_id_and_on_an_etag() {
    let t = store_support::start().await;
    let s3 = store_support::client(&t.server);
    store_support::create_bucket(&s3, "act-store").await;
    t.server.store().set_versioning("act-store", true).unwrap();
    let mut versions = Vec::new();
    for body in [&b"one"[..], b"two", b"three"] {
        let r = s3
            .put_object()
            .bucket("act-store")
            .key("k")
            .body(body.to_vec().into())
            .send()
            .await
            .unwrap();
        versions.push(r.version_id().unwrap().to_string());
    }
    let etag = store_support::put(&s3, "act-store", "e", b"etag me").await;
    let out = s3
        .delete_objects()
        .bucket("act-store")
        .delete(
            Delete::builder()
                .objects(ident("k", Some(&versions[0]), None))
                .objects(ident("k", Some("no-such-version"), None))
                .objects(ident(
                    "e",
                    None,
                    Some("\"0123456789abcdef0123456789abcdef\""),
                ))
                .quiet(true)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let errors: Vec<(&str, &str)> = out
        .errors()
        .iter()
        .map(|e| (e.key().unwrap(), e.code().unwrap()))
        .collect();
    assert_eq!(errors, [("e", "PreconditionFailed")]);
    assert!(out.deleted().is_empty(), "quiet");
    let listed = s3
        .list_object_versions()
        .bucket("act-store")
        .prefix("k")
        .send()
        .await
        .unwrap();
    let left: Vec<&str> = listed
        .versions()
        .iter()
        .filter_map(|v| v.version_id())
        .collect();
    assert_eq!(
        left,
        [versions[2].as_str(), versions[1].as_str()],
        "only that version went"
    );
    // On its own ETag the current object goes (a delete marker in a versioned bucket).
    let out = s3
        .delete_objects()
        .bucket("act-store")
        .delete(
            Delete::builder()
                .objects(ident("e", None, Some(&etag)))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert!(out.errors().is_empty(), "{:?}", out.errors());
    assert_eq!(out.deleted()[0].delete_marker(), Some(true));
    // Again on that ETag: no current object any more.
    let out = s3
        .delete_objects()
        .bucket("act-store")
        .delete(
            Delete::builder()
                .objects(ident("e", None, Some(&etag)))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(out.errors()[0].code(), Some("NoSuchKey"));
}
