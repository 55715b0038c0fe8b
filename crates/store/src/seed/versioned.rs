//! `demo-versioned`: files rewritten and deleted over months, in a versioned bucket.
//!
//! They leave noncurrent versions and delete markers behind.

use chrono::Duration;
use rand::Rng;

use super::description::Versioned;
use super::{BodyKind, Seeder, fill};
use crate::DemoError;
use crate::store::PutOptions;

pub fn seed(seeder: &mut Seeder<'_>, versioned: &Versioned) -> Result<(), DemoError> {
    let bucket = &versioned.bucket;
    seeder.create_bucket(bucket)?;
    seeder.store.set_versioning(bucket, true)?;
    for i in 0..versioned.keys {
        let template = &versioned.names[i as usize % versioned.names.len()];
        let n = format!("svc-{:03}", i as usize / versioned.names.len());
        let key = fill(template, &[("n", &n)]);
        let versions = seeder
            .rng
            .random_range(versioned.versions[0]..=versioned.versions[1]);
        let mut written = seeder.now - Duration::days(seeder.rng.random_range(20..300));
        for _ in 0..versions {
            let size = seeder.size_in(versioned.size);
            let options = PutOptions {
                content_type: Some(content_type(&key).to_owned()),
                last_modified: Some(written),
                ..PutOptions::default()
            };
            seeder.put_filler(bucket, &key, size, BodyKind::Text, options)?;
            written = seeder.moment_after(written, 60 * 24 * 20);
        }
        if seeder.rng.random_range(0..1000) < versioned.deleted_per_mille {
            seeder.store.delete_object_at(bucket, &key, Some(written))?;
        }
    }
    Ok(())
}

fn content_type(key: &str) -> &'static str {
    match key.rsplit('.').next() {
        Some("yaml") => "application/yaml",
        Some("json" | "tfstate") => "application/json",
        Some("md") => "text/markdown",
        _ => "application/octet-stream",
    }
}
