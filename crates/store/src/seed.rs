//! Deterministic demo data, described in `assets/demo.toml`, written straight into a [`Store`].
//!
//! Seeding takes a few seconds and is done once per directory: a marker file records the
//! summary, and seeding a seeded directory again only reads it back.

mod access_logs;
mod analytics;
mod cdr;
mod description;
mod versioned;

use std::path::Path;

use bytes::Bytes;
use chrono::{DateTime, Duration, NaiveTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::DemoError;
use crate::store::{PutOptions, Store};

/// Marks a seeded directory and records what was seeded.
const MARKER_FILE: &str = "demo-seeded.json";
/// Bodies are cut from pools of this size, so large objects cost no generation time.
const POOL_SIZE: usize = 256 * 1024;

/// What seeding produced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedSummary {
    pub buckets: usize,
    /// Object versions with content (delete markers and upload parts are not counted).
    pub objects: u64,
    /// Their sizes, summed.
    pub bytes: u64,
}

/// Seeds the demo buckets, dated relative to midnight UTC today; returns the recorded
/// summary without writing anything if the store was seeded before.
pub fn seed(store: &Store) -> Result<SeedSummary, DemoError> {
    let today = Utc::now().date_naive().and_time(NaiveTime::MIN).and_utc();
    seed_at(store, today)
}

/// [`seed`] with the demo's "now" given, for data that does not depend on the day.
pub fn seed_at(store: &Store, now: DateTime<Utc>) -> Result<SeedSummary, DemoError> {
    let marker = store.dir().join(MARKER_FILE);
    if let Some(summary) = read_marker(&marker)? {
        return Ok(summary);
    }
    let description = description::load()?;
    let demo_buckets = [
        &description.analytics.bucket,
        &description.cdr.bucket,
        &description.logs.bucket,
        &description.versioned.bucket,
    ];
    if store
        .list_buckets()
        .iter()
        .any(|b| demo_buckets.contains(&&b.name))
    {
        return Err(DemoError::PartialSeed {
            dir: store.dir().to_owned(),
        });
    }
    let mut seeder = Seeder::new(store, description.seed, now);
    analytics::seed(&mut seeder, &description.analytics)?;
    cdr::seed(&mut seeder, &description.cdr)?;
    versioned::seed(&mut seeder, &description.versioned)?;
    access_logs::seed(&mut seeder, &description.logs)?;
    store.sync()?;
    let summary = seeder.summary;
    let json = serde_json::to_vec_pretty(&summary)
        .map_err(|err| DemoError::io("write", &marker)(std::io::Error::other(err)))?;
    fsutil::write_atomic(&marker, &json, None).map_err(DemoError::io("write", &marker))?;
    Ok(summary)
}

fn read_marker(marker: &Path) -> Result<Option<SeedSummary>, DemoError> {
    match std::fs::read(marker) {
        Ok(data) => serde_json::from_slice(&data)
            .map(Some)
            .map_err(|err| DemoError::Corrupt {
                path: marker.to_owned(),
                reason: err.to_string(),
            }),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(DemoError::io("read", marker)(err)),
    }
}

/// An object written by the seeder, for the access logs to refer to.
#[derive(Debug, Clone)]
struct Written {
    bucket: String,
    key: String,
    size: u64,
}

/// Filler for object bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Text,
    Binary,
}

/// The generation state shared by the bucket generators (also the demo's inventory bucket, seeded
/// by the binary since its reports come from the core's generator).
pub struct Seeder<'a> {
    store: &'a Store,
    pub rng: StdRng,
    now: DateTime<Utc>,
    text_pool: Vec<u8>,
    binary_pool: Vec<u8>,
    written: Vec<Written>,
    summary: SeedSummary,
}

impl<'a> Seeder<'a> {
    pub fn new(store: &'a Store, seed: u64, now: DateTime<Utc>) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut binary_pool = vec![0; POOL_SIZE];
        rng.fill_bytes(&mut binary_pool);
        let mut text_pool = Vec::with_capacity(POOL_SIZE + 128);
        while text_pool.len() < POOL_SIZE {
            let line = format!(
                "{},order-{:07},{},{}.{:02},{}\n",
                (now - Duration::days(rng.random_range(0..365))).format("%Y-%m-%d"),
                rng.random_range(0..10_000_000),
                ["EUR", "USD", "GBP", "JPY"][rng.random_range(0..4)],
                rng.random_range(1..5_000),
                rng.random_range(0..100),
                ["web", "store", "partner", "phone"][rng.random_range(0..4)],
            );
            text_pool.extend_from_slice(line.as_bytes());
        }
        Self {
            store,
            rng,
            now,
            text_pool,
            binary_pool,
            written: Vec::new(),
            summary: SeedSummary::default(),
        }
    }

    pub fn create_bucket(&mut self, bucket: &str) -> Result<(), DemoError> {
        self.store.create_bucket(bucket)?;
        self.summary.buckets += 1;
        Ok(())
    }

    /// A body of exactly `size` bytes of filler.
    fn body(&mut self, kind: BodyKind, size: u64) -> Bytes {
        let pool = match kind {
            BodyKind::Text => &self.text_pool,
            BodyKind::Binary => &self.binary_pool,
        };
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let mut start = self.rng.random_range(0..pool.len());
        let mut body = Vec::with_capacity(size);
        while body.len() < size {
            let end = pool.len().min(start + size - body.len());
            body.extend_from_slice(&pool[start..end]);
            start = 0;
        }
        Bytes::from(body)
    }

    /// Writes an object of `size` filler bytes.
    pub fn put_filler(
        &mut self,
        bucket: &str,
        key: &str,
        size: u64,
        kind: BodyKind,
        options: PutOptions,
    ) -> Result<(), DemoError> {
        let body = self.body(kind, size);
        self.put(bucket, key, body, options)
    }

    pub fn put(
        &mut self,
        bucket: &str,
        key: &str,
        body: Bytes,
        options: PutOptions,
    ) -> Result<(), DemoError> {
        let size = body.len() as u64;
        self.store.put_object(bucket, key, body, options)?;
        self.summary.objects += 1;
        self.summary.bytes += size;
        self.written.push(Written {
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            size,
        });
        Ok(())
    }

    /// A size drawn log-uniformly from `[min, max]`: many small objects, few large ones.
    pub fn size_in(&mut self, [min, max]: [u64; 2]) -> u64 {
        if min >= max {
            return min;
        }
        if min == 0 && self.rng.random_ratio(1, 20) {
            return 0;
        }
        let (low, high) = ((min.max(1) as f64).ln(), (max as f64).ln());
        let size = self.rng.random_range(low..=high).exp().round() as u64;
        size.clamp(min, max)
    }

    fn hex(&mut self, digits: usize) -> String {
        (0..digits)
            .map(|_| char::from(b"0123456789abcdef"[self.rng.random_range(0..16)]))
            .collect()
    }

    /// A UUID-shaped random id, as Spark puts in file names.
    fn uuid(&mut self) -> String {
        format!(
            "{}-{}-{}-{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(4),
            self.hex(4),
            self.hex(12)
        )
    }

    /// A random moment in the `minutes` after `start`, never after the demo's "now".
    fn moment_after(&mut self, start: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        let at = start + Duration::seconds(self.rng.random_range(0..minutes.max(1) * 60));
        at.min(self.now)
    }
}

/// `template` with each `{name}` replaced by its value.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}
