//! Spec-conformant S3 Inventory reports written from a listing (or any rows): data files in
//! CSV.gz or Parquet, `manifest.json`, `manifest.checksum` and the Hive `symlink.txt`, under
//! the keys S3 uses. No local server writes inventory reports; the tests and the demo use these.

mod encode; // data files: gzipped CSV and Parquet, and their fileSchema
mod listing; // report rows from a real ListObjectsV2 / ListObjectVersions listing

pub use encode::encode_key;
pub use listing::from_listing;

use super::InventoryError;
use super::manifest::{DataFile, FileFormat, RawManifest, to_json};
use crate::s3::error::S3Error;
use aws_sdk_s3::Client;
use chrono::{DateTime, Utc};
use encode::{csv_file, parquet_file, parquet_schema};
use md5::{Digest, Md5};

/// One object (or version, or delete marker) to list in a report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Entry {
    pub key: String,
    pub size: u64,
    pub last_modified: Option<DateTime<Utc>>,
    pub storage_class: String,
    /// Intelligent-Tiering access tier; FREQUENT is written for INTELLIGENT_TIERING objects
    /// when unset (what a listing cannot know).
    pub tier: Option<String>,
    pub etag: String,
    pub version_id: Option<String>,
    pub is_latest: bool,
    pub is_delete_marker: bool,
}

/// What report to write.
#[derive(Debug, Clone)]
pub struct ReportSpec {
    pub source_bucket: String,
    pub destination_bucket: String,
    /// The configuration's destination prefix ("" or ending with `/`).
    pub destination_prefix: String,
    pub config_id: String,
    pub format: FileFormat,
    /// Version columns (VersionId, IsLatest, IsDeleteMarker): "include all versions".
    pub versions: bool,
    pub created: DateTime<Utc>,
    pub rows_per_file: usize,
    /// Adds a column s3scope does not know (readers must skip it).
    pub extra_column: bool,
}

impl ReportSpec {
    pub fn new(
        source: &str,
        destination: &str,
        config_id: &str,
        format: FileFormat,
        created: DateTime<Utc>,
    ) -> Self {
        Self {
            source_bucket: source.to_string(),
            destination_bucket: destination.to_string(),
            destination_prefix: String::new(),
            config_id: config_id.to_string(),
            format,
            versions: false,
            created,
            rows_per_file: 100_000,
            extra_column: false,
        }
    }

    /// `[PREFIX/]SOURCE/CONFIG-ID/`: the folder `--inventory` points at.
    pub fn root(&self) -> String {
        format!(
            "{}{}/{}/",
            self.destination_prefix, self.source_bucket, self.config_id
        )
    }

    /// The dated folder of this report, `2026-11-21T01-00Z`.
    pub fn dated(&self) -> String {
        self.created.format("%Y-%m-%dT%H-%MZ").to_string()
    }

    fn fields(&self) -> Vec<&'static str> {
        let mut f = vec!["Bucket", "Key"];
        if self.versions {
            f.extend(["VersionId", "IsLatest", "IsDeleteMarker"]);
        }
        f.extend([
            "Size",
            "LastModifiedDate",
            "ETag",
            "StorageClass",
            "IsMultipartUploaded",
            "EncryptionStatus",
            "IntelligentTieringAccessTier",
        ]);
        if self.extra_column {
            f.push("SomeFutureField");
        }
        f
    }
}

