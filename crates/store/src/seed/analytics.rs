//! `demo-analytics`: a date-partitioned data lake, aged into colder storage classes.
//!
//! Also a few large files, awkward key names and abandoned multipart uploads.

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use rand::Rng;

use super::description::{Analytics, LifecycleRule, Table};
use super::{BodyKind, Seeder, fill};
use crate::DemoError;
use crate::store::{PutOptions, StorageClass};

pub fn seed(seeder: &mut Seeder<'_>, analytics: &Analytics) -> Result<(), DemoError> {
    let bucket = &analytics.bucket;
    seeder.create_bucket(bucket)?;
    for table in &analytics.tables {
        seed_table(seeder, bucket, table, &analytics.lifecycle)?;
    }
    for large in &analytics.large {
        let written = seeder.now - Duration::days(large.age_days)
            + Duration::minutes(seeder.rng.random_range(0..600));
        let options = PutOptions {
            storage_class: class_for(&analytics.lifecycle, seeder.now, written),
            content_type: Some(content_type(&large.key).to_owned()),
            last_modified: Some(written),
            ..PutOptions::default()
        };
        seeder.put_filler(bucket, &large.key, large.size, kind(&large.key), options)?;
    }
    for upload in &analytics.abandoned_uploads {
        let initiated = seeder.now - Duration::days(upload.age_days);
        let upload_id =
            seeder
                .store
                .create_multipart_upload(bucket, &upload.key, Some(initiated))?;
        for part_number in 1..=upload.parts {
            let body = seeder.body(BodyKind::Binary, upload.part_size);
            seeder
                .store
                .upload_part(bucket, &upload.key, &upload_id, part_number, body)?;
        }
    }
    Ok(())
}

/// One partition per day (or hour), `files` data files each, plus Spark's `_SUCCESS`.
fn seed_table(
    seeder: &mut Seeder<'_>,
    bucket: &str,
    table: &Table,
    lifecycle: &[LifecycleRule],
) -> Result<(), DemoError> {
    let kind = kind(&table.name);
    let hours: Vec<i64> = if table.hourly {
        (0..24).collect()
    } else {
        vec![0]
    };
    for day in (1..=i64::from(table.days)).rev() {
        let date = seeder.now - Duration::days(day);
        for &hour in &hours {
            let partition_start = date + Duration::hours(hour);
            let mut partition = format!(
                "{}/year={}/month={:02}/day={:02}/",
                table.prefix,
                partition_start.year(),
                partition_start.month(),
                partition_start.day()
            );
            if table.hourly {
                partition.push_str(&format!("hour={:02}/", partition_start.hour()));
            }
            // Partitions are written by a job that runs after they close.
            let job_start = partition_start
                + if table.hourly {
                    Duration::hours(1)
                } else {
                    Duration::days(1)
                };
            let files = seeder.rng.random_range(table.files[0]..=table.files[1]);
            let mut last_write = job_start;
            for n in 0..files {
                let id = seeder.uuid();
                let key = format!(
                    "{partition}{}",
                    fill(&table.name, &[("n", &format!("{n:05}")), ("id", &id)])
                );
                let written = seeder.moment_after(job_start, 20);
                last_write = last_write.max(written);
                let size = seeder.size_in(table.size);
                let options = PutOptions {
                    storage_class: class_for(lifecycle, seeder.now, written),
                    content_type: Some(table.content_type.clone()),
                    last_modified: Some(written),
                    ..PutOptions::default()
                };
                seeder.put_filler(bucket, &key, size, kind, options)?;
            }
            if table.success {
                let options = PutOptions {
                    storage_class: class_for(lifecycle, seeder.now, last_write),
                    last_modified: Some(last_write.min(seeder.now)),
                    ..PutOptions::default()
                };
                seeder.put_filler(bucket, &format!("{partition}_SUCCESS"), 0, kind, options)?;
            }
        }
    }
    Ok(())
}

/// The storage class a lifecycle policy has moved an object written at `written` to by `now`.
fn class_for(
    lifecycle: &[LifecycleRule],
    now: DateTime<Utc>,
    written: DateTime<Utc>,
) -> StorageClass {
    let age_days = (now - written).num_days();
    lifecycle
        .iter()
        .find(|rule| age_days >= rule.older_than_days)
        .map_or(StorageClass::Standard, |rule| rule.class)
}

fn kind(name: &str) -> BodyKind {
    if name.ends_with(".csv") || name.ends_with(".json") || name.ends_with(".md") {
        BodyKind::Text
    } else {
        BodyKind::Binary
    }
}

fn content_type(key: &str) -> &'static str {
    match key.rsplit('.').next() {
        Some("csv") => "text/csv",
        Some("pdf") => "application/pdf",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}
