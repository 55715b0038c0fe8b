//! Segregate against a real Ceph RGW (scripts/ceph-rgw.sh), through s3scope's own client
//! factory as a user's profile builds it: every status, metadata and tags kept, if-match
//! honoured, batched conditional deletes accepted, multipart copies with 5 MiB parts.
//! Skipped with a notice when RGW_ENDPOINT is unset (failing under CI=true).

use crate::support;
use crate::support::segregate as segregate_support;

use aws_sdk_s3::Client;
use s3scope_core::config::{Config, ConfigFile, Overrides, ProfileFile};
use s3scope_core::s3::client::Clients;
use s3scope_core::segregate::plan::Status;
use s3scope_core::segregate::{ApplyOptions, PartSettings};
use segregate_support::*;
use std::collections::BTreeMap;
use support::servers::{self, RgwEnv, unique_bucket};

/// The S3 client of a profile pointing at the RGW, exactly as `--profile ceph` would make it.
async fn profile_client(env: &RgwEnv) -> Client {
    let file = ConfigFile {
        default_profile: Some("ceph".into()),
        profiles: BTreeMap::from([(
            "ceph".to_string(),
            ProfileFile {
                endpoint: Some(env.endpoint.clone()),
                access_key_id: Some(env.access_key.clone()),
                secret_access_key: Some(env.secret_key.clone()),
                ..ProfileFile::default()
            },
        )]),
        ..ConfigFile::default()
    };
    let config = Config { path: None, file };
    let profile = config.profile(&Overrides::default()).expect("profile");
    Clients::new(&profile).await.expect("clients").s3()
}

async fn bucket(client: &Client, name: &str) -> String {
    let b = unique_bucket(name);
    client
        .create_bucket()
        .bucket(&b)
        .send()
        .await
        .expect("create bucket");
    b
}

#[tokio::test]
async fn plan_and_apply_on_ceph_keep_everything_and_honour_if_match() {
    let Some(env) = servers::rgw() else { return };
    let client = profile_client(&env).await;
    let b = bucket(&client, "seg-ceph").await;
    let put = Put {
        class: None,
        content_type: Some("application/x-cdr"),
        metadata: &[("origin", "mediation")],
        tags: Some("kind=cdr&pii=yes%20%26%20no"),
    };
    let seed_key = format!("incoming/{SEED_NAME}");
    put_with(&client, &b, &seed_key, b"seed record", put.clone()).await;
    let (conflict, same, changed) = (
        cdr(1, "20230102", "05"),
        cdr(2, "20230102", "06"),
        cdr(3, "20230102", "07"),
    );
    put_plain(&client, &b, &format!("incoming/{conflict}"), b"new").await;
    put_plain(
        &client,
        &b,
        &format!("segregated/2023/01/02/{conflict}"),
        b"old!",
    )
    .await;
    put_plain(&client, &b, &format!("incoming/{same}"), b"same").await;
    put_plain(
        &client,
        &b,
        &format!("segregated/2023/01/02/{same}"),
        b"same",
    )
    .await;
    put_plain(&client, &b, &format!("incoming/{changed}"), b"planned").await;
    put_plain(&client, &b, "incoming/README 100%+ é.txt", b"x").await;
    put_plain(&client, &b, "incoming/", b"").await;

    let p = plan(&client, &seed_rule(&b)).await;
    let status = |k: &str| entry(&p, k).status;
    assert_eq!(status(&seed_key), Status::Move);
    assert_eq!(status(&format!("incoming/{conflict}")), Status::Conflict);
    assert_eq!(status(&format!("incoming/{same}")), Status::AlreadyThere);
    assert_eq!(status("incoming/README 100%+ é.txt"), Status::Error);
    assert_eq!(p.listing.skipped.folder_markers, 1);

    // Changed after planning: RGW must refuse the copy (x-amz-copy-source-if-match).
    put_plain(&client, &b, &format!("incoming/{changed}"), b"rewritten").await;
    let dir = tempfile::tempdir().unwrap();
    let report = run(&client, &p, &options(&dir.path().join("j"))).await;
    assert_eq!(report.moved.objects, 1, "{report:#?}");
    assert_eq!(report.moved_to_errors.objects, 1);
    assert_eq!(report.already_there.objects, 1);
    assert_eq!(report.conflicts.objects, 1);
    assert_eq!(report.changed.objects, 1, "{report:#?}");
    assert_eq!(report.failed.objects, 0, "{report:#?}");

    let got = contents(&client, &b).await;
    let target = format!("segregated/2022/12/31/{SEED_NAME}");
    assert_eq!(got[&target], b"seed record");
    assert!(!got.contains_key(&seed_key));
    assert_eq!(got[&format!("incoming/{changed}")], b"rewritten");
    assert!(!got.contains_key(&format!("incoming/{same}")));
    assert_eq!(got[&format!("incoming/{conflict}")], b"new");
    assert_eq!(got["errors/README 100%+ é.txt"], b"x");
    let h = client
        .head_object()
        .bucket(&b)
        .key(&target)
        .send()
        .await
        .unwrap();
    assert_eq!(h.content_type(), Some("application/x-cdr"));
    assert_eq!(
        h.metadata()
            .and_then(|m| m.get("origin"))
            .map(String::as_str),
        Some("mediation")
    );
    let tags = client
        .get_object_tagging()
        .bucket(&b)
        .key(&target)
        .send()
        .await
        .unwrap();
    let mut tags: Vec<(&str, &str)> = tags
        .tag_set()
        .iter()
        .map(|t| (t.key(), t.value()))
        .collect();
    tags.sort();
    assert_eq!(tags, [("kind", "cdr"), ("pii", "yes & no")]);
}

