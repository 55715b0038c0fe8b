//! Segregate apply on the embedded S3 server: what a moved object keeps (class, type, metadata,
//! tags, bytes), multipart copies above a (lowered) threshold, conflicts, already-there keys,
//! sources changed after planning, destinations that appeared, re-runs and cancel.

use crate::support::segregate as segregate_support;
use crate::support::store as store_support;

use aws_sdk_s3::Client;
use s3scope_core::job::Progress;
use s3scope_core::s3::write::Writer;
use s3scope_core::segregate::plan::Status;
use s3scope_core::segregate::{ApplyOptions, Outcome, PartSettings, Verify, apply};
use segregate_support::*;
use store_support::create_bucket;

async fn head(
    client: &Client,
    bucket: &str,
    key: &str,
) -> aws_sdk_s3::operation::head_object::HeadObjectOutput {
    client
        .head_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .unwrap_or_else(|e| panic!("head {key}: {e:?}"))
}

async fn tags(client: &Client, bucket: &str, key: &str) -> Vec<(String, String)> {
    let out = client
        .get_object_tagging()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .expect("tagging");
    let mut t: Vec<(String, String)> = out
        .tag_set()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    t.sort();
    t
}

/// The object at `key` keeps class, type, metadata and tags after a move to `target`.
async fn check_preserved(client: &Client, bucket: &str, target: &str, body: &[u8]) {
    let h = head(client, bucket, target).await;
    assert_eq!(h.storage_class().map(|c| c.as_str()), Some("STANDARD_IA"));
    assert_eq!(h.content_type(), Some("application/x-cdr"));
    let meta = h.metadata().cloned().unwrap_or_default();
    assert_eq!(meta.get("origin").map(String::as_str), Some("mediation"));
    assert_eq!(meta.get("node").map(String::as_str), Some("CCNCDR44"));
    assert_eq!(
        tags(client, bucket, target).await,
        [
            ("kind".into(), "cdr".into()),
            ("pii".into(), "yes & no".into())
        ]
    );
    let got = contents(client, bucket).await;
    assert_eq!(got.get(target).map(Vec::as_slice), Some(body));
}

const PUT: Put<'static> = Put {
    class: Some("STANDARD_IA"),
    content_type: Some("application/x-cdr"),
    metadata: &[("origin", "mediation"), ("node", "CCNCDR44")],
    tags: Some("kind=cdr&pii=yes%20%26%20no"),
};

#[tokio::test]
async fn a_move_keeps_class_type_metadata_tags_and_bytes() {
    let t = store_support::start().await;
    let client = store_support::client(&t.server);
    for verify in [Verify::List, Verify::Head, Verify::CopyEtag] {
        keeps_everything(&client, verify).await;
    }
}

/// One move with the given verification, in a bucket of its own.
async fn keeps_everything(client: &Client, verify: Verify) {
    let bucket = format!("seg-keep-{verify:?}").to_lowercase();
    let (client, b) = (client, bucket.as_str());
    create_bucket(client, b).await;
    let body = b"record 1\nrecord 2\n".to_vec();
    let key = format!("incoming/{SEED_NAME}");
    put_with(client, b, &key, &body, PUT).await;
    put_plain(client, b, "incoming/README", b"no date").await;
    let p = plan(client, &seed_rule(b)).await;
    let dir = tempfile::tempdir().unwrap();
    let opts = ApplyOptions {
        verify,
        ..options(&dir.path().join("j"))
    };
    let report = run(client, &p, &opts).await;
    assert!(report.ok(), "{:#?}", report);
    assert_eq!(report.moved.objects, 1);
    assert_eq!(report.moved_to_errors.objects, 1);
    assert_eq!(report.bytes_copied, body.len() as u64 + 7);
    let target = format!("segregated/2022/12/31/{SEED_NAME}");
    check_preserved(client, b, &target, &body).await;
    let left = contents(client, b).await;
    assert_eq!(
        left.keys().collect::<Vec<_>>(),
        ["errors/README", target.as_str()]
    );
    // Applying the same plan again finds it done in the journal.
    let again = run(client, &p, &opts).await;
    assert_eq!(again.done_before.objects, 2);
    assert_eq!(again.moved.objects + again.failed.objects, 0);
}

