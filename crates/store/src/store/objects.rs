//! Object operations of the store (put, look up, delete, copy, tags) under S3's versioning rules.

use std::collections::BTreeMap;

use bytes::Bytes;
use chrono::{DateTime, Utc};

use super::blobs::{BlobReader, WrittenBlob};
use super::buckets::{Bucket, Store, now, random_id};
use super::index::{BucketIndex, Mutation};
use super::model::{
    NULL_VERSION_ID, ObjectAttrs, ObjectData, ObjectVersion, StorageClass, VersionKind, Versioning,
};
use crate::DemoError;

/// What a writer chooses about an object besides its bytes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PutOptions {
    pub storage_class: StorageClass,
    pub content_type: Option<String>,
    /// User metadata (`x-amz-meta-*`), names without the prefix.
    pub metadata: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
    /// Backdates the object (demo data); now when `None`.
    pub last_modified: Option<DateTime<Utc>>,
}

/// What a write produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutResult {
    /// Unquoted ETag.
    pub etag: String,
    /// `None` in a bucket that never had versioning enabled.
    pub version_id: Option<String>,
    pub last_modified: DateTime<Utc>,
}

/// What a delete did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteResult {
    /// The version removed or the delete marker created; `None` in a never-versioned bucket.
    pub version_id: Option<String>,
    /// A delete marker was created, or the version removed was one.
    pub delete_marker: bool,
}

/// An object version with content, as found by a lookup.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundObject {
    /// `None` in a bucket that never had versioning enabled (S3 then sends no version id).
    pub version_id: Option<String>,
    pub last_modified: DateTime<Utc>,
    pub data: ObjectData,
}

impl Store {
    /// Writes an object (a new version in a versioned bucket).
    pub fn put_object(
        &self,
        bucket: &str,
        key: &str,
        body: Bytes,
        options: PutOptions,
    ) -> Result<PutResult, DemoError> {
        check_key(key)?;
        self.check_bucket(bucket)?;
        let written = self.blobs.write(&body)?;
        let attrs = ObjectAttrs {
            storage_class: options.storage_class,
            content_type: options.content_type,
            metadata: options.metadata,
            tags: options.tags,
        };
        self.commit_object(
            bucket,
            key,
            written_data(written, attrs),
            options.last_modified,
        )
    }

    /// Records an object whose bytes are already in a blob; deletes the blob if that fails.
    pub(super) fn commit_object(
        &self,
        bucket: &str,
        key: &str,
        data: ObjectData,
        last_modified: Option<DateTime<Utc>>,
    ) -> Result<PutResult, DemoError> {
        let blob = data.blob.clone();
        let result = self.write(bucket, |b| {
            self.put_version(b, key, data, last_modified, Vec::new())
        });
        if result.is_err() {
            self.blobs.remove(&blob);
        }
        result
    }

    /// Adds an object version to a locked bucket, followed by `then` in the same critical section.
    pub(super) fn put_version(
        &self,
        bucket: &mut Bucket,
        key: &str,
        data: ObjectData,
        last_modified: Option<DateTime<Utc>>,
        then: Vec<Mutation>,
    ) -> Result<PutResult, DemoError> {
        let last_modified = last_modified.unwrap_or_else(now);
        let etag = data.etag.clone();
        let version_id = new_version_id(bucket.index.versioning);
        let reported = reported_version(&bucket.index, version_id.clone());
        let version = ObjectVersion {
            version_id,
            last_modified,
            kind: VersionKind::Object(data),
        };
        let mut mutations = vec![Mutation::PutVersion {
            key: key.to_owned(),
            version,
        }];
        mutations.extend(then);
        self.commit_all(bucket, mutations)?;
        Ok(PutResult {
            etag,
            version_id: reported,
            last_modified,
        })
    }

    /// Deletes the current object: a delete marker in a versioned bucket, a removal otherwise.
    /// Deleting a key that does not exist succeeds, as in S3.
    pub fn delete_object(&self, bucket: &str, key: &str) -> Result<DeleteResult, DemoError> {
        self.delete_object_at(bucket, key, None)
    }

    /// [`Store::delete_object`] with a backdated delete marker (demo data); now when `None`.
    pub fn delete_object_at(
        &self,
        bucket: &str,
        key: &str,
        at: Option<DateTime<Utc>>,
    ) -> Result<DeleteResult, DemoError> {
        self.delete_current(bucket, key, at, None)
    }

