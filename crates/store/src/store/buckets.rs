//! The `Store`: buckets persisted under one directory, shared by the S3 server and the seeder.
//!
//! Layout: `<dir>/buckets/<name>/{index.json,journal.jsonl}` and `<dir>/blobs/{packs,files}/`.
//! Each bucket sits behind its own mutex; file I/O on object bytes happens outside it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use chrono::{DateTime, SubsecRound, Utc};
use rand::Rng;

use super::blobs::Blobs;
use super::index::{BucketIndex, Mutation};
use super::journal::{self, Journal};
use super::model::{BlobId, Versioning};
use crate::DemoError;

/// A bucket as `ListBuckets` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketInfo {
    pub name: String,
    pub created: DateTime<Utc>,
}

#[derive(Debug)]
pub(super) struct Bucket {
    pub(super) index: BucketIndex,
    journal: Journal,
}

impl Bucket {
    /// Journals then applies a mutation; returns the blobs it freed, for the caller to delete.
    pub(super) fn commit(&mut self, mutation: Mutation) -> Result<Vec<BlobId>, DemoError> {
        self.journal.append(self.index.seq + 1, &mutation)?;
        Ok(self.index.apply(mutation))
    }
}

/// A persistent S3 object store over a directory.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    /// Held open with an exclusive lock: one process per store directory.
    _lock: fs::File,
    pub(super) blobs: Blobs,
    buckets: RwLock<BTreeMap<String, Arc<Mutex<Bucket>>>>,
}

