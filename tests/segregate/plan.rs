//! Segregate plans on the embedded S3 server: the seed's example exactly, every status, awkward
//! keys, 0-byte objects, skipped keys, bounded listings, and plan files saved, read and refused.

use crate::support::segregate as segregate_support;
use crate::support::store as store_support;

use aws_sdk_s3::Client;
use s3scope_core::segregate::classify::Reason;
use s3scope_core::segregate::plan::Status;
use s3scope_core::segregate::{RuleSpec, SegregateError, planfile};
use segregate_support::*;
use store_support::create_bucket;

/// A bucket with one key per status and the awkward ones.
async fn check_statuses(client: &Client, bucket: &str) {
    let unparseable = "CHARGINGCDR_4011-SPOCNH-CCNCDR12-01-Blk0Blk-0017-20221231-250000-11.ccn";
    let nested = format!("sub dir/日本 %+/{}", cdr(1, "20230101", "23"));
    let awkward = "CHARGINGCDR_a+b%41 é-20230104-01.ccn";
    let keys = [
        (format!("incoming/{SEED_NAME}"), b"seed".to_vec()),
        (
            "incoming/README 100%+ é.txt".to_string(),
            b"readme".to_vec(),
        ),
        (format!("incoming/{unparseable}"), b"bad hour".to_vec()),
        (format!("incoming/{nested}"), b"nested".to_vec()),
        (
            format!("incoming/{}", cdr(2, "20230102", "05")),
            b"new".to_vec(),
        ),
        (
            format!("incoming/{}", cdr(3, "20230102", "06")),
            b"same".to_vec(),
        ),
        (format!("incoming/{}", cdr(4, "20230103", "00")), Vec::new()),
        (format!("incoming/{awkward}"), b"awkward".to_vec()),
        ("incoming/".to_string(), Vec::new()),
        ("elsewhere/x".to_string(), b"not listed".to_vec()),
    ];
    for (k, body) in &keys {
        put_plain(client, bucket, k, body).await;
    }
    let conflict = format!("segregated/2023/01/02/{}", cdr(2, "20230102", "05"));
    put_plain(client, bucket, &conflict, b"different").await;
    let same = format!("segregated/2023/01/02/{}", cdr(3, "20230102", "06"));
    put_plain(client, bucket, &same, b"same").await;

    let plan = plan(client, &seed_rule(bucket)).await;
    assert!(plan.listing.complete);
    assert_eq!(plan.listing.skipped.folder_markers, 1);
    assert_eq!(plan.entries.len(), 8, "{:#?}", plan.entries);

    let e = entry(&plan, &format!("incoming/{SEED_NAME}"));
    assert_eq!(e.status, Status::Move);
    assert_eq!(e.target, format!("segregated/2022/12/31/{SEED_NAME}"));
    assert_eq!(e.date.unwrap().to_string(), "2022-12-31 10:00:00");
    let m = e.matched.as_ref().unwrap();
    assert_eq!(m.groups, ["20221231", "10"]);
    assert_eq!(&e.key[m.spans[0].0..m.spans[0].1], "20221231");

    let e = entry(&plan, "incoming/README 100%+ é.txt");
    assert_eq!((e.status, e.reason), (Status::Error, Some(Reason::NoMatch)));
    assert_eq!(e.target, "errors/README 100%+ é.txt");

    let e = entry(&plan, &format!("incoming/{unparseable}"));
    assert_eq!(
        (e.status, e.reason),
        (Status::Error, Some(Reason::Unparseable))
    );
    assert_eq!(e.target, format!("errors/{unparseable}"));
    assert!(e.detail.as_deref().unwrap().contains("2022123125"));

    let e = entry(&plan, &format!("incoming/{nested}"));
    assert_eq!(e.target, format!("segregated/2023/01/01/{nested}"));
    assert_eq!(e.status, Status::Move);

    let e = entry(&plan, &format!("incoming/{}", cdr(2, "20230102", "05")));
    assert_eq!(e.status, Status::Conflict);
    assert_eq!(e.existing.as_ref().unwrap().size, 9);
    let e = entry(&plan, &format!("incoming/{}", cdr(3, "20230102", "06")));
    assert_eq!(e.status, Status::AlreadyThere);
    let e = entry(&plan, &format!("incoming/{}", cdr(4, "20230103", "00")));
    assert_eq!((e.status, e.size), (Status::Move, 0));
    let e = entry(&plan, &format!("incoming/{awkward}"));
    assert_eq!(e.target, format!("segregated/2023/01/04/{awkward}"));

    let s = &plan.summary;
    assert_eq!(
        (
            s.moves.objects,
            s.error.objects,
            s.conflict.objects,
            s.already_there.objects
        ),
        (4, 2, 1, 1)
    );
    assert_eq!((s.no_match, s.unparseable), (1, 1));
    let days: Vec<(&str, u64)> = s
        .days
        .iter()
        .map(|(d, c)| (d.as_str(), c.objects))
        .collect();
    assert_eq!(
        days,
        [
            ("2022-12-31", 1),
            ("2023-01-01", 1),
            ("2023-01-02", 2),
            ("2023-01-03", 1),
            ("2023-01-04", 1)
        ]
    );
}

/// Nothing under the prefix: an empty, complete plan.
async fn check_empty(client: &Client, bucket: &str) {
    let plan = plan(client, &seed_rule(bucket)).await;
    assert!(plan.entries.is_empty());
    assert!(plan.listing.complete);
    assert_eq!(plan.listing.keys_listed, 0);
}

#[tokio::test]
async fn statuses_targets_and_awkward_keys() {
    let t = store_support::start().await;
    let client = store_support::client(&t.server);
    create_bucket(&client, "seg-plan").await;
    check_statuses(&client, "seg-plan").await;
}

