//! Shared harness of the `segregate_*` tests: rules, plan and apply through the library, and
//! what a bucket holds (keys with sizes, ETags and bodies) to compare before and after.

#![allow(dead_code)] // each test crate uses a different part of the harness

use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::StorageClass;
use chrono::{TimeZone, Utc};
use s3scope_core::job::Progress;
use s3scope_core::s3::write::Writer;
use s3scope_core::segregate::{
    ApplyOptions, ApplyReport, MovePlan, PartSettings, Rule, RuleSpec, Verify, apply, make_plan,
};
use std::collections::BTreeMap;
use std::path::Path;

/// The seed's example name and rule.
pub const SEED_NAME: &str =
    "CHARGINGCDR_4008-BRCCNH-CCNCDR44-01-Blk0Blk-8421-20221231-100511-78.ccn";
pub const SEED_PATTERN: &str = r"^CHARGINGCDR_.*-(\d{8})-?(\d{2}).*";

pub fn seed_rule(bucket: &str) -> RuleSpec {
    RuleSpec {
        bucket: bucket.into(),
        source_prefix: "incoming/".into(),
        match_pattern: Some(SEED_PATTERN.into()),
        datetime_format: "%Y%m%d%H".into(),
        target: "segregated/%Y/%m/%d/".into(),
        error_prefix: "errors/".into(),
        workers: 8,
        ..RuleSpec::empty()
    }
}

/// A CDR name of `yyyymmdd` and hour `hh`.
pub fn cdr(seq: u32, day: &str, hour: &str) -> String {
    format!("CHARGINGCDR_4008-BRCCNH-CCNCDR44-01-Blk0Blk-{seq:04}-{day}-{hour}0511-78.ccn")
}

/// What a PUT sets besides the body.
#[derive(Debug, Clone, Default)]
pub struct Put<'a> {
    pub class: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub metadata: &'a [(&'a str, &'a str)],
    pub tags: Option<&'a str>,
}

pub async fn put_with(client: &Client, bucket: &str, key: &str, body: &[u8], p: Put<'_>) {
    let mut req = client
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(ByteStream::from(body.to_vec()))
        .set_content_type(p.content_type.map(str::to_string))
        .set_tagging(p.tags.map(str::to_string));
    if let Some(c) = p.class {
        req = req.storage_class(StorageClass::from(c));
    }
    for (k, v) in p.metadata {
        req = req.metadata(*k, *v);
    }
    req.send()
        .await
        .unwrap_or_else(|e| panic!("put {key:?}: {e:?}"));
}

pub async fn put_plain(client: &Client, bucket: &str, key: &str, body: &[u8]) {
    put_with(client, bucket, key, body, Put::default()).await;
}

/// A key as listed with `encoding-type=url` (any byte survives XML that way).
pub fn decode_key(s: &str) -> String {
    percent_encoding::percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// Every key of the bucket with its body.
pub async fn contents(client: &Client, bucket: &str) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut pages = client
        .list_objects_v2()
        .bucket(bucket)
        .encoding_type(aws_sdk_s3::types::EncodingType::Url)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.expect("list");
        for o in page.contents() {
            let key = decode_key(o.key().unwrap_or_default());
            let body = client
                .get_object()
                .bucket(bucket)
                .key(&key)
                .send()
                .await
                .unwrap_or_else(|e| panic!("get {key:?}: {e:?}"))
                .body
                .collect()
                .await
                .expect("body")
                .into_bytes()
                .to_vec();
            out.insert(key, body);
        }
    }
    out
}

/// A fixed clock for plans (rules without a pattern date keys from it).
pub fn fixed_now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap()
}

pub async fn plan(client: &Client, spec: &RuleSpec) -> MovePlan {
    let rule = Rule::compile(spec).expect("rule compiles");
    make_plan(client, &rule, "test", fixed_now(), &Progress::default())
        .await
        .expect("plan")
}

pub fn options(journal: &Path) -> ApplyOptions {
    ApplyOptions {
        workers: 8,
        overwrite: false,
        parts: PartSettings::default(),
        verify: Verify::default(),
        journal: journal.to_path_buf(),
    }
}

pub async fn run(client: &Client, plan: &MovePlan, opts: &ApplyOptions) -> ApplyReport {
    let writer = Writer::from_client(client.clone(), "test");
    apply(&writer, plan, "test", opts, &Progress::default())
        .await
        .expect("apply runs")
}

/// The entry of `key` in a plan.
pub fn entry<'a>(plan: &'a MovePlan, key: &str) -> &'a s3scope_core::segregate::PlanEntry {
    plan.entries
        .iter()
        .find(|e| e.key == key)
        .unwrap_or_else(|| panic!("{key} not in the plan"))
}

/// TUI scenarios of the Segregate pane, without a terminal or tokio.
pub mod tui {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use s3scope_core::config::SegregateRuleFile;
    use s3scope_core::s3::lister::ListedObject;
    use s3scope_core::segregate::plan::Existing;
    use s3scope_tui::effect::Effect;
    use s3scope_tui::event::{Event, RequestId};
    use s3scope_tui::keymap::Keymap;
    use s3scope_tui::state::segregate::{SegregateEffect, SegregateEvent, SegregateState};
    use s3scope_tui::state::{State, Status};
    use s3scope_tui::update::update;

