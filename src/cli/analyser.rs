//! `buckets --format analyser`: the storage analyser's columns, for users coming from that tool.
//!
//! Bucket Region Files Total STD RR IA Creation(UTC): STD is STANDARD, RR REDUCED_REDUNDANCY,
//! IA STANDARD_IA (its CloudWatch StandardStorage, ReducedRedundancyStorage and
//! StandardIAStorage); sizes with two decimals, trailing zeros dropped; creation as
//! `YYYY-MM-DDTHH:MM:SS` in UTC. Other classes count in Total only, as they did there.

use super::args::Unit;
use super::output::Table;
use s3scope_core::scan::buckets::BucketRow;

/// The analyser's table of `rows` with sizes in `unit`.
pub fn table(rows: &[BucketRow], unit: Unit) -> Table {
    let u = match unit {
        Unit::Auto => "B".to_string(),
        other => other.to_string(),
    };
    let headers = [
        "Bucket".to_string(),
        "Region".into(),
        "Files".into(),
        format!("Total({u})"),
        format!("STD({u})"),
        format!("RR({u})"),
        format!("IA({u})"),
        "Creation(UTC)".into(),
    ];
    let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut t = Table::new(&refs).align_right(&[2, 3, 4, 5, 6]);
    let size = |v: Option<u64>| v.map_or_else(|| "-".to_string(), |b| unit.format_analyser(b));
    for r in rows {
        let class = |c: &str| {
            r.bytes
                .map(|_| r.storage_classes.get(c).map_or(0, |t| t.bytes))
        };
        t.push(vec![
            r.bucket.clone(),
            r.region.clone().unwrap_or_else(|| "-".into()),
            r.objects.map_or_else(|| "-".into(), |n| n.to_string()),
            size(r.bytes),
            size(class("STANDARD")),
            size(class("REDUCED_REDUNDANCY")),
            size(class("STANDARD_IA")),
            r.created
                .map_or_else(|| "-".into(), |d| d.format("%Y-%m-%dT%H:%M:%S").to_string()),
        ]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use s3scope_core::scan::buckets::Source;
    use s3scope_core::scan::report::ClassTotal;

    #[test]
    fn analyser_columns_as_its_readme() {
        let created = chrono::DateTime::from_timestamp(1_511_007_158, 0);
        let mut classes = std::collections::BTreeMap::new();
        classes.insert(
            "STANDARD".to_string(),
            ClassTotal {
                objects: 3,
                bytes: 133_656,
            },
        );
        let row = BucketRow {
            bucket: "hm.samples.eu-west1".into(),
            region: Some("eu-west-1".into()),
            objects: Some(3),
            bytes: Some(133_656),
            storage_classes: classes,
            multipart_bytes: None,
            created,
            source: Source::Scan,
            as_of: None,
            error: None,
        };
        let mut out = Vec::new();
        table(&[row], Unit::Mb)
            .write(super::super::args::Format::Table, &mut out)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0].split_whitespace().collect::<Vec<_>>(),
            [
                "Bucket",
                "Region",
                "Files",
                "Total(MB)",
                "STD(MB)",
                "RR(MB)",
                "IA(MB)",
                "Creation(UTC)"
            ]
        );
        assert_eq!(
            lines[1].split_whitespace().collect::<Vec<_>>(),
            [
                "hm.samples.eu-west1",
                "eu-west-1",
                "3",
                "0.13",
                "0.13",
                "0",
                "0",
                "2017-11-18T12:12:38"
            ]
        );
    }
}
