//! The S3 Inventory `manifest.json`: parsed, checked against `manifest.checksum`, columns from `fileSchema`.

use super::InventoryError;
use chrono::{DateTime, Utc};
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

/// Format of the data files of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Gzipped CSV without a header; keys URL-encoded.
    Csv,
    Parquet,
    Orc,
}

impl FileFormat {
    /// The name the manifest uses (`fileFormat`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "CSV",
            Self::Parquet => "Parquet",
            Self::Orc => "ORC",
        }
    }
}

/// A column of the report that s3scope reads; every other column is skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Bucket,
    Key,
    VersionId,
    IsLatest,
    IsDeleteMarker,
    Size,
    LastModifiedDate,
    StorageClass,
    IntelligentTieringAccessTier,
    /// A column s3scope does not use (ETag, EncryptionStatus, a future one...).
    Other,
}

impl Column {
    /// Recognises both spellings of a field: `StorageClass` (CSV) and `storage_class` (Parquet).
    pub fn from_name(name: &str) -> Self {
        let n: String = name
            .chars()
            .filter(|c| *c != '_')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match n.as_str() {
            "bucket" => Self::Bucket,
            "key" => Self::Key,
            "versionid" => Self::VersionId,
            "islatest" => Self::IsLatest,
            "isdeletemarker" => Self::IsDeleteMarker,
            "size" => Self::Size,
            "lastmodifieddate" => Self::LastModifiedDate,
            "storageclass" => Self::StorageClass,
            "intelligenttieringaccesstier" => Self::IntelligentTieringAccessTier,
            _ => Self::Other,
        }
    }
}

/// One data file of the report as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataFile {
    /// Key in the destination bucket.
    pub key: String,
    pub size: u64,
    #[serde(rename = "MD5checksum")]
    pub md5: String,
}

/// `manifest.json` as S3 writes it (unknown fields ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawManifest {
    pub source_bucket: String,
    /// `arn:aws:s3:::bucket`.
    pub destination_bucket: String,
    pub version: String,
    /// Milliseconds since the epoch, as a string.
    pub creation_timestamp: String,
    pub file_format: String,
    pub file_schema: String,
    pub files: Vec<DataFile>,
}

/// A checked manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub source_bucket: String,
    pub destination_bucket: String,
    pub created: DateTime<Utc>,
    pub format: FileFormat,
    /// Field names in file order, as `fileSchema` gives them.
    pub fields: Vec<String>,
    pub files: Vec<DataFile>,
}

impl Manifest {
    /// Which of the fields s3scope needs, by position.
    pub fn columns(&self) -> Vec<Column> {
        self.fields.iter().map(|f| Column::from_name(f)).collect()
    }

    /// Whether the report lists versions (noncurrent versions and delete markers).
    pub fn has_versions(&self) -> bool {
        let cols = self.columns();
        cols.contains(&Column::IsLatest) || cols.contains(&Column::IsDeleteMarker)
    }

    /// Checks `manifest.checksum` (hex MD5 of the manifest's bytes), then parses. `url` names
    /// the manifest in errors.
    pub fn parse(url: &str, json: &[u8], checksum: Option<&[u8]>) -> Result<Self, InventoryError> {
        let bad = |reason: String| InventoryError::BadManifest {
            url: url.to_string(),
            reason,
        };
        if let Some(sum) = checksum {
            let want = String::from_utf8_lossy(sum).trim().to_ascii_lowercase();
            let got = hex::encode(Md5::digest(json));
            if want != got {
                return Err(bad(format!(
                    "its MD5 is {got} but manifest.checksum says {want}: the manifest is damaged or was replaced; wait for the next report or pick another date"
                )));
            }
        }
        let raw: RawManifest = serde_json::from_slice(json)
            .map_err(|e| bad(format!("it is not an S3 Inventory manifest ({e})")))?;
        let ms: i64 = raw
            .creation_timestamp
            .trim()
            .parse()
            .map_err(|_| bad("creationTimestamp is not a number of milliseconds".into()))?;
        let created = DateTime::<Utc>::from_timestamp_millis(ms)
            .ok_or_else(|| bad("creationTimestamp is out of range".into()))?;
        let format = match raw.file_format.to_ascii_lowercase().as_str() {
            "csv" => FileFormat::Csv,
            "parquet" => FileFormat::Parquet,
            "orc" => FileFormat::Orc,
            other => {
                return Err(bad(format!(
                    "fileFormat `{}` is not CSV, Parquet or ORC",
                    crate::text::escape_control(other)
                )));
            }
        };
        // ORC is refused by name when read (see `read::check`), whatever its schema says.
        let fields = match parse_schema(format, &raw.file_schema) {
            Some(f) => f,
            None if format == FileFormat::Orc => Vec::new(),
            None => return Err(bad("fileSchema cannot be read".into())),
        };
        if format != FileFormat::Orc && !fields.iter().any(|f| Column::from_name(f) == Column::Key)
        {
            return Err(bad("fileSchema has no Key column".into()));
        }
        let destination_bucket = raw
            .destination_bucket
            .strip_prefix("arn:aws:s3:::")
            .unwrap_or(&raw.destination_bucket)
            .to_string();
        Ok(Self {
            source_bucket: raw.source_bucket,
            destination_bucket,
            created,
            format,
            fields,
            files: raw.files,
        })
    }
}

