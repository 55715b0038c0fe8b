//! The parallel lister returns exactly one sequential listing: no key twice, none missing.

use crate::support::store as store_support;

use bytes::Bytes;
use proptest::prelude::*;
use s3scope_core::s3::lister::{ListOptions, ListStats, list_parallel};
use s3scope_store::PutOptions;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Fragments that stress split points: delimiters, runs of `/`, unicode, `%`, `+`, spaces,
/// characters on both sides of every class boundary the splitter uses.
const FRAGMENTS: [&str; 22] = [
    "a",
    "b",
    "z",
    "A",
    "Z",
    "0",
    "5",
    "9",
    "/",
    "//",
    "é",
    "日本",
    "%",
    "+",
    " ",
    "-",
    ".",
    "_",
    "~",
    "x/",
    "ab",
    "\u{1F600}",
];

fn key_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS.to_vec()), 1..7).prop_map(|v| v.concat())
}

/// Deep, Hive-like keys: up to six levels of `name=digits`, dates, separators that sort on
/// both sides of `/` (`-`, `.`), and multi-byte names.
fn deep_key_strategy() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        (0u32..40).prop_map(|d| format!("dt=2023-0{}-{:02}", 1 + d % 9, 1 + d % 28)),
        (0u32..24).prop_map(|h| format!("hour={h:02}")),
        (0u32..12).prop_map(|i| format!("part-{i}")),
        prop::sample::select(vec!["a", "a-b", "a.b", "a0", "é", "日本", "x y", "%", "+"])
            .prop_map(str::to_string),
    ];
    prop::collection::vec(segment, 1..7).prop_map(|v| v.join("/"))
}

async fn sequential(client: &aws_sdk_s3::Client, bucket: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let r = client
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .set_continuation_token(token)
            .send()
            .await
            .unwrap();
        out.extend(r.contents().iter().map(|o| o.key().unwrap().to_string()));
        token = r.next_continuation_token().map(str::to_string);
        if token.is_none() {
            return out;
        }
    }
}

async fn parallel(client: &aws_sdk_s3::Client, opts: ListOptions) -> (Vec<String>, Arc<ListStats>) {
    let (tx, mut rx) = mpsc::channel(16);
    let stats = Arc::new(ListStats::default());
    let job = tokio::spawn(list_parallel(
        client.clone(),
        opts,
        stats.clone(),
        tx,
        CancellationToken::new(),
        "test".into(),
    ));
    let mut keys = Vec::new();
    while let Some(page) = rx.recv().await {
        keys.extend(page.objects.into_iter().map(|o| o.key));
    }
    job.await.unwrap().unwrap();
    (keys, stats)
}

fn check(keys: BTreeSet<String>, page_size: i32, delimiter: bool, prefix: &str) {
    check_with(keys, page_size, delimiter, prefix, Vec::new());
}

fn check_with(
    keys: BTreeSet<String>,
    page_size: i32,
    delimiter: bool,
    prefix: &str,
    hints: Vec<String>,
) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let ts = store_support::start().await;
        let store = ts.server.store();
        store.create_bucket("prop").unwrap();
        for k in &keys {
            store
                .put_object("prop", k, Bytes::from_static(b"x"), PutOptions::default())
                .unwrap();
        }
        let client = store_support::client(&ts.server);
        let expected = sequential(&client, "prop", prefix).await;
        let mut opts = ListOptions::new("prop", prefix);
        opts.page_size = page_size;
        opts.concurrency = 8;
        opts.delimiter = delimiter.then(|| "/".to_string());
        opts.hints = hints;
        let (mut got, _) = parallel(&client, opts).await;
        let n = got.len();
        got.sort();
        got.dedup();
        assert_eq!(n, got.len(), "a key was listed twice");
        assert_eq!(got, expected);
    });
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn parallel_equals_sequential(
        keys in prop::collection::btree_set(key_strategy(), 1..150),
        page_size in 1i32..6,
        delimiter in any::<bool>(),
        prefix in prop::sample::select(vec!["", "a", "a/", "x/"]),
    ) {
        let mut keys = keys;
        keys.insert("a/".to_string()); // a key equal to a prefix
        check(keys, page_size, delimiter, prefix);
    }

    /// Deep trees listed flat (the default) and by delimiter, with and without hints that
    /// may fall anywhere (between keys, on keys, outside the prefix).
    #[test]
    fn deep_trees_parallel_equals_sequential(
        keys in prop::collection::btree_set(deep_key_strategy(), 1..300),
        page_size in 1i32..8,
        delimiter in any::<bool>(),
        hints in prop::collection::vec(deep_key_strategy(), 0..6),
        prefix in prop::sample::select(vec!["", "a", "a/", "dt=2023-0", "hour=0"]),
    ) {
        let mut hints = hints;
        if let Some(k) = keys.iter().nth(keys.len() / 2) {
            hints.push(k.clone()); // a hint equal to a key
        }
        check_with(keys, page_size, delimiter, prefix, hints);
    }
}

/// A flat prefix of many keys is split into ranges and still listed exactly once.
#[test]
fn flat_prefix_is_split_and_complete() {
    let keys: BTreeSet<String> = (0..3000).map(|i| format!("flat/file-{i:06}.dat")).collect();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let ts = store_support::start().await;
        let store = ts.server.store();
        store.create_bucket("flat").unwrap();
        for k in &keys {
            store
                .put_object("flat", k, Bytes::from_static(b"xy"), PutOptions::default())
                .unwrap();
        }
        let client = store_support::client(&ts.server);
        let mut opts = ListOptions::new("flat", "flat/");
        opts.page_size = 100;
        let (mut got, stats) = parallel(&client, opts).await;
        got.sort();
        assert_eq!(got, keys.iter().cloned().collect::<Vec<_>>());
        assert!(
            stats.splits.load(Ordering::Relaxed) > 0,
            "the flat prefix was never split"
        );
        assert!(stats.list_calls.load(Ordering::Relaxed) >= 30);
    });
}