    pub fn rule() -> SegregateRuleFile {
        SegregateRuleFile {
            name: "cdr".into(),
            bucket: "mediation".into(),
            source_prefix: "incoming/".into(),
            match_pattern: Some(super::SEED_PATTERN.into()),
            datetime_format: Some("%Y%m%d%H".into()),
            target: "segregated/%Y/%m/%d/".into(),
            error_prefix: "errors/".into(),
            ..SegregateRuleFile::default()
        }
    }

    /// A state at `size` with the rule loaded and the clock ticked; the pane not shown yet.
    pub fn state(size: (u16, u16), read_only: bool) -> State {
        let status = Status {
            profile: "prod".into(),
            endpoint: "http://127.0.0.1:9000".into(),
            read_only,
            ..Status::default()
        };
        let mut s = State::new(status, Keymap::defaults().unwrap(), None);
        s.segregate = SegregateState::with_rules(&[rule()]);
        update(
            &mut s,
            Event::Resize {
                width: size.0,
                height: size.1,
            },
        );
        update(
            &mut s,
            Event::Tick {
                now: super::fixed_now(),
            },
        );
        s
    }

    pub fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
        update(s, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    pub fn typed(s: &mut State, text: &str) -> Vec<Effect> {
        let mut out = Vec::new();
        for c in text.chars() {
            out = key(s, KeyCode::Char(c));
        }
        out
    }

    pub fn object(key: &str, size: u64, etag: &str) -> ListedObject {
        ListedObject {
            key: key.into(),
            size,
            last_modified: None,
            storage_class: "STANDARD".into(),
            etag: Some(format!("\"{etag}\"")),
        }
    }

    /// The keys of the scenario: one per status, awkward ones, an escape sequence.
    pub fn objects() -> Vec<ListedObject> {
        let c = super::cdr;
        vec![
            object(&format!("incoming/{}", super::SEED_NAME), 2048, "a1"),
            object(&format!("incoming/{}", c(7, "20230101", "03")), 4096, "a2"),
            object(&format!("incoming/{}", c(8, "20230101", "04")), 0, "a3"),
            object(
                &format!("incoming/sub dir/{}", c(9, "20230102", "23")),
                99,
                "a4",
            ),
            object(&format!("incoming/{}", c(10, "20230102", "05")), 500, "a5"),
            object(&format!("incoming/{}", c(11, "20230103", "06")), 600, "a6"),
            object(
                "incoming/CHARGINGCDR_4011-SPOCNH-CCNCDR12-01-Blk0Blk-0017-20221231-250000-11.ccn",
                70,
                "a7",
            ),
            object("incoming/README 100%+ é.txt", 12, "a8"),
            object("incoming/evil\x1b[31mred\x07.txt", 13, "a9"),
        ]
    }

    /// What is at the destinations: a conflict and an identical copy.
    pub fn existing() -> Vec<(String, Existing)> {
        let c = super::cdr;
        let e = |size, etag: &str| Existing {
            size,
            etag: Some(format!("\"{etag}\"")),
        };
        vec![
            (
                format!("segregated/2023/01/02/{}", c(10, "20230102", "05")),
                e(501, "zz"),
            ),
            (
                format!("segregated/2023/01/03/{}", c(11, "20230103", "06")),
                e(600, "a6"),
            ),
        ]
    }

    pub fn list_id(effects: &[Effect]) -> RequestId {
        effects
            .iter()
            .find_map(|e| match e {
                Effect::Segregate(SegregateEffect::List { id, .. }) => Some(*id),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no List effect in {effects:?}"))
    }

    /// Answers every Check effect with what `existing` holds under its prefixes.
    pub fn answer_checks(
        s: &mut State,
        effects: Vec<Effect>,
        found: &[(String, Existing)],
    ) -> Vec<Effect> {
        let mut next = Vec::new();
        for e in effects {
            if let Effect::Segregate(SegregateEffect::Check {
                id,
                bucket,
                prefixes,
            }) = e
            {
                let hits = found
                    .iter()
                    .filter(|(k, _)| prefixes.iter().any(|p| k.starts_with(p.as_str())))
                    .cloned()
                    .collect();
                next.extend(update(
                    s,
                    Event::Segregate(SegregateEvent::Checked {
                        id,
                        bucket,
                        prefixes,
                        result: Ok(hits),
                    }),
                ));
            }
        }
        next
    }

    /// Shows the pane, lists `objects`, answers the destination checks.
    pub fn previewed(size: (u16, u16), read_only: bool) -> State {
        let mut s = state(size, read_only);
        let fx = key(&mut s, KeyCode::Char('4'));
        let id = list_id(&fx);
        let fx = update(
            &mut s,
            Event::Segregate(SegregateEvent::Listed {
                id,
                objects: objects(),
                list_calls: 1,
                done: Some(Ok(true)),
            }),
        );
        let rest = answer_checks(&mut s, fx, &existing());
        assert!(rest.is_empty(), "{rest:?}");
        s
    }
}