#[tokio::test]
async fn objects_above_the_threshold_are_copied_in_parts_keeping_everything() {
    let t = store_support::start().await;
    let client = store_support::client(&t.server);
    create_bucket(&client, "seg-parts").await;
    // 12 MiB and 1 byte with a lowered threshold: three 5 MiB parts and a last short one.
    let body: Vec<u8> = (0..12 * 1024 * 1024 + 1u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let key = format!("incoming/{SEED_NAME}");
    put_with(&client, "seg-parts", &key, &body, PUT).await;
    let p = plan(&client, &seed_rule("seg-parts")).await;
    let dir = tempfile::tempdir().unwrap();
    let opts = ApplyOptions {
        parts: PartSettings {
            threshold: 8 * 1024 * 1024,
            part_size: 5 * 1024 * 1024,
        },
        ..options(&dir.path().join("j"))
    };
    let report = run(&client, &p, &opts).await;
    assert!(report.ok(), "{:#?}", report);
    assert_eq!(report.moved.objects, 1);
    let target = format!("segregated/2022/12/31/{SEED_NAME}");
    let h = head(&client, "seg-parts", &target).await;
    assert!(h.e_tag().unwrap().ends_with("-3\""), "{:?}", h.e_tag());
    check_preserved(&client, "seg-parts", &target, &body).await;
    let journal = std::fs::read_to_string(dir.path().join("j")).unwrap();
    assert!(journal.contains("\"upload_started\"") && journal.contains("\"upload_closed\""));
}

#[tokio::test]
async fn conflicts_are_kept_and_already_there_sources_are_removed() {
    let t = store_support::start().await;
    let client = store_support::client(&t.server);
    create_bucket(&client, "seg-conf").await;
    let (a, b) = (cdr(1, "20230102", "05"), cdr(2, "20230102", "06"));
    put_plain(&client, "seg-conf", &format!("incoming/{a}"), b"new").await;
    put_plain(
        &client,
        "seg-conf",
        &format!("segregated/2023/01/02/{a}"),
        b"older",
    )
    .await;
    put_plain(&client, "seg-conf", &format!("incoming/{b}"), b"same").await;
    put_plain(
        &client,
        "seg-conf",
        &format!("segregated/2023/01/02/{b}"),
        b"same",
    )
    .await;
    let p = plan(&client, &seed_rule("seg-conf")).await;
    let dir = tempfile::tempdir().unwrap();
    let report = run(&client, &p, &options(&dir.path().join("j"))).await;
    assert_eq!(report.conflicts.objects, 1);
    assert_eq!(report.already_there.objects, 1);
    assert!(report.ok());
    let c = contents(&client, "seg-conf").await;
    assert_eq!(c[&format!("incoming/{a}")], b"new");
    assert_eq!(c[&format!("segregated/2023/01/02/{a}")], b"older");
    assert!(!c.contains_key(&format!("incoming/{b}")));
    assert_eq!(c[&format!("segregated/2023/01/02/{b}")], b"same");

    // --overwrite replaces the conflicting destination.
    let p = plan(&client, &seed_rule("seg-conf")).await;
    let opts = ApplyOptions {
        overwrite: true,
        ..options(&dir.path().join("j2"))
    };
    let report = run(&client, &p, &opts).await;
    assert_eq!(report.moved.objects, 1, "{report:#?}");
    let c = contents(&client, "seg-conf").await;
    assert_eq!(c[&format!("segregated/2023/01/02/{a}")], b"new");
    assert!(!c.contains_key(&format!("incoming/{a}")));
}

#[tokio::test]
async fn what_changed_since_planning_is_skipped_and_kept() {
    let t = store_support::start().await;
    let client = store_support::client(&t.server);
    create_bucket(&client, "seg-chg").await;
    let (a, b, c) = (
        cdr(1, "20230102", "05"),
        cdr(2, "20230102", "06"),
        cdr(3, "20230102", "07"),
    );
    for k in [&a, &b, &c] {
        put_plain(&client, "seg-chg", &format!("incoming/{k}"), b"planned").await;
    }
    let p = plan(&client, &seed_rule("seg-chg")).await;
    assert!(p.entries.iter().all(|e| e.status == Status::Move));
    // After planning: a is rewritten, b is deleted, c's destination appears.
    put_plain(&client, "seg-chg", &format!("incoming/{a}"), b"rewritten").await;
    client
        .delete_object()
        .bucket("seg-chg")
        .key(format!("incoming/{b}"))
        .send()
        .await
        .unwrap();
    put_plain(
        &client,
        "seg-chg",
        &format!("segregated/2023/01/02/{c}"),
        b"someone",
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let report = run(&client, &p, &options(&dir.path().join("j"))).await;
    assert_eq!(report.changed.objects, 2, "{report:#?}");
    assert_eq!(report.conflicts.objects, 1);
    assert_eq!(report.rechecked, 1);
    assert!(!report.ok());
    let outcomes: Vec<Outcome> = report.problems.iter().map(|p| p.outcome).collect();
    assert!(outcomes.contains(&Outcome::Changed) && outcomes.contains(&Outcome::Conflict));
    let got = contents(&client, "seg-chg").await;
    assert_eq!(got[&format!("incoming/{a}")], b"rewritten");
    assert!(!got.contains_key(&format!("segregated/2023/01/02/{a}")));
    assert_eq!(got[&format!("incoming/{c}")], b"planned");
    assert_eq!(got[&format!("segregated/2023/01/02/{c}")], b"someone");
}

#[tokio::test]
async fn a_cancelled_apply_starts_nothing_and_can_be_resumed() {
    let t = store_support::start().await;
    let client = store_support::client(&t.server);
    create_bucket(&client, "seg-cancel").await;
    for i in 0..40 {
        put_plain(
            &client,
            "seg-cancel",
            &format!("incoming/{}", cdr(i, "20230101", "01")),
            b"x",
        )
        .await;
    }
    let p = plan(&client, &seed_rule("seg-cancel")).await;
    let dir = tempfile::tempdir().unwrap();
    let opts = options(&dir.path().join("j"));
    let progress = Progress::default();
    progress.cancel.cancel();
    let writer = Writer::from_client(client.clone(), "test");
    let report = apply(&writer, &p, "test", &opts, &progress).await.unwrap();
    assert!(report.cancelled);
    assert_eq!(report.not_started.objects, 40);
    assert_eq!(contents(&client, "seg-cancel").await.len(), 40);
    let report = run(&client, &p, &opts).await;
    assert_eq!(report.moved.objects, 40);
    let keys: Vec<String> = contents(&client, "seg-cancel").await.into_keys().collect();
    assert!(keys.iter().all(|k| k.starts_with("segregated/2023/01/01/")));
}