#[tokio::test]
async fn an_empty_bucket_gives_an_empty_plan() {
    let t = store_support::start().await;
    let client = store_support::client(&t.server);
    create_bucket(&client, "seg-empty").await;
    check_empty(&client, "seg-empty").await;
}

#[tokio::test]
async fn max_pages_bounds_the_run_and_targets_beside_the_source_work() {
    let t = store_support::start().await;
    let client = store_support::client(&t.server);
    create_bucket(&client, "seg-pages").await;
    for i in 0..25 {
        put_plain(
            &client,
            "seg-pages",
            &format!("incoming/{}", cdr(i, "20230105", "12")),
            b"x",
        )
        .await;
    }
    let spec = RuleSpec {
        page_size: 10,
        max_pages: Some(2),
        ..seed_rule("seg-pages")
    };
    let bounded = plan(&client, &spec).await;
    assert_eq!(bounded.listing.keys_listed, 20);
    assert!(!bounded.listing.complete);
    assert_eq!(bounded.entries.len(), 20);
    let unbounded = plan(&client, &seed_rule("seg-pages")).await;
    assert_eq!(unbounded.entries.len(), 25);

    // Source, target and error prefix side by side under one parent.
    for k in [
        "data/segregated/2023/01/01/a",
        "data/errors/b",
        "data/in/CDR-20230101-01",
    ] {
        put_plain(&client, "seg-pages", k, b"y").await;
    }
    let spec = RuleSpec {
        source_prefix: "data/in/".into(),
        match_pattern: Some(r"-(\d{8})-(\d{2})".into()),
        target: "data/segregated/%Y/%m/%d/".into(),
        error_prefix: "data/errors/".into(),
        ..seed_rule("seg-pages")
    };
    let p = plan(&client, &spec).await;
    assert_eq!(p.entries.len(), 1);
    assert_eq!(
        p.entries[0].target,
        "data/segregated/2023/01/01/CDR-20230101-01"
    );
}

#[tokio::test]
async fn rules_without_a_pattern_use_the_delay_or_the_forced_date() {
    let t = store_support::start().await;
    let client = store_support::client(&t.server);
    create_bucket(&client, "seg-nopat").await;
    put_plain(&client, "seg-nopat", "incoming/a.bin", b"a").await;
    let spec = RuleSpec {
        match_pattern: None,
        ..seed_rule("seg-nopat")
    };
    // fixed_now() is 2024-05-06 07:08:09; minus the default day.
    let p = plan(&client, &spec).await;
    assert_eq!(p.entries[0].target, "segregated/2024/05/05/a.bin");
    let spec = RuleSpec {
        time_delay_secs: 0,
        ..spec
    };
    assert_eq!(
        plan(&client, &spec).await.entries[0].target,
        "segregated/2024/05/06/a.bin"
    );
    let spec = RuleSpec {
        datetime: Some("2021-02-03".into()),
        ..spec
    };
    assert_eq!(
        plan(&client, &spec).await.entries[0].target,
        "segregated/2021/02/03/a.bin"
    );
}

#[tokio::test]
async fn the_demo_cdr_bucket_plans_as_its_description_says() {
    let t = store_support::start().await;
    let store = t.server.store();
    tokio::task::spawn_blocking(move || s3scope_store::seed::seed(&store))
        .await
        .unwrap()
        .expect("seed");
    let client = store_support::client(&t.server);
    let spec = RuleSpec::from_config(&s3scope_core::segregate::spec::demo_rule());
    let p = plan(&client, &spec).await;
    let s = &p.summary;
    // assets/demo.toml: four impossible dates, ~5% of names that do not match.
    assert_eq!(s.unparseable, 4);
    let share = s.no_match as f64 / s.total.objects as f64;
    assert!((0.005..0.1).contains(&share), "{share}");
    assert!(s.moves.objects > 1000);
    for e in p.entries.iter().filter(|e| e.status == Status::Move) {
        assert!(
            e.target.starts_with("segregated/2022/12/")
                || e.target.starts_with("segregated/2023/01/"),
            "{}",
            e.target
        );
    }
}

#[tokio::test]
async fn plan_files_round_trip_and_bad_ones_are_refused() {
    let t = store_support::start().await;
    let client = store_support::client(&t.server);
    create_bucket(&client, "seg-file").await;
    put_plain(&client, "seg-file", &format!("incoming/{SEED_NAME}"), b"x").await;
    put_plain(&client, "seg-file", "incoming/other", b"y").await;
    let p = plan(&client, &seed_rule("seg-file")).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.json");
    planfile::save(&p, &path).unwrap();
    let back = planfile::load(&path).unwrap();
    assert_eq!(back, p);

    let text = std::fs::read_to_string(&path).unwrap();
    let bad = |name: &str, text: String| {
        let f = dir.path().join(name);
        std::fs::write(&f, text).unwrap();
        planfile::load(&f).unwrap_err()
    };
    match bad("trunc.json", text[..text.len() / 2].to_string()) {
        SegregateError::ParsePlan { line, .. } => assert!(line > 1),
        e => panic!("{e}"),
    }
    let e = bad(
        "v.json",
        text.replacen("\"version\": 1", "\"version\": 9", 1),
    );
    assert!(e.to_string().contains("version 9"), "{e}");
    let both = text.replace(
        "\"errors/other\"",
        &format!("\"segregated/2022/12/31/{SEED_NAME}\""),
    );
    let e = bad("dup.json", both);
    assert!(e.to_string().contains("two entries move to"), "{e}");
    let e = bad("missing.json", String::new());
    assert!(matches!(e, SegregateError::ParsePlan { .. }), "{e}");
    assert!(planfile::load(&dir.path().join("none.json")).is_err());
}
