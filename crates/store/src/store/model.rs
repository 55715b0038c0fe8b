//! The store's data model: object versions, delete markers, multipart uploads, storage classes.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::DemoError;

/// The version id S3 reports for objects written while versioning was never enabled or suspended.
pub const NULL_VERSION_ID: &str = "null";

/// The storage classes the store accepts in `x-amz-storage-class`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StorageClass {
    #[default]
    Standard,
    StandardIa,
    OnezoneIa,
    IntelligentTiering,
    Glacier,
    GlacierIr,
    DeepArchive,
    ReducedRedundancy,
}

impl StorageClass {
    pub const ALL: [StorageClass; 8] = [
        StorageClass::Standard,
        StorageClass::StandardIa,
        StorageClass::OnezoneIa,
        StorageClass::IntelligentTiering,
        StorageClass::Glacier,
        StorageClass::GlacierIr,
        StorageClass::DeepArchive,
        StorageClass::ReducedRedundancy,
    ];

    /// The name S3 uses on the wire, e.g. `STANDARD_IA`.
    pub fn as_str(self) -> &'static str {
        match self {
            StorageClass::Standard => "STANDARD",
            StorageClass::StandardIa => "STANDARD_IA",
            StorageClass::OnezoneIa => "ONEZONE_IA",
            StorageClass::IntelligentTiering => "INTELLIGENT_TIERING",
            StorageClass::Glacier => "GLACIER",
            StorageClass::GlacierIr => "GLACIER_IR",
            StorageClass::DeepArchive => "DEEP_ARCHIVE",
            StorageClass::ReducedRedundancy => "REDUCED_REDUNDANCY",
        }
    }
}

impl FromStr for StorageClass {
    type Err = DemoError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StorageClass::ALL
            .into_iter()
            .find(|class| class.as_str() == s)
            .ok_or_else(|| DemoError::InvalidStorageClass(s.to_owned()))
    }
}

impl fmt::Display for StorageClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A bucket's versioning state; once enabled it can only be suspended, never removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Versioning {
    #[default]
    Unversioned,
    Enabled,
    Suspended,
}

/// Where the bytes of an object version or a part are (their length is its size).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BlobId {
    /// In segment file number `.0`, from byte offset `.1`.
    #[serde(rename = "p")]
    Packed(u32, u64),
    /// In a file of its own, by id.
    #[serde(rename = "f")]
    File(String),
}

/// What a writer chooses about an object besides its bytes; shared by objects and uploads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObjectAttrs {
    #[serde(default)]
    pub storage_class: StorageClass,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// User metadata (`x-amz-meta-*`), names without the prefix.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// An object version that has content (as opposed to a delete marker).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectData {
    pub size: u64,
    /// Unquoted: MD5 hex, or `md5-N` for a multipart object.
    pub etag: String,
    #[serde(flatten)]
    pub attrs: ObjectAttrs,
    /// `None` for an empty body, which needs no file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blob: Option<BlobId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum VersionKind {
    Object(ObjectData),
    DeleteMarker,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectVersion {
    pub version_id: String,
    pub last_modified: DateTime<Utc>,
    pub kind: VersionKind,
}

impl ObjectVersion {
    pub fn object(&self) -> Option<&ObjectData> {
        match &self.kind {
            VersionKind::Object(data) => Some(data),
            VersionKind::DeleteMarker => None,
        }
    }

    pub fn is_delete_marker(&self) -> bool {
        matches!(self.kind, VersionKind::DeleteMarker)
    }
}

/// All versions of one key, newest first; never empty while the key is in its bucket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ObjectVersions(pub(super) Vec<ObjectVersion>);

impl ObjectVersions {
    pub fn latest(&self) -> Option<&ObjectVersion> {
        self.0.first()
    }

    /// The current object, unless the key is absent or its latest version is a delete marker.
    pub fn current(&self) -> Option<(&ObjectVersion, &ObjectData)> {
        let latest = self.latest()?;
        latest.object().map(|data| (latest, data))
    }

    pub fn get(&self, version_id: &str) -> Option<&ObjectVersion> {
        self.0.iter().find(|v| v.version_id == version_id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &ObjectVersion> {
        self.0.iter()
    }
}

/// One uploaded part of a multipart upload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    pub size: u64,
    /// Unquoted MD5 hex of the part.
    pub etag: String,
    pub last_modified: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blob: Option<BlobId>,
}

/// A multipart upload in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Upload {
    pub upload_id: String,
    pub initiated: DateTime<Utc>,
    pub attrs: ObjectAttrs,
    pub parts: BTreeMap<i32, Part>,
}

/// The ETag of a multipart object: MD5 of the concatenated binary part MD5s, then `-N`.
pub fn multipart_etag<'a>(
    part_etags: impl IntoIterator<Item = &'a str>,
) -> Result<String, DemoError> {
    use md5::{Digest, Md5};
    let mut hasher = Md5::new();
    let mut count = 0usize;
    for etag in part_etags {
        let raw = hex::decode(etag).map_err(|_| {
            DemoError::InvalidPart(format!("ETag {etag:?} is not an MD5 hex digest"))
        })?;
        hasher.update(raw);
        count += 1;
    }
    Ok(format!("{}-{count}", hex::encode(hasher.finalize())))
}
