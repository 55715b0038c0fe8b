//! The storage analyser's REST shape (seed 002) at `/`, so its existing scripts keep working:
//! `fmt=json` with its keys and `fmt=tsv` with its header, rendered from the bucket table.

use crate::scan::buckets::BucketRow;
use serde_json::{Map, Value};
use std::fmt::Write as _;

/// The seed's TSV header, exactly (its MB are MiB: bytes / 2^20, two decimals).
pub const TSV_HEADER: &str =
    "Bucket\tRegion\tFiles\tTotal(MB)\tSTD(MB)\tRR(MB)\tIA(MB)\tCreation(UTC)";

/// Bytes of one storage class; None when the row has no numbers at all.
fn class_bytes(r: &BucketRow, class: &str) -> Option<u64> {
    r.bytes?;
    Some(r.storage_classes.get(class).map_or(0, |c| c.bytes))
}

/// The seed's date: UTC, seconds, no zone suffix.
fn created(r: &BucketRow) -> Option<String> {
    r.created.map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string())
}

fn num(v: Option<u64>) -> Value {
    v.map_or(Value::Null, Value::from)
}

/// `{"Buckets": [...]}` with the seed's keys in its (alphabetical) order; integers for counts
/// and bytes; a value s3scope does not know is `null`, never a made-up zero.
pub fn json(rows: &[BucketRow]) -> Vec<u8> {
    let buckets: Vec<Value> = rows
        .iter()
        .map(|r| {
            let mut m = Map::new();
            m.insert("Bucket".into(), Value::from(r.bucket.clone()));
            m.insert("Bytes".into(), num(r.bytes));
            m.insert("Bytes-IA".into(), num(class_bytes(r, "STANDARD_IA")));
            m.insert("Bytes-RR".into(), num(class_bytes(r, "REDUCED_REDUNDANCY")));
            m.insert("Bytes-ST".into(), num(class_bytes(r, "STANDARD")));
            m.insert(
                "CreationDate".into(),
                created(r).map_or(Value::Null, Value::from),
            );
            m.insert("Files".into(), num(r.objects));
            m.insert(
                "Region".into(),
                r.region.clone().map_or(Value::Null, Value::from),
            );
            Value::Object(m)
        })
        .collect();
    let mut out = serde_json::to_vec(&serde_json::json!({ "Buckets": buckets }))
        .unwrap_or_else(|_| b"{\"Buckets\":[]}".to_vec());
    out.push(b'\n');
    out
}

/// MiB with at most two decimals, as the seed's Python printed them (`0`, `0.13`, `2.5`).
fn mb(bytes: Option<u64>) -> String {
    let Some(b) = bytes else {
        return String::new();
    };
    let s = format!("{:.2}", b as f64 / (1024.0 * 1024.0));
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() { "0".into() } else { s.into() }
}

/// The seed's TSV: its header, then one line per bucket; Files as `N.0` like the seed; an
/// unknown value is an empty field. Tabs and newlines in names are impossible in bucket names.
pub fn tsv(rows: &[BucketRow]) -> Vec<u8> {
    let mut out = String::from(TSV_HEADER);
    out.push('\n');
    for r in rows {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            r.bucket,
            r.region.as_deref().unwrap_or_default(),
            r.objects.map(|n| format!("{n}.0")).unwrap_or_default(),
            mb(r.bytes),
            mb(class_bytes(r, "STANDARD")),
            mb(class_bytes(r, "REDUCED_REDUNDANCY")),
            mb(class_bytes(r, "STANDARD_IA")),
            created(r).unwrap_or_default(),
        );
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mib_like_the_seed() {
        assert_eq!(mb(Some(0)), "0");
        assert_eq!(mb(Some(133_656)), "0.13");
        assert_eq!(mb(Some(3 * 1024 * 1024 / 2)), "1.5");
        assert_eq!(mb(None), "");
    }
}
