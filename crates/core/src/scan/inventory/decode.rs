//! Data files to rows: gzipped CSV (URL-encoded keys) and Parquet, columns by the manifest's schema.
//!
//! Both readers stream: CSV record by record through the gzip decoder, Parquet batch by batch
//! with only the needed columns projected, so a data file never sits in memory whole.

use super::manifest::Column;
use super::{Row, class_label};
use arrow_array::{
    Array, BinaryArray, BooleanArray, Int32Array, Int64Array, LargeStringArray, RecordBatch,
    StringArray, StringViewArray, TimestampMicrosecondArray, TimestampMillisecondArray,
    TimestampNanosecondArray, TimestampSecondArray,
};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::io::Read;

/// Why a data file could not be decoded (the caller names the file).
pub type DecodeError = String;

/// Rows per batch handed on.
const PARQUET_BATCH_ROWS: usize = 16 * 1024;

/// Form-style URL decoding as S3 Inventory writes CSV keys (`+` is a space, `%2B` a plus).
pub fn decode_key(raw: &[u8]) -> Result<String, DecodeError> {
    let plus_free: std::borrow::Cow<'_, [u8]> = if raw.contains(&b'+') {
        raw.iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect::<Vec<u8>>()
            .into()
    } else {
        raw.into()
    };
    percent_encoding::percent_decode(&plus_free)
        .decode_utf8()
        .map(std::borrow::Cow::into_owned)
        .map_err(|_| "a key is not UTF-8 once URL-decoded".to_string())
}

fn parse_bool(v: &[u8]) -> bool {
    v.eq_ignore_ascii_case(b"true")
}

fn parse_time(v: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(v).ok()?;
    if s.is_empty() {
        return None;
    }
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.timestamp())
}

/// Reads a gzipped CSV data file (no header; one record per object) into `sink`. A record
/// with a different number of fields than the schema, a size that is not a number or a
/// truncated gzip stream is an error. Returns the rows read.
pub fn read_csv(
    reader: impl Read,
    columns: &[Column],
    mut sink: impl FnMut(Row) -> Result<(), DecodeError>,
) -> Result<u64, DecodeError> {
    let gz =
        flate2::read::MultiGzDecoder::new(std::io::BufReader::with_capacity(256 * 1024, reader));
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(256 * 1024)
        .from_reader(gz);
    let has_versions = columns.contains(&Column::IsLatest);
    let mut rec = csv::ByteRecord::new();
    let mut n = 0u64;
    loop {
        match csv.read_byte_record(&mut rec) {
            Ok(false) => return Ok(n),
            Ok(true) => {}
            Err(e) => return Err(describe_csv(&e)),
        }
        n += 1;
        if rec.len() != columns.len() {
            return Err(format!(
                "record {n} has {} fields but fileSchema names {}",
                rec.len(),
                columns.len()
            ));
        }
        let mut row = Row {
            latest: !has_versions,
            ..Row::default()
        };
        let (mut class, mut tier): (&[u8], &[u8]) = (b"", b"");
        for (col, v) in columns.iter().zip(rec.iter()) {
            match col {
                Column::Key => row.key = decode_key(v)?,
                Column::Size if !v.is_empty() => {
                    row.size = std::str::from_utf8(v)
                        .ok()
                        .and_then(|s| s.parse().ok())
                        .ok_or_else(|| format!("record {n}: Size is not a number"))?;
                }
                Column::LastModifiedDate => row.mtime = parse_time(v),
                Column::StorageClass => class = v,
                Column::IntelligentTieringAccessTier => tier = v,
                Column::VersionId if !v.is_empty() => {
                    row.version_id = Some(String::from_utf8_lossy(v).into_owned());
                }
                Column::IsLatest => row.latest = parse_bool(v),
                Column::IsDeleteMarker => row.delete_marker = parse_bool(v),
                _ => {}
            }
        }
        row.class = class_label(
            &String::from_utf8_lossy(class),
            &String::from_utf8_lossy(tier),
        );
        sink(row)?;
    }
}

