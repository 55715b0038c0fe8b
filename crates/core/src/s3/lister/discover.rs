//! First cuts of a flat listing from the shape of the tree: a few delimiter pages, level by
//! level, until there are enough prefixes to give every worker a range from the start.
//!
//! Nested buckets (teams/datasets) and Hive partitions (`events/dt=…/`) are cut at their real
//! prefix boundaries for the price of a handful of calls; a flat prefix stops after two.

use super::{ListOptions, ListStats};
use aws_sdk_s3::Client;
use aws_sdk_s3::types::EncodingType;
use std::sync::atomic::Ordering;
use tokio::task::JoinSet;

/// Levels explored at most; a level is explored only while it needs at most `concurrency`
/// calls (one delimiter page per prefix).
const MAX_LEVELS: usize = 4;

/// Up to `concurrency` prefix boundaries in key order (empty when the tree gives none).
/// Failures end the discovery quietly: the listing itself retries and reports them.
pub(super) async fn boundaries(
    client: &Client,
    opts: &ListOptions,
    stats: &ListStats,
) -> Vec<String> {
    let want = opts.concurrency.max(1);
    let mut level = vec![opts.prefix.clone()];
    for _ in 0..MAX_LEVELS {
        if level.len() > want {
            break;
        }
        let mut pages = JoinSet::new();
        for prefix in level.clone() {
            let req = client
                .list_objects_v2()
                .bucket(&opts.bucket)
                .prefix(prefix)
                .delimiter("/")
                .encoding_type(EncodingType::Url)
                .max_keys(1000);
            stats.list_calls.fetch_add(1, Ordering::Relaxed);
            pages.spawn(req.send());
        }
        let mut next = Vec::new();
        while let Some(joined) = pages.join_next().await {
            let Ok(Ok(resp)) = joined else {
                return Vec::new();
            };
            next.extend(
                resp.common_prefixes()
                    .iter()
                    .filter_map(|p| p.prefix())
                    .map(super::page::decode),
            );
        }
        if next.is_empty() {
            break;
        }
        next.sort();
        level = next;
        if level.len() >= 2 * want {
            break;
        }
    }
    if level.len() < 2 {
        return Vec::new();
    }
    // Every `stride`-th prefix starts a range (the first one's keys sort before it anyway).
    let stride = level.len().div_ceil(want).max(1);
    level.into_iter().skip(1).step_by(stride).collect()
}
