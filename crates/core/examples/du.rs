//! Where the bytes are, with the core alone: scan every bucket of the demo store and print its top prefixes per storage class.
//!
//! `cargo run -p s3scope-core --example du`

mod common;

use s3scope_core::scan::job::{self, ScanRequest};
use s3scope_core::scan::report::du_report;
use std::error::Error;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let (_server, clients) = common::demo_store(dir.path()).await?;
    let buckets = clients.s3().list_buckets().send().await?;
    for bucket in buckets.buckets() {
        let name = bucket.name().unwrap_or_default().to_string();
        // One scan = one job: a flat parallel listing folded into a prefix tree, with one
        // progress (objects, bytes, LIST calls) and one cancellation token.
        let scan = job::start(ScanRequest {
            bucket: name.clone(),
            prefix: String::new(),
            concurrency: 8,
            versions: false,
            multipart: false,
            hints: Vec::new(),
        });
        let done = job::run(&scan, &clients).await?;
        let tree = scan
            .tree
            .read()
            .map_err(|_| "the scan's tree was poisoned")?;
        let report = du_report(
            &tree,
            &name,
            1,
            false,
            done.calls,
            done.elapsed.as_secs_f64(),
        );
        println!(
            "s3://{name}/  {} objects, {} bytes, {} LIST calls",
            report.objects, report.bytes, report.list_calls
        );
        for p in report.prefixes.iter().take(5) {
            let classes: Vec<String> = p
                .storage_classes
                .iter()
                .map(|(class, t)| format!("{class} {}", t.bytes))
                .collect();
            println!(
                "  {:<40} {:>12} bytes  {}",
                p.prefix,
                p.bytes,
                classes.join(", ")
            );
        }
    }
    Ok(())
}
