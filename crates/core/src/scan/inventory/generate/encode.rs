//! The data files of a generated report: gzipped CSV (all fields quoted, keys URL-encoded)
//! and Parquet (the snake_case schema S3 writes), with the matching `fileSchema`.

use super::{Entry, ReportSpec};
use arrow_array::{
    ArrayRef, BooleanArray, Int64Array, RecordBatch, StringArray, TimestampMillisecondArray,
};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use std::sync::Arc;

/// `StorageClass` → `storage_class`, as the Parquet and ORC schemas spell fields.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Form-style URL encoding of a key, as S3 Inventory writes CSV keys.
pub fn encode_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for &b in key.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn tier_of(e: &Entry) -> String {
    match &e.tier {
        Some(t) => t.clone(),
        None if e.storage_class == "INTELLIGENT_TIERING" && !e.is_delete_marker => {
            "FREQUENT".into()
        }
        None => String::new(),
    }
}

pub(super) fn csv_file(spec: &ReportSpec, rows: &[Entry]) -> Result<Vec<u8>, std::io::Error> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut w = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .has_headers(false)
        .from_writer(gz);
    for e in rows {
        let mut rec: Vec<String> = vec![spec.source_bucket.clone(), encode_key(&e.key)];
        if spec.versions {
            rec.push(e.version_id.clone().unwrap_or_default());
            rec.push(e.is_latest.to_string());
            rec.push(e.is_delete_marker.to_string());
        }
        let dm = e.is_delete_marker;
        rec.push(if dm {
            String::new()
        } else {
            e.size.to_string()
        });
        rec.push(
            e.last_modified
                .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
                .unwrap_or_default(),
        );
        rec.push(if dm { String::new() } else { e.etag.clone() });
        rec.push(if dm {
            String::new()
        } else {
            e.storage_class.clone()
        });
        rec.push(if dm { String::new() } else { "false".into() });
        rec.push(if dm { String::new() } else { "SSE-S3".into() });
        rec.push(tier_of(e));
        if spec.extra_column {
            rec.push("whatever".into());
        }
        w.write_record(&rec)?;
    }
    let gz = w.into_inner().map_err(|e| e.into_error())?;
    gz.finish()
}

pub(super) fn parquet_schema(spec: &ReportSpec) -> (Arc<Schema>, String) {
    let mut fields = Vec::new();
    let mut text = Vec::new();
    for name in spec.fields() {
        let snake = snake(name);
        let (dt, decl) = match name {
            "Bucket" | "Key" => (DataType::Utf8, format!("required binary {snake} (STRING);")),
            "IsLatest" | "IsDeleteMarker" | "IsMultipartUploaded" => {
                (DataType::Boolean, format!("optional boolean {snake};"))
            }
            "Size" => (DataType::Int64, format!("optional int64 {snake};")),
            "LastModifiedDate" => (
                DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
                format!("optional int64 {snake} (TIMESTAMP(MILLIS,true));"),
            ),
            _ => (DataType::Utf8, format!("optional binary {snake} (STRING);")),
        };
        fields.push(Field::new(&snake, dt, !matches!(name, "Bucket" | "Key")));
        text.push(decl);
    }
    (
        Arc::new(Schema::new(fields)),
        format!("message s3.inventory {{ {}}}", text.join(" ")),
    )
}

pub(super) fn parquet_file(spec: &ReportSpec, rows: &[Entry]) -> Result<Vec<u8>, String> {
    let (schema, _) = parquet_schema(spec);
    let mut cols: Vec<ArrayRef> = Vec::new();
    let text = |f: &dyn Fn(&Entry) -> Option<String>| -> ArrayRef {
        Arc::new(rows.iter().map(f).collect::<StringArray>())
    };
    let flag = |f: &dyn Fn(&Entry) -> Option<bool>| -> ArrayRef {
        Arc::new(rows.iter().map(f).collect::<BooleanArray>())
    };
    for name in spec.fields() {
        let col: ArrayRef = match name {
            "Bucket" => text(&|_| Some(spec.source_bucket.clone())),
            "Key" => text(&|e| Some(e.key.clone())),
            "VersionId" => text(&|e| e.version_id.clone()),
            "IsLatest" => flag(&|e| Some(e.is_latest)),
            "IsDeleteMarker" => flag(&|e| Some(e.is_delete_marker)),
            "Size" => Arc::new(
                rows.iter()
                    .map(|e| {
                        (!e.is_delete_marker).then(|| i64::try_from(e.size).unwrap_or(i64::MAX))
                    })
                    .collect::<Int64Array>(),
            ),
            "LastModifiedDate" => Arc::new(
                rows.iter()
                    .map(|e| e.last_modified.map(|t| t.timestamp_millis()))
                    .collect::<TimestampMillisecondArray>()
                    .with_timezone("UTC"),
            ),
            "ETag" => text(&|e| (!e.is_delete_marker).then(|| e.etag.clone())),
            "StorageClass" => text(&|e| (!e.is_delete_marker).then(|| e.storage_class.clone())),
            "IsMultipartUploaded" => flag(&|e| (!e.is_delete_marker).then_some(false)),
            "EncryptionStatus" => text(&|e| (!e.is_delete_marker).then(|| "SSE-S3".into())),
            "IntelligentTieringAccessTier" => text(&|e| Some(tier_of(e)).filter(|t| !t.is_empty())),
            _ => text(&|_| Some("whatever".into())),
        };
        cols.push(col);
    }
    let batch = RecordBatch::try_new(schema.clone(), cols).map_err(|e| e.to_string())?;
    let props = parquet::file::properties::WriterProperties::builder()
        .set_compression(parquet::basic::Compression::SNAPPY)
        .build();
    let mut w = parquet::arrow::ArrowWriter::try_new(Vec::new(), schema, Some(props))
        .map_err(|e| e.to_string())?;
    w.write(&batch).map_err(|e| e.to_string())?;
    w.into_inner().map_err(|e| e.to_string())
}
