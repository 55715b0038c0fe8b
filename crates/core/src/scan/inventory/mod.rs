//! S3 Inventory reports as a source of the prefix tree: no LIST calls, billions of objects.
//!
//! A report is found (`locate`: the newest `YYYY-MM-DDTHH-MMZ/manifest.json` of a
//! configuration, or the configuration itself through the bucket's inventory API), its
//! manifest checked against `manifest.checksum`, and its data files (CSV.gz or Parquet; ORC is
//! refused by name) fetched in parallel to temporary files, each checked against its MD5 before
//! its rows are folded into the tree (`read`). Columns come from the manifest's `fileSchema`.
//! `generate` writes spec-conformant reports from a listing: the test data of the suite and
//! the demo.

pub mod decode; // data files (CSV.gz, Parquet) to rows, columns by the manifest's schema
pub mod generate; // spec-conformant reports (manifest, checksum, CSV.gz or Parquet) from rows
pub mod locate; // the newest manifest of a configuration, or the configuration itself
pub mod manifest; // manifest.json parsed and checked against manifest.checksum
pub mod open; // a bucket's report from the profile: found, read into a tree, checked for staleness
pub mod read; // parallel, checked, streamed fold of a report into a prefix tree
pub mod table; // the bucket table's inventory source: each bucket's newest report

use thiserror::Error;

/// One row of a report: an object, or with versions a noncurrent version or delete marker.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    pub key: String,
    pub size: u64,
    /// Storage class, refined by the Intelligent-Tiering access tier (see [`class_label`]).
    pub class: String,
    /// Unix seconds of LastModifiedDate.
    pub mtime: Option<i64>,
    pub version_id: Option<String>,
    /// IsLatest (true when the report has no version columns).
    pub latest: bool,
    pub delete_marker: bool,
}

/// The class a row counts under: its storage class, or `INTELLIGENT_TIERING:<tier>` when the
/// report names an Intelligent-Tiering access tier other than the default FREQUENT (the
/// tiers are priced differently).
pub fn class_label(class: &str, tier: &str) -> String {
    let class = if class.is_empty() { "STANDARD" } else { class };
    if class == "INTELLIGENT_TIERING" && !tier.is_empty() && tier != "FREQUENT" {
        format!("{class}:{tier}")
    } else {
        class.to_string()
    }
}

/// Why a report could not be read. Every message names the object and says what to do.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum InventoryError {
    #[error(transparent)]
    S3(#[from] crate::s3::error::S3Error),
    #[error("no inventory report under {url}: {reason}")]
    NotFound { url: String, reason: String },
    #[error("inventory manifest {url} is unusable: {reason}")]
    BadManifest { url: String, reason: String },
    #[error(
        "inventory data file {url} is damaged: {reason}; the report cannot be trusted, wait for the next one or pick another date"
    )]
    BadDataFile { url: String, reason: String },
    #[error(
        "inventory data file {url} is ORC, which s3scope does not read (no maintained Rust ORC reader); change the inventory configuration to CSV or Parquet"
    )]
    Orc { url: String },
    #[error(
        "inventory report {url} is for bucket `{found}`, not `{wanted}`; give --inventory the report of {wanted}"
    )]
    WrongBucket {
        url: String,
        found: String,
        wanted: String,
    },
    #[error("{what}: {detail}")]
    Io { what: String, detail: String },
    #[error("reading the inventory was cancelled")]
    Cancelled,
}

impl InventoryError {
    pub(crate) fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let what = what.into();
        move |e| Self::Io {
            what,
            detail: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tiers_refine_intelligent_tiering_only() {
        assert_eq!(
            super::class_label("INTELLIGENT_TIERING", "FREQUENT"),
            "INTELLIGENT_TIERING"
        );
        assert_eq!(
            super::class_label("INTELLIGENT_TIERING", "ARCHIVE"),
            "INTELLIGENT_TIERING:ARCHIVE"
        );
        assert_eq!(super::class_label("GLACIER", "ARCHIVE"), "GLACIER");
        assert_eq!(super::class_label("", ""), "STANDARD");
    }
}