/// Field names of a `fileSchema`: `Bucket, Key, Size` (CSV), `message s3.inventory { required
/// binary bucket (UTF8); ... }` (Parquet) or `struct<bucket:string,key:string,...>` (ORC).
pub fn parse_schema(format: FileFormat, schema: &str) -> Option<Vec<String>> {
    let names: Vec<String> = match format {
        FileFormat::Csv => schema
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        FileFormat::Parquet => {
            let body = schema.split_once('{')?.1.rsplit_once('}')?.0;
            body.split(';')
                .filter_map(|decl| {
                    // `optional int64 last_modified_date (TIMESTAMP(MILLIS,true))`
                    let mut words = decl.split_whitespace();
                    let _repetition = words.next()?;
                    let _type = words.next()?;
                    Some(words.next()?.to_string())
                })
                .collect()
        }
        FileFormat::Orc => schema
            .trim()
            .strip_prefix("struct<")?
            .strip_suffix('>')?
            .split(',')
            .filter_map(|f| Some(f.split_once(':')?.0.trim().to_string()))
            .collect(),
    };
    (!names.is_empty()).then_some(names)
}

/// The manifest of `rows` written by [`super::generate`], serialised as S3 does.
pub fn to_json(raw: &RawManifest) -> Vec<u8> {
    serde_json::to_vec_pretty(raw).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(format: &str, schema: &str) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "sourceBucket": "src",
            "destinationBucket": "arn:aws:s3:::dest",
            "version": "2016-11-30",
            "creationTimestamp": "1514944800000",
            "fileFormat": format,
            "fileSchema": schema,
            "files": [{"key": "p/src/c/data/a.csv.gz", "size": 10, "MD5checksum": "00"}],
            "someFutureField": 1
        }))
        .unwrap()
    }

    #[test]
    fn csv_manifest_with_its_checksum() {
        let json = manifest(
            "CSV",
            "Bucket, Key, Size, LastModifiedDate, StorageClass, ETag",
        );
        let sum = hex::encode(Md5::digest(&json));
        let m = Manifest::parse("s3://x", &json, Some(sum.as_bytes())).unwrap();
        assert_eq!(m.destination_bucket, "dest");
        assert_eq!(m.created.timestamp(), 1_514_944_800);
        assert_eq!(
            m.columns(),
            [
                Column::Bucket,
                Column::Key,
                Column::Size,
                Column::LastModifiedDate,
                Column::StorageClass,
                Column::Other
            ]
        );
        assert!(!m.has_versions());
        let err = Manifest::parse("s3://x/m.json", &json, Some(b"deadbeef")).unwrap_err();
        assert!(err.to_string().contains("s3://x/m.json"), "{err}");
    }

    #[test]
    fn parquet_and_orc_schemas() {
        let p = "message s3.inventory { required binary bucket (UTF8); required binary key (UTF8); optional binary version_id (UTF8); optional boolean is_latest; optional int64 size; optional int64 last_modified_date (TIMESTAMP(MILLIS,true)); optional binary intelligent_tiering_access_tier (UTF8);}";
        let f = parse_schema(FileFormat::Parquet, p).unwrap();
        assert_eq!(f[2], "version_id");
        assert_eq!(
            Column::from_name(&f[6]),
            Column::IntelligentTieringAccessTier
        );
        let o = parse_schema(
            FileFormat::Orc,
            "struct<bucket:string,key:string,size:bigint>",
        );
        assert_eq!(o.unwrap(), ["bucket", "key", "size"]);
        let m = Manifest::parse("u", &manifest("Parquet", p), None).unwrap();
        assert!(m.has_versions());
        assert!(Manifest::parse("u", &manifest("Avro", p), None).is_err());
        assert!(Manifest::parse("u", &manifest("CSV", "Bucket, Size"), None).is_err());
        assert!(Manifest::parse("u", b"{", None).is_err());
    }
}