    /// [`Store::delete_object`] only while the current object has ETag `etag` (quoted or
    /// not), as a DeleteObjects entry with an `ETag` asks: PreconditionFailed when it has
    /// another, NoSuchKey when there is no current object.
    pub fn delete_object_if_match(
        &self,
        bucket: &str,
        key: &str,
        etag: &str,
    ) -> Result<DeleteResult, DemoError> {
        self.delete_current(bucket, key, None, Some(etag))
    }

    fn delete_current(
        &self,
        bucket: &str,
        key: &str,
        at: Option<DateTime<Utc>>,
        if_match: Option<&str>,
    ) -> Result<DeleteResult, DemoError> {
        check_key(key)?;
        self.write(bucket, |b| {
            if let Some(want) = if_match {
                let versions = b.index.objects.get(key);
                let Some((_, data)) = versions.and_then(|v| v.current()) else {
                    return Err(DemoError::NoSuchKey {
                        bucket: bucket.to_owned(),
                        key: key.to_owned(),
                        delete_marker: versions
                            .and_then(|v| v.latest())
                            .is_some_and(ObjectVersion::is_delete_marker),
                    });
                };
                if data.etag != want.trim_matches('"') {
                    return Err(DemoError::PreconditionFailed(format!(
                        "{key} has ETag {}, not {want}",
                        data.etag
                    )));
                }
            }
            let versioning = b.index.versioning;
            if versioning == Versioning::Unversioned {
                if b.index.objects.contains_key(key) {
                    let remove = Mutation::RemoveVersion {
                        key: key.to_owned(),
                        version_id: NULL_VERSION_ID.to_owned(),
                    };
                    self.commit_all(b, vec![remove])?;
                }
                return Ok(DeleteResult {
                    version_id: None,
                    delete_marker: false,
                });
            }
            let version = ObjectVersion {
                version_id: new_version_id(versioning),
                last_modified: at.unwrap_or_else(now),
                kind: VersionKind::DeleteMarker,
            };
            let version_id = version.version_id.clone();
            self.commit_all(
                b,
                vec![Mutation::PutVersion {
                    key: key.to_owned(),
                    version,
                }],
            )?;
            Ok(DeleteResult {
                version_id: Some(version_id),
                delete_marker: true,
            })
        })
    }

    /// Permanently removes one version (or delete marker); a missing version is not an error.
    pub(super) fn delete_version(
        &self,
        bucket: &str,
        key: &str,
        version_id: &str,
    ) -> Result<DeleteResult, DemoError> {
        check_key(key)?;
        self.write(bucket, |b| {
            let found = b
                .index
                .objects
                .get(key)
                .and_then(|versions| versions.get(version_id));
            let delete_marker = found.is_some_and(ObjectVersion::is_delete_marker);
            if found.is_some() {
                let remove = Mutation::RemoveVersion {
                    key: key.to_owned(),
                    version_id: version_id.to_owned(),
                };
                self.commit_all(b, vec![remove])?;
            }
            Ok(DeleteResult {
                version_id: Some(version_id.to_owned()),
                delete_marker,
            })
        })
    }

    /// The current object, or the given version.
    pub(super) fn find_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<FoundObject, DemoError> {
        self.read(bucket, |index| {
            let version = lookup(index, bucket, key, version_id)?;
            found(index, key, version)
        })?
    }

    /// The current object (or the given version) with its bytes opened for reading, so that a
    /// concurrent overwrite or delete cannot take them away mid-read.
    pub(super) fn open_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<(FoundObject, Option<BlobReader>), DemoError> {
        self.read(bucket, |index| {
            let object = found(index, key, lookup(index, bucket, key, version_id)?)?;
            let reader = object
                .data
                .blob
                .as_ref()
                .map(|blob| self.blobs.open(blob))
                .transpose()?;
            Ok((object, reader))
        })?
    }