fn describe_csv(e: &csv::Error) -> DecodeError {
    match e.kind() {
        csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            "the gzip stream ends early (truncated file)".into()
        }
        csv::ErrorKind::Io(io) => format!("cannot decompress it ({io})"),
        _ => format!("it is not CSV ({e})"),
    }
}

/// A text column of any Arrow string type.
enum Text<'a> {
    Utf8(&'a StringArray),
    Large(&'a LargeStringArray),
    View(&'a StringViewArray),
    Binary(&'a BinaryArray),
}

impl<'a> Text<'a> {
    fn of(a: &'a dyn Array) -> Option<Self> {
        let any = a.as_any();
        any.downcast_ref()
            .map(Text::Utf8)
            .or_else(|| any.downcast_ref().map(Text::Large))
            .or_else(|| any.downcast_ref().map(Text::View))
            .or_else(|| any.downcast_ref().map(Text::Binary))
    }

    fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Text::Utf8(a) => (!a.is_null(i)).then(|| a.value(i)),
            Text::Large(a) => (!a.is_null(i)).then(|| a.value(i)),
            Text::View(a) => (!a.is_null(i)).then(|| a.value(i)),
            Text::Binary(a) => (!a.is_null(i))
                .then(|| std::str::from_utf8(a.value(i)).ok())
                .flatten(),
        }
    }
}

/// Seconds of a timestamp column of any unit, or of plain int64 milliseconds.
fn seconds(a: &dyn Array, i: usize) -> Option<i64> {
    if a.is_null(i) {
        return None;
    }
    let any = a.as_any();
    if let Some(t) = any.downcast_ref::<TimestampMillisecondArray>() {
        return Some(t.value(i).div_euclid(1000));
    }
    if let Some(t) = any.downcast_ref::<TimestampMicrosecondArray>() {
        return Some(t.value(i).div_euclid(1_000_000));
    }
    if let Some(t) = any.downcast_ref::<TimestampNanosecondArray>() {
        return Some(t.value(i).div_euclid(1_000_000_000));
    }
    if let Some(t) = any.downcast_ref::<TimestampSecondArray>() {
        return Some(t.value(i));
    }
    any.downcast_ref::<Int64Array>()
        .map(|t| t.value(i).div_euclid(1000))
}

fn integer(a: &dyn Array, i: usize) -> Option<u64> {
    if a.is_null(i) {
        return None;
    }
    let any = a.as_any();
    if let Some(v) = any.downcast_ref::<Int64Array>() {
        return u64::try_from(v.value(i)).ok();
    }
    any.downcast_ref::<Int32Array>()
        .and_then(|v| u64::try_from(v.value(i)).ok())
}

fn boolean(a: &dyn Array, i: usize) -> Option<bool> {
    let b = a.as_any().downcast_ref::<BooleanArray>()?;
    (!b.is_null(i)).then(|| b.value(i))
}

/// Reads a Parquet data file into `sink`, projecting only the columns s3scope uses; `fields`
/// are the names `fileSchema` gives. Returns the rows read.
pub fn read_parquet(
    file: std::fs::File,
    fields: &[String],
    mut sink: impl FnMut(Row) -> Result<(), DecodeError>,
) -> Result<u64, DecodeError> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| format!("it is not a readable Parquet file ({e})"))?;
    let schema = builder.parquet_schema();
    let wanted: Vec<usize> = (0..schema.root_schema().get_fields().len())
        .filter(|&i| {
            let name = schema.root_schema().get_fields()[i].name();
            fields.iter().any(|f| f == name) && Column::from_name(name) != Column::Other
        })
        .collect();
    let mask = ProjectionMask::roots(schema, wanted);
    let reader = builder
        .with_projection(mask)
        .with_batch_size(PARQUET_BATCH_ROWS)
        .build()
        .map_err(|e| format!("it is not a readable Parquet file ({e})"))?;
    let mut n = 0u64;
    for batch in reader {
        let batch = batch.map_err(|e| format!("a row group cannot be read ({e})"))?;
        n += fold_batch(&batch, &mut sink)?;
    }
    Ok(n)
}

