//! The bucket table's `inventory` source: each bucket's newest report, read into its totals.

use super::open;
use super::read::ReadStats;
use crate::s3::client::Clients;
use crate::scan::buckets::BucketRow;
use crate::scan::report::ClassTotal;
use crate::scan::tree::PrefixTree;
use std::sync::{Arc, RwLock};
use tokio_util::sync::CancellationToken;

/// Fills `row` from the bucket's inventory report (found through its inventory
/// configurations); a bucket without one gets an error, never a silent listing.
pub async fn fill_row(clients: &Clients, row: &mut BucketRow, concurrency: usize) {
    let report = match open::find_report(clients, &row.bucket, "", None).await {
        Ok(r) => r,
        Err(e) => {
            row.error = Some(e.to_string());
            return;
        }
    };
    let tree = Arc::new(RwLock::new(PrefixTree::new("", '/')));
    let stats = Arc::new(ReadStats::default());
    let read = open::read_tree(
        clients,
        &report,
        tree.clone(),
        concurrency,
        stats,
        CancellationToken::new(),
    )
    .await;
    if let Err(e) = read {
        row.error = Some(e.to_string());
        return;
    }
    let t = tree
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let total = &t.node(0).total;
    row.objects = Some(total.objects());
    row.bytes = Some(total.bytes());
    for (i, c) in total
        .classes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.objects > 0)
    {
        row.storage_classes.insert(
            t.classes.get(i).cloned().unwrap_or_else(|| "OTHER".into()),
            ClassTotal {
                objects: c.objects,
                bytes: c.bytes,
            },
        );
    }
    row.as_of = Some(report.manifest.created);
}
