//! `demo-archive` and its daily S3 Inventory report in `demo-inventory` (three days, CSV.gz
//! and Parquet), so that `du --source inventory` and Browse have a report to read.
//!
//! Seeded apart from the other buckets (the `demo` command calls it after [`super::seed`]),
//! once per directory: an existing `demo-archive` means it was done.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use std::str::FromStr;

use s3scope_core::scan::inventory::InventoryError;
use s3scope_core::scan::inventory::generate::{Entry, ReportSpec, write_report};
use s3scope_core::scan::inventory::manifest::FileFormat;
use s3scope_store::DemoError;
use s3scope_store::seed::{BodyKind, Seeder};
use s3scope_store::store::{PutOptions, StorageClass, Store};

/// The bucket the report is about.
pub const SOURCE: &str = "demo-archive";
/// The bucket the reports are delivered to.
pub const DESTINATION: &str = "demo-inventory";
/// The configuration's destination prefix and id.
pub const PREFIX: &str = "reports/";
pub const CONFIG_ID: &str = "daily";
/// Objects in the source bucket.
const OBJECTS: usize = 600;

/// `s3://demo-inventory/reports/demo-archive/daily/`: what `--inventory` takes.
pub fn root_url() -> String {
    format!("s3://{DESTINATION}/{PREFIX}{SOURCE}/{CONFIG_ID}/")
}

fn class_for(age_days: i64, pick: u32) -> (&'static str, Option<&'static str>) {
    match age_days {
        d if d > 300 => ("DEEP_ARCHIVE", None),
        d if d > 180 => ("GLACIER_IR", None),
        d if d > 30 => (
            "INTELLIGENT_TIERING",
            Some(["FREQUENT", "INFREQUENT", "ARCHIVE_INSTANT_ACCESS"][pick as usize % 3]),
        ),
        _ if pick.is_multiple_of(4) => ("STANDARD_IA", None),
        _ => ("STANDARD", None),
    }
}

/// Seeds the source bucket and three daily reports (01:00 UTC of the last three days before
/// `now`; the newest is Parquet, the older ones CSV.gz). Does nothing when already seeded.
pub fn seed(store: &Store, now: DateTime<Utc>) -> Result<(), DemoError> {
    if store.list_buckets().iter().any(|b| b.name == SOURCE) {
        return Ok(());
    }
    let mut seeder = Seeder::new(store, 0x1_4e_7e_47, now);
    seeder.create_bucket(DESTINATION)?;
    seeder.create_bucket(SOURCE)?;
    let mut objects: Vec<Entry> = Vec::with_capacity(OBJECTS);
    let projects = ["apollo", "gemini", "mercury", "skylab"];
    for i in 0..OBJECTS {
        let age = seeder.rng.random_range(0..400);
        let modified =
            now - Duration::days(age) - Duration::minutes(seeder.rng.random_range(0..1440));
        let pick: u32 = seeder.rng.random_range(0..1000);
        let (class, tier) = class_for(age, pick);
        let project = projects[i % projects.len()];
        let key = format!(
            "{project}/{}/run-{i:04}.{}",
            modified.format("%Y/%m"),
            ["tar.zst", "csv", "json"][pick as usize % 3]
        );
        let size = seeder.size_in([100, 64 * 1024]);
        let options = PutOptions {
            storage_class: StorageClass::from_str(class)?,
            last_modified: Some(modified),
            ..PutOptions::default()
        };
        seeder.put_filler(SOURCE, &key, size, BodyKind::Binary, options)?;
        objects.push(Entry {
            key,
            size,
            last_modified: Some(modified),
            storage_class: class.to_string(),
            tier: tier.map(str::to_string),
            etag: format!("{:032x}", i),
            is_latest: true,
            ..Entry::default()
        });
    }
    objects.sort_by(|a, b| a.key.cmp(&b.key));
    let today = now
        .date_naive()
        .and_hms_opt(1, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or(now);
    for days_ago in [3, 2, 1] {
        let created = today - Duration::days(days_ago);
        let format = if days_ago == 1 {
            FileFormat::Parquet
        } else {
            FileFormat::Csv
        };
        let mut spec = ReportSpec::new(SOURCE, DESTINATION, CONFIG_ID, format, created);
        spec.destination_prefix = PREFIX.to_string();
        spec.rows_per_file = 250;
        let rows = objects
            .iter()
            .filter(|o| o.last_modified.is_some_and(|t| t <= created))
            .cloned();
        let mut files = Vec::new();
        write_report::<InventoryError>(&spec, rows, |key, body| {
            files.push((key, body));
            Ok(())
        })
        .map_err(|e| DemoError::SeedDescription(format!("the demo inventory report: {e}")))?;
        for (key, body) in files {
            let options = PutOptions {
                last_modified: Some(created + Duration::minutes(30)),
                ..PutOptions::default()
            };
            seeder.put(DESTINATION, &key, body.into(), options)?;
        }
    }
    store.sync()
}