impl Store {
    /// Opens (or creates) a store in `dir`, replaying and compacting each bucket's journal and
    /// deleting object files a crash left unreferenced.
    pub fn open(dir: impl AsRef<Path>) -> Result<Store, DemoError> {
        let dir = dir.as_ref().to_owned();
        let buckets_dir = dir.join("buckets");
        fs::create_dir_all(&buckets_dir).map_err(DemoError::io("create", &buckets_dir))?;
        let dir_lock = lock_dir(&dir)?;
        let blobs = Blobs::new(&dir.join("blobs"))?;
        let mut buckets = BTreeMap::new();
        let entries = fs::read_dir(&buckets_dir).map_err(DemoError::io("list", &buckets_dir))?;
        for entry in entries {
            let path = entry.map_err(DemoError::io("list", &buckets_dir))?.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
                continue;
            };
            if !journal::is_bucket_dir(&path) {
                // A bucket whose creation never completed, or one half deleted.
                fs::remove_dir_all(&path).map_err(DemoError::io("delete", &path))?;
                continue;
            }
            let (index, journal) = journal::load(&path)?;
            buckets.insert(name, Arc::new(Mutex::new(Bucket { index, journal })));
        }
        let referenced: Vec<BlobId> = buckets
            .values()
            .flat_map(|bucket| lock(bucket).index.blobs().cloned().collect::<Vec<_>>())
            .collect();
        let swept = blobs.sweep(&referenced)?;
        if swept > 0 {
            tracing::info!(swept, "deleted object files nothing refers to");
        }
        Ok(Store {
            dir,
            _lock: dir_lock,
            blobs,
            buckets: RwLock::new(buckets),
        })
    }

    /// The directory the store lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn bucket_dir(&self, name: &str) -> PathBuf {
        self.dir.join("buckets").join(name)
    }

    pub fn create_bucket(&self, name: &str) -> Result<(), DemoError> {
        if !s3s::path::check_bucket_name(name) {
            return Err(DemoError::InvalidBucketName(name.to_owned()));
        }
        let mut buckets = self.buckets.write().unwrap_or_else(PoisonError::into_inner);
        if buckets.contains_key(name) {
            return Err(DemoError::BucketAlreadyExists(name.to_owned()));
        }
        let index = BucketIndex::new(now());
        let journal = journal::create(&self.bucket_dir(name), &index)?;
        buckets.insert(
            name.to_owned(),
            Arc::new(Mutex::new(Bucket { index, journal })),
        );
        Ok(())
    }

    /// Deletes an empty bucket, discarding its multipart uploads in progress.
    pub fn delete_bucket(&self, name: &str) -> Result<(), DemoError> {
        let mut buckets = self.buckets.write().unwrap_or_else(PoisonError::into_inner);
        let bucket = buckets
            .get(name)
            .ok_or_else(|| DemoError::NoSuchBucket(name.to_owned()))?;
        let parts: Vec<BlobId> = {
            let bucket = lock(bucket);
            if !bucket.index.is_empty() {
                return Err(DemoError::BucketNotEmpty(name.to_owned()));
            }
            bucket.index.blobs().cloned().collect()
        };
        let dir = self.bucket_dir(name);
        // Removing the snapshot first makes the deletion atomic: a half-deleted directory is
        // no longer a bucket and the next open clears it away.
        let snapshot = dir.join("index.json");
        fs::remove_file(&snapshot).map_err(DemoError::io("delete", &snapshot))?;
        buckets.remove(name);
        fs::remove_dir_all(&dir).map_err(DemoError::io("delete", &dir))?;
        self.blobs.remove(&parts);
        Ok(())
    }

    /// All buckets, sorted by name.
    pub fn list_buckets(&self) -> Vec<BucketInfo> {
        let buckets = self.buckets.read().unwrap_or_else(PoisonError::into_inner);
        buckets
            .iter()
            .map(|(name, bucket)| BucketInfo {
                name: name.clone(),
                created: lock(bucket).index.created,
            })
            .collect()
    }

    /// Enables versioning, or suspends it once it was enabled.
    pub fn set_versioning(&self, bucket: &str, enabled: bool) -> Result<(), DemoError> {
        self.write(bucket, |b| {
            let state = match (enabled, b.index.versioning) {
                (true, _) => Versioning::Enabled,
                (false, Versioning::Unversioned) => return Ok(()),
                (false, _) => Versioning::Suspended,
            };
            b.commit(Mutation::SetVersioning(state)).map(drop)
        })
    }

    pub fn versioning(&self, bucket: &str) -> Result<Versioning, DemoError> {
        self.read(bucket, |index| index.versioning)
    }

    /// Forces everything written so far onto disk: object bytes, then the bucket journals.
    pub fn sync(&self) -> Result<(), DemoError> {
        self.blobs.sync()?;
        let buckets = self.buckets.read().unwrap_or_else(PoisonError::into_inner);
        buckets
            .values()
            .try_for_each(|bucket| lock(bucket).journal.sync())
    }

    /// Fails with `NoSuchBucket` unless the bucket exists.
    pub(super) fn check_bucket(&self, name: &str) -> Result<(), DemoError> {
        self.bucket(name).map(drop)
    }

    fn bucket(&self, name: &str) -> Result<Arc<Mutex<Bucket>>, DemoError> {
        let buckets = self.buckets.read().unwrap_or_else(PoisonError::into_inner);
        buckets
            .get(name)
            .cloned()
            .ok_or_else(|| DemoError::NoSuchBucket(name.to_owned()))
    }

    /// Runs `f` on a bucket's index (listings, lookups).
    pub(super) fn read<R>(
        &self,
        bucket: &str,
        f: impl FnOnce(&BucketIndex) -> R,
    ) -> Result<R, DemoError> {
        let bucket = self.bucket(bucket)?;
        let guard = lock(&bucket);
        Ok(f(&guard.index))
    }

    /// Runs `f` with a bucket locked for mutation.
    pub(super) fn write<R>(
        &self,
        bucket: &str,
        f: impl FnOnce(&mut Bucket) -> Result<R, DemoError>,
    ) -> Result<R, DemoError> {
        let bucket = self.bucket(bucket)?;
        let mut guard = lock(&bucket);
        f(&mut guard)
    }

    /// Commits mutations in order and deletes the blobs they freed.
    pub(super) fn commit_all(
        &self,
        bucket: &mut Bucket,
        mutations: Vec<Mutation>,
    ) -> Result<(), DemoError> {
        let mut freed = Vec::new();
        for mutation in mutations {
            freed.extend(bucket.commit(mutation)?);
        }
        self.blobs.remove(&freed);
        Ok(())
    }
}

/// Takes the store directory's lock file, so that a second process cannot open it.
fn lock_dir(dir: &Path) -> Result<fs::File, DemoError> {
    let path = dir.join("store.lock");
    let file = fs::File::create(&path).map_err(DemoError::io("create", &path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(DemoError::InUse(dir.to_owned())),
        Err(fs::TryLockError::Error(err)) => Err(DemoError::io("lock", &path)(err)),
    }
}

fn lock(bucket: &Mutex<Bucket>) -> MutexGuard<'_, Bucket> {
    // A panic cannot leave an index half-changed (`apply` does not panic midway), so the data
    // behind a poisoned lock is still consistent.
    bucket.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The current time at the one-second precision of S3's `Last-Modified`.
pub(super) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(0)
}

/// A fresh opaque id (version ids, upload ids).
pub(super) fn random_id() -> String {
    format!("{:032x}", rand::rng().random::<u128>())
}