    /// Copies an object. `attrs_for` sees the source (to check preconditions and decide the
    /// destination's attributes); the bytes are shared, not duplicated.
    pub(super) fn copy_object(
        &self,
        source: (&str, &str, Option<&str>),
        destination: (&str, &str),
        attrs_for: impl FnOnce(&FoundObject) -> Result<ObjectAttrs, DemoError>,
    ) -> Result<(FoundObject, PutResult), DemoError> {
        let (src_bucket, src_key, src_version) = source;
        let (dst_bucket, dst_key) = destination;
        check_key(dst_key)?;
        self.check_bucket(dst_bucket)?;
        let (source, data) = self.read(src_bucket, |index| {
            let source = found(
                index,
                src_key,
                lookup(index, src_bucket, src_key, src_version)?,
            )?;
            let attrs = attrs_for(&source)?;
            // Linked while the source bucket is locked, so its blob cannot vanish meanwhile.
            let blob = source
                .data
                .blob
                .as_ref()
                .map(|blob| self.blobs.link(blob))
                .transpose()?;
            let data = ObjectData {
                size: source.data.size,
                etag: source.data.etag.clone(),
                attrs,
                blob,
            };
            Ok::<_, DemoError>((source, data))
        })??;
        let written = self.commit_object(dst_bucket, dst_key, data, None)?;
        Ok((source, written))
    }

    /// The tags of the current object or of a version, with the version's reported id.
    pub(super) fn tags(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<(Option<String>, BTreeMap<String, String>), DemoError> {
        let object = self.find_object(bucket, key, version_id)?;
        Ok((object.version_id, object.data.attrs.tags))
    }

    /// Replaces the tags of the current object or of a version; returns the reported version id.
    pub(super) fn set_tags(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
        tags: BTreeMap<String, String>,
    ) -> Result<Option<String>, DemoError> {
        self.write(bucket, |b: &mut Bucket| {
            let version = lookup(&b.index, bucket, key, version_id)?;
            found(&b.index, key, version)?; // a delete marker has no tags
            let version_id = version.version_id.clone();
            let reported = reported_version(&b.index, version_id.clone());
            let set = Mutation::SetTags {
                key: key.to_owned(),
                version_id,
                tags,
            };
            self.commit_all(b, vec![set])?;
            Ok(reported)
        })
    }
}

pub(super) fn written_data(written: WrittenBlob, attrs: ObjectAttrs) -> ObjectData {
    ObjectData {
        size: written.size,
        etag: written.md5,
        attrs,
        blob: written.blob,
    }
}

pub(super) fn check_key(key: &str) -> Result<(), DemoError> {
    if key.is_empty() || key.len() > 1024 {
        return Err(DemoError::InvalidArgument(format!(
            "object keys must be 1 to 1024 bytes long, {key:?} is {} bytes",
            key.len()
        )));
    }
    Ok(())
}

fn new_version_id(versioning: Versioning) -> String {
    match versioning {
        Versioning::Enabled => random_id(),
        Versioning::Unversioned | Versioning::Suspended => NULL_VERSION_ID.to_owned(),
    }
}

/// S3 reports version ids (including `null`) only once a bucket has had versioning enabled.
fn reported_version(index: &BucketIndex, version_id: String) -> Option<String> {
    (index.versioning != Versioning::Unversioned).then_some(version_id)
}

/// The version a request addresses: the latest, or the one with `version_id`.
fn lookup<'a>(
    index: &'a BucketIndex,
    bucket: &str,
    key: &str,
    version_id: Option<&str>,
) -> Result<&'a ObjectVersion, DemoError> {
    let no_such_key = |delete_marker| DemoError::NoSuchKey {
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        delete_marker,
    };
    let versions = index.objects.get(key);
    match version_id {
        None => {
            let latest = versions
                .and_then(|v| v.latest())
                .ok_or_else(|| no_such_key(false))?;
            if latest.is_delete_marker() {
                return Err(no_such_key(true));
            }
            Ok(latest)
        }
        Some(id) => versions
            .and_then(|v| v.get(id))
            .ok_or_else(|| DemoError::NoSuchVersion {
                key: key.to_owned(),
                version_id: id.to_owned(),
            }),
    }
}

fn found(
    index: &BucketIndex,
    key: &str,
    version: &ObjectVersion,
) -> Result<FoundObject, DemoError> {
    match &version.kind {
        VersionKind::Object(data) => Ok(FoundObject {
            version_id: reported_version(index, version.version_id.clone()),
            last_modified: version.last_modified,
            data: data.clone(),
        }),
        VersionKind::DeleteMarker => Err(DemoError::DeleteMarkerVersion {
            key: key.to_owned(),
            version_id: version.version_id.clone(),
        }),
    }
}