/// A deterministic UUID-shaped name for data file `n` of a report.
fn file_name(spec: &ReportSpec, n: usize) -> String {
    let h = hex::encode(Md5::digest(format!(
        "{}/{}/{}/{n}",
        spec.source_bucket,
        spec.config_id,
        spec.created.timestamp_millis()
    )));
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Writes a report of `rows`, handing each object (key in the destination bucket, body) to
/// `emit`: the data files first, then `manifest.json`, `manifest.checksum` and `symlink.txt`
/// (as S3 delivers them: the manifest last). Returns the key of `manifest.json`.
pub fn write_report<E: From<InventoryError>>(
    spec: &ReportSpec,
    rows: impl IntoIterator<Item = Entry>,
    mut emit: impl FnMut(String, Vec<u8>) -> Result<(), E>,
) -> Result<String, E> {
    let root = spec.root();
    let mut files = Vec::new();
    let mut chunk = Vec::with_capacity(spec.rows_per_file.min(1 << 20));
    let mut rows = rows.into_iter().peekable();
    let ext = match spec.format {
        FileFormat::Csv => "csv.gz",
        FileFormat::Parquet => "parquet",
        FileFormat::Orc => "orc",
    };
    let failed = |what: String| InventoryError::Io {
        what: "writing an inventory data file".into(),
        detail: what,
    };
    while rows.peek().is_some() || files.is_empty() {
        chunk.clear();
        chunk.extend(rows.by_ref().take(spec.rows_per_file.max(1)));
        let body = match spec.format {
            FileFormat::Csv => csv_file(spec, &chunk).map_err(|e| failed(e.to_string()))?,
            FileFormat::Parquet => parquet_file(spec, &chunk).map_err(failed)?,
            FileFormat::Orc => return Err(failed("ORC reports cannot be generated".into()).into()),
        };
        let key = format!("{root}data/{}.{ext}", file_name(spec, files.len()));
        files.push(DataFile {
            key: key.clone(),
            size: body.len() as u64,
            md5: hex::encode(Md5::digest(&body)),
        });
        emit(key, body)?;
    }
    let schema = match spec.format {
        FileFormat::Parquet => parquet_schema(spec).1,
        _ => spec.fields().join(", "),
    };
    let raw = RawManifest {
        source_bucket: spec.source_bucket.clone(),
        destination_bucket: format!("arn:aws:s3:::{}", spec.destination_bucket),
        version: "2016-11-30".into(),
        creation_timestamp: spec.created.timestamp_millis().to_string(),
        file_format: spec.format.as_str().into(),
        file_schema: schema,
        files: files.clone(),
    };
    let json = to_json(&raw);
    let sum = hex::encode(Md5::digest(&json));
    let dated = format!("{root}{}/", spec.dated());
    let symlink: String = files
        .iter()
        .map(|f| format!("s3://{}/{}\n", spec.destination_bucket, f.key))
        .collect();
    let hive = format!(
        "{root}hive/dt={}/symlink.txt",
        spec.created.format("%Y-%m-%d-%H-%M")
    );
    emit(hive, symlink.into_bytes())?;
    emit(format!("{dated}manifest.json"), json)?;
    emit(format!("{dated}manifest.checksum"), sum.into_bytes())?;
    Ok(format!("{dated}manifest.json"))
}

/// Writes a report to its destination bucket with PutObject; returns the manifest's key.
pub async fn upload(
    s3: &Client,
    endpoint: &str,
    spec: &ReportSpec,
    rows: Vec<Entry>,
) -> Result<String, InventoryError> {
    let mut objects = Vec::new();
    let key = write_report::<InventoryError>(spec, rows, |k, b| {
        objects.push((k, b));
        Ok(())
    })?;
    for (k, body) in objects {
        s3.put_object()
            .bucket(&spec.destination_bucket)
            .key(&k)
            .body(body.into())
            .send()
            .await
            .map_err(|e| S3Error::classify(&e, endpoint, "PutObject", &spec.destination_bucket))?;
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::inventory::decode::{decode_key, read_csv, read_parquet};
    use crate::scan::inventory::manifest::Manifest;
    use std::collections::BTreeMap;

    fn entries() -> Vec<Entry> {
        let t = DateTime::<Utc>::from_timestamp(1_767_323_045, 0);
        let e = |key: &str, size, class: &str| Entry {
            key: key.into(),
            size,
            last_modified: t,
            storage_class: class.into(),
            is_latest: true,
            etag: "abc".into(),
            ..Entry::default()
        };
        vec![
            e("a/b c+d%.txt", 10, "STANDARD"),
            e("a/x", 5, "INTELLIGENT_TIERING"),
            Entry {
                is_latest: false,
                version_id: Some("v1".into()),
                ..e("a/x", 3, "STANDARD")
            },
            Entry {
                is_delete_marker: true,
                version_id: Some("v2".into()),
                ..e("gone", 0, "")
            },
            e("ключ/ü", 7, "GLACIER"),
        ]
    }

    fn roundtrip(format: FileFormat) {
        let created = DateTime::<Utc>::from_timestamp(1_767_400_000, 0).unwrap();
        let mut spec = ReportSpec::new("src", "dest", "daily", format, created);
        spec.versions = true;
        spec.extra_column = true;
        spec.rows_per_file = 2;
        let mut objects = BTreeMap::new();
        let key = write_report::<InventoryError>(&spec, entries(), |k, b| {
            objects.insert(k, b);
            Ok(())
        })
        .unwrap();
        assert!(key.starts_with("src/daily/2026-01-03T00-26Z/"), "{key}");
        let sum = objects[&key.replace(".json", ".checksum")].clone();
        let m = Manifest::parse("u", &objects[&key], Some(&sum)).unwrap();
        assert_eq!(m.files.len(), 3);
        assert!(m.has_versions());
        let mut rows = Vec::new();
        for f in &m.files {
            let body = &objects[&f.key];
            assert_eq!(f.size, body.len() as u64);
            let sink = |r| {
                rows.push(r);
                Ok(())
            };
            match format {
                FileFormat::Csv => read_csv(&body[..], &m.columns(), sink).unwrap(),
                _ => {
                    let dir = tempfile::tempdir().unwrap();
                    let p = dir.path().join("f.parquet");
                    std::fs::write(&p, body).unwrap();
                    read_parquet(std::fs::File::open(&p).unwrap(), &m.fields, sink).unwrap()
                }
            };
        }
        let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["a/b c+d%.txt", "a/x", "a/x", "gone", "ключ/ü"]);
        assert_eq!(rows[1].class, "INTELLIGENT_TIERING");
        assert!(!rows[2].latest);
        assert!(rows[3].delete_marker);
        assert_eq!(rows[4].mtime, Some(1_767_323_045));
        assert_eq!(rows[4].size, 7);
    }

    #[test]
    fn csv_reports_read_back() {
        roundtrip(FileFormat::Csv);
    }

    #[test]
    fn parquet_reports_read_back() {
        roundtrip(FileFormat::Parquet);
    }

    #[test]
    fn key_encoding_round_trips() {
        for k in ["a b", "a+b", "%", "ü/x", "tab\there"] {
            assert_eq!(decode_key(encode_key(k).as_bytes()).unwrap(), k);
        }
        assert_eq!(encode_key("a b+c/d"), "a+b%2Bc%2Fd");
    }
}
