//! Benchmark: heap bytes of the prefix tree per object for a synthetic feed of N keys.
//!
//! `cargo run --release --example tree_memory -- 1000000` prints objects, prefixes, the tree's
//! own estimate and the process's resident-memory growth (from /proc/self/statm).

use s3scope_core::scan::tree::PrefixTree;
use std::time::Instant;

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let classes = ["STANDARD", "STANDARD_IA", "GLACIER", "DEEP_ARCHIVE"];
    let before = rss_bytes();
    let start = Instant::now();
    let mut tree = PrefixTree::new("", '/');
    for i in 0..n {
        // 4 levels: 10 years/months x 100 tenants x 10 kinds -> ~10k leaf prefixes.
        let key = format!(
            "data/tenant-{:03}/kind-{}/{:04}-{:02}/obj-{i:09}.bin",
            i % 100,
            (i / 100) % 10,
            2020 + (i / 1000) % 5,
            1 + (i / 5000) % 12
        );
        tree.add(
            &key,
            1000 + i % 5000,
            classes[(i % 4) as usize],
            Some(1_700_000_000 + i as i64),
        );
    }
    let elapsed = start.elapsed();
    let after = rss_bytes();
    let est = tree.heap_bytes();
    println!("objects            {n}");
    println!("prefixes           {}", tree.nodes.len());
    println!(
        "tree estimate      {est} bytes ({:.1} bytes/object)",
        est as f64 / n as f64
    );
    println!(
        "rss growth         {} bytes ({:.1} bytes/object)",
        after.saturating_sub(before),
        after.saturating_sub(before) as f64 / n as f64
    );
    println!(
        "ingest rate        {:.0} keys/s",
        n as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(tree.node(0).total.objects(), n);
}