#[tokio::test]
async fn multipart_copies_on_ceph_with_5_mib_parts() {
    let Some(env) = servers::rgw() else { return };
    let client = profile_client(&env).await;
    let b = bucket(&client, "seg-ceph-mp").await;
    let body: Vec<u8> = (0..12 * 1024 * 1024 + 7u32)
        .map(|i| (i % 251) as u8)
        .collect();
    let key = format!("incoming/{SEED_NAME}");
    let put = Put {
        content_type: Some("application/x-cdr"),
        metadata: &[("origin", "mediation")],
        tags: Some("kind=cdr"),
        ..Put::default()
    };
    put_with(&client, &b, &key, &body, put).await;
    // Untagged: RGW answers GetObjectTagging with an empty body.
    let plain = format!("incoming/{}", cdr(5, "20230101", "01"));
    put_plain(&client, &b, &plain, &body[..9 * 1024 * 1024]).await;
    let p = plan(&client, &seed_rule(&b)).await;
    let dir = tempfile::tempdir().unwrap();
    let opts = ApplyOptions {
        parts: PartSettings {
            threshold: 8 * 1024 * 1024,
            part_size: 5 * 1024 * 1024,
        },
        ..options(&dir.path().join("j"))
    };
    let report = run(&client, &p, &opts).await;
    assert!(report.ok(), "{report:#?}");
    let target = format!("segregated/2022/12/31/{SEED_NAME}");
    let h = client
        .head_object()
        .bucket(&b)
        .key(&target)
        .send()
        .await
        .unwrap();
    assert!(h.e_tag().unwrap().ends_with("-3\""), "{:?}", h.e_tag());
    assert_eq!(h.content_type(), Some("application/x-cdr"));
    assert_eq!(
        h.metadata()
            .and_then(|m| m.get("origin"))
            .map(String::as_str),
        Some("mediation")
    );
    let tags = client
        .get_object_tagging()
        .bucket(&b)
        .key(&target)
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tag_set().len(), 1);
    let got = contents(&client, &b).await;
    assert_eq!(got.len(), 2);
    assert!(got[&target] == body, "the copy's bytes differ");
    let plain_target = format!("segregated/2023/01/01/{}", cdr(5, "20230101", "01"));
    assert!(
        got[&plain_target] == body[..9 * 1024 * 1024],
        "the copy's bytes differ"
    );
}

/// The seed 001 config.xml and a rule that leaves files in flight alone, on Ceph: the bound
/// (n_keys - 1) x n_loops, the marker key never moved, `.staging/**` and `*.part` kept.
#[tokio::test]
async fn seed_config_and_files_in_flight_on_ceph() {
    use s3scope_core::segregate::seedxml::SeedConfig;
    let Some(env) = servers::rgw() else { return };
    let client = profile_client(&env).await;
    let b = bucket(&client, "seg-seed").await;
    put_plain(&client, &b, "incoming/", b"").await;
    for seq in 1..=5 {
        let k = format!("incoming/{}", cdr(seq, "20230101", "01"));
        put_plain(&client, &b, &k, b"cdr").await;
    }
    let part = format!("incoming/.staging/{}.part", cdr(9, "20230101", "01"));
    put_plain(&client, &b, &part, b"in flight").await;
    let xml = format!(
        "<config><log_file>/dev/null</log_file>\
         <match_pattern>^CHARGINGCDR_.*-(\\d{{8}})-?(\\d{{2}}).*</match_pattern>\
         <datetime_format>%Y%m%d%H</datetime_format><s3_dir>s3://{b}/incoming/</s3_dir>\
         <s3_segregated_dir>segregated/%Y/%m/%d/</s3_segregated_dir>\
         <s3_error_dir>errors/</s3_error_dir><n_keys>3</n_keys><n_loops>2</n_loops></config>"
    );
    let spec = s3scope_core::segregate::RuleSpec {
        exclude: vec![".staging/**".into()],
        log_file: None,
        ..SeedConfig::parse(&xml).expect("seed config").to_spec()
    };
    let p = plan(&client, &spec).await;
    let moving: Vec<_> = p
        .entries
        .iter()
        .filter(|e| e.status == Status::Move)
        .collect();
    assert!(moving.len() <= 4, "{:#?}", p.entries);
    assert!(p.entries.iter().all(|e| e.key != "incoming/"));
    let dir = tempfile::tempdir().unwrap();
    let report = run(&client, &p, &options(&dir.path().join("j"))).await;
    assert!(report.ok(), "{report:?}");
    let after = contents(&client, &b).await;
    assert!(after.contains_key("incoming/"), "the marker stays");
    if p.entries.iter().any(|e| e.key == part) {
        assert_eq!(entry(&p, &part).status, Status::Excluded);
    }
    assert_eq!(after.get(&part).map(Vec::as_slice), Some(&b"in flight"[..]));
    for e in &moving {
        assert!(!after.contains_key(&e.key));
        assert_eq!(after.get(&e.target).map(Vec::as_slice), Some(&b"cdr"[..]));
    }
}
