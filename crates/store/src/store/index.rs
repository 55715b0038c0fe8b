//! A bucket's in-memory index and the mutations that change it, replayable from the journal.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::{
    BlobId, NULL_VERSION_ID, ObjectVersion, ObjectVersions, Part, Upload, VersionKind, Versioning,
};

/// Everything the store knows about one bucket. Keys are kept sorted (UTF-8 binary order is
/// `String` order), so a listing page is a range walk: O(log n + page), never a full scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BucketIndex {
    /// Sequence number of the last mutation reflected here.
    pub seq: u64,
    pub created: DateTime<Utc>,
    pub versioning: Versioning,
    pub objects: BTreeMap<String, ObjectVersions>,
    /// Multipart uploads in progress: key, then upload id (ids sort by initiation time).
    pub uploads: BTreeMap<String, BTreeMap<String, Upload>>,
}

/// One change to a bucket. Mutations are validated before they are journaled, so applying one
/// never fails; replaying the journal in sequence rebuilds exactly the same index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Mutation {
    SetVersioning(Versioning),
    /// Adds a version (or delete marker) as the latest; a `null` version replaces the previous one.
    PutVersion {
        key: String,
        version: ObjectVersion,
    },
    RemoveVersion {
        key: String,
        version_id: String,
    },
    SetTags {
        key: String,
        version_id: String,
        tags: BTreeMap<String, String>,
    },
    CreateUpload {
        key: String,
        upload: Upload,
    },
    PutPart {
        key: String,
        upload_id: String,
        part_number: i32,
        part: Part,
    },
    RemoveUpload {
        key: String,
        upload_id: String,
    },
}

impl BucketIndex {
    pub fn new(created: DateTime<Utc>) -> Self {
        Self {
            seq: 0,
            created,
            versioning: Versioning::Unversioned,
            objects: BTreeMap::new(),
            uploads: BTreeMap::new(),
        }
    }

    /// Has no object versions or delete markers (uploads in progress do not count).
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    pub fn upload(&self, key: &str, upload_id: &str) -> Option<&Upload> {
        self.uploads.get(key)?.get(upload_id)
    }

    /// Applies a mutation and returns the blobs it stopped referencing.
    pub fn apply(&mut self, mutation: Mutation) -> Vec<BlobId> {
        self.seq += 1;
        match mutation {
            Mutation::SetVersioning(state) => {
                self.versioning = state;
                Vec::new()
            }
            Mutation::PutVersion { key, version } => {
                let versions = &mut self.objects.entry(key).or_default().0;
                let mut freed = Vec::new();
                if version.version_id == NULL_VERSION_ID
                    && let Some(pos) = versions
                        .iter()
                        .position(|v| v.version_id == NULL_VERSION_ID)
                {
                    freed.extend(blob_of(&versions.remove(pos)));
                }
                versions.insert(0, version);
                freed
            }
            Mutation::RemoveVersion { key, version_id } => {
                let Some(versions) = self.objects.get_mut(&key) else {
                    return Vec::new();
                };
                let Some(pos) = versions.0.iter().position(|v| v.version_id == version_id) else {
                    return Vec::new();
                };
                let removed = versions.0.remove(pos);
                if versions.0.is_empty() {
                    self.objects.remove(&key);
                }
                blob_of(&removed).into_iter().collect()
            }
            Mutation::SetTags {
                key,
                version_id,
                tags,
            } => {
                let version = self.objects.get_mut(&key).and_then(|versions| {
                    versions.0.iter_mut().find(|v| v.version_id == version_id)
                });
                if let Some(ObjectVersion {
                    kind: VersionKind::Object(data),
                    ..
                }) = version
                {
                    data.attrs.tags = tags;
                }
                Vec::new()
            }
            Mutation::CreateUpload { key, upload } => {
                self.uploads
                    .entry(key)
                    .or_default()
                    .insert(upload.upload_id.clone(), upload);
                Vec::new()
            }
            Mutation::PutPart {
                key,
                upload_id,
                part_number,
                part,
            } => {
                let upload = self
                    .uploads
                    .get_mut(&key)
                    .and_then(|u| u.get_mut(&upload_id));
                let replaced = upload.and_then(|upload| upload.parts.insert(part_number, part));
                replaced.and_then(|part| part.blob).into_iter().collect()
            }
            Mutation::RemoveUpload { key, upload_id } => {
                let Some(uploads) = self.uploads.get_mut(&key) else {
                    return Vec::new();
                };
                let removed = uploads.remove(&upload_id);
                if uploads.is_empty() {
                    self.uploads.remove(&key);
                }
                removed
                    .into_iter()
                    .flat_map(|upload| upload.parts.into_values())
                    .filter_map(|part| part.blob)
                    .collect()
            }
        }
    }

    /// Every blob this bucket refers to.
    pub fn blobs(&self) -> impl Iterator<Item = &BlobId> {
        let versions = self
            .objects
            .values()
            .flat_map(ObjectVersions::iter)
            .filter_map(|v| v.object()?.blob.as_ref());
        let parts = self
            .uploads
            .values()
            .flat_map(BTreeMap::values)
            .flat_map(|upload| upload.parts.values())
            .filter_map(|part| part.blob.as_ref());
        versions.chain(parts)
    }
}

fn blob_of(version: &ObjectVersion) -> Option<BlobId> {
    version.object().and_then(|data| data.blob.clone())
}