fn fold_batch(
    batch: &RecordBatch,
    sink: &mut impl FnMut(Row) -> Result<(), DecodeError>,
) -> Result<u64, DecodeError> {
    let find = |c: Column| {
        batch
            .schema()
            .fields()
            .iter()
            .position(|f| Column::from_name(f.name()) == c)
            .map(|i| batch.column(i).clone())
    };
    let key = find(Column::Key).ok_or("it has no key column")?;
    let key = Text::of(key.as_ref()).ok_or("its key column is not text")?;
    let size = find(Column::Size);
    let mtime = find(Column::LastModifiedDate);
    let class = find(Column::StorageClass);
    let class = class.as_deref().and_then(Text::of);
    let tier = find(Column::IntelligentTieringAccessTier);
    let tier = tier.as_deref().and_then(Text::of);
    let version = find(Column::VersionId);
    let version = version.as_deref().and_then(Text::of);
    let latest = find(Column::IsLatest);
    let marker = find(Column::IsDeleteMarker);
    for i in 0..batch.num_rows() {
        let k = key.get(i).ok_or("a row has no key")?;
        let row = Row {
            key: k.to_string(),
            size: size.as_deref().and_then(|a| integer(a, i)).unwrap_or(0),
            class: class_label(
                class.as_ref().and_then(|c| c.get(i)).unwrap_or(""),
                tier.as_ref().and_then(|c| c.get(i)).unwrap_or(""),
            ),
            mtime: mtime.as_deref().and_then(|a| seconds(a, i)),
            version_id: version.as_ref().and_then(|c| c.get(i)).map(str::to_string),
            latest: latest
                .as_deref()
                .is_none_or(|a| boolean(a, i).unwrap_or(true)),
            delete_marker: marker
                .as_deref()
                .is_some_and(|a| boolean(a, i).unwrap_or(false)),
        };
        sink(row)?;
    }
    Ok(batch.num_rows() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(text: &str) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(text.as_bytes()).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn csv_rows_by_schema_with_encoded_keys() {
        let cols = [
            Column::Bucket,
            Column::Key,
            Column::Other,
            Column::Size,
            Column::LastModifiedDate,
            Column::StorageClass,
            Column::IntelligentTieringAccessTier,
        ];
        let data = gz(concat!(
            "\"b\",\"a%2Fb+c%2B%25.txt\",\"etag\",\"12\",\"2026-01-02T03:04:05.000Z\",\"INTELLIGENT_TIERING\",\"ARCHIVE\"\n",
            "\"b\",\"top\",\"e\",\"3\",\"2026-01-02T03:04:05.000Z\",\"STANDARD\",\"\"\n",
        ));
        let mut rows = Vec::new();
        let n = read_csv(&data[..], &cols, |r| {
            rows.push(r);
            Ok(())
        })
        .unwrap();
        assert_eq!(n, 2);
        assert_eq!(rows[0].key, "a/b c+%.txt");
        assert_eq!(rows[0].size, 12);
        assert_eq!(rows[0].class, "INTELLIGENT_TIERING:ARCHIVE");
        assert!(rows[0].latest);
        assert_eq!(rows[1].class, "STANDARD");
        assert_eq!(rows[1].mtime, Some(1_767_323_045));
    }

    #[test]
    fn truncated_gzip_and_wrong_width_are_errors() {
        let cols = [Column::Bucket, Column::Key, Column::Size];
        let data = gz(&"\"b\",\"k\",\"1\"\n".repeat(10_000));
        let cut = &data[..data.len() / 2];
        let err = read_csv(cut, &cols, |_| Ok(())).unwrap_err();
        assert!(err.contains("truncated"), "{err}");
        let err = read_csv(&gz("\"b\",\"k\"\n")[..], &cols, |_| Ok(())).unwrap_err();
        assert!(err.contains("fields"), "{err}");
    }
}
