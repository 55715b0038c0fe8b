//! Every table the pipeline writes, each declared once (see [`table!`](super::table)).
//!
//! Extract packages hold `listing`, `bucket_stats`, `cloudwatch` and `usage` files; `process`
//! writes the rollups `storage_daily`, `prefix_daily`, `growth_daily`, `age_histogram` and
//! `usage_daily` (Parquet partitions `<table>/dt=D/part-0.parquet`, CSV and JSON summaries).

use super::table::{Micros, table};

// --- extract: raw sources of one package ---

table! {
    /// One object (or object version) of a listing.
    pub struct ListingRow as "listing", read with ListingColumns {
        bucket: String,
        key: String,
        size: i64,
        last_modified: Option<Micros>,
        storage_class: String,
        etag: Option<String>,
        @optional {
            version_id: Option<String>,
            is_latest: bool,
            is_delete_marker: bool,
        }
    }
}

table! {
    /// One bucket and storage class from the bucket table's sources.
    pub struct BucketStatsRow as "bucket_stats", read with BucketStatsColumns {
        bucket: String,
        region: Option<String>,
        source: String,
        storage_class: String,
        objects: Option<i64>,
        bytes: Option<i64>,
        multipart_bytes: Option<i64>,
        as_of: Option<Micros>,
        error: Option<String>,
    }
}

table! {
    /// One CloudWatch datapoint per bucket, metric and storage class.
    pub struct CloudwatchRow as "cloudwatch", read with CloudwatchColumns {
        bucket: String,
        region: String,
        metric: String,
        storage_class: String,
        value: i64,
        timestamp: Option<Micros>,
    }
}

table! {
    /// Usage counters per hour, user, bucket and category.
    pub struct UsageHourRow as "usage", read with UsageHourColumns {
        hour: Micros,
        user: String,
        bucket: String,
        category: String,
        ops: i64,
        successful_ops: i64,
        bytes_sent: i64,
        bytes_received: i64,
    }
}

// --- process: rollups, partitioned by day (`dt` is in the path) ---

table! {
    /// Daily storage per bucket × storage class.
    pub struct StorageRow as "storage_daily", read with StorageColumns {
        @path { dt }
        bucket: String,
        storage_class: String,
        objects: i64,
        bytes: i64,
        /// `listing` (exact) or the bucket-stats source when no listing covered the bucket.
        source: String,
    }
}

table! {
    /// Daily storage per bucket × prefix (to the requested depth) × storage class.
    pub struct PrefixRow as "prefix_daily", read with PrefixColumns {
        @path { dt }
        bucket: String,
        prefix: String,
        storage_class: String,
        objects: i64,
        bytes: i64,
    }
}

table! {
    /// Change since the previous day of the window that has data for the bucket and class.
    pub struct GrowthRow as "growth_daily", read with GrowthColumns {
        @path { dt }
        bucket: String,
        storage_class: String,
        previous_dt: String,
        objects: i64,
        bytes: i64,
        objects_delta: i64,
        bytes_delta: i64,
    }
}

table! {
    /// Objects per age class (time since last modification, at listing time).
    pub struct AgeRow as "age_histogram", read with AgeColumns {
        @path { dt }
        bucket: String,
        age_order: i64,
        age: String,
        objects: i64,
        bytes: i64,
    }
}

table! {
    /// Requests and traffic per day, user, bucket and category.
    pub struct UsageRow as "usage_daily", read with UsageColumns {
        @path { dt }
        user: String,
        bucket: String,
        category: String,
        ops: i64,
        successful_ops: i64,
        bytes_sent: i64,
        bytes_received: i64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::table::Table;
    use arrow_schema::DataType;

    fn described<T: Table>(optional: bool) -> Vec<(String, DataType, bool)> {
        T::schema(optional)
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().clone(), f.is_nullable()))
            .collect()
    }

    #[test]
    fn rollup_files_keep_their_columns_and_csv_starts_with_the_day() {
        let names = |t: Vec<(String, DataType, bool)>| -> Vec<String> {
            t.into_iter().map(|(n, _, _)| n).collect()
        };
        assert_eq!(
            names(described::<StorageRow>(false)),
            ["bucket", "storage_class", "objects", "bytes", "source"]
        );
        assert_eq!(
            StorageRow::COLUMNS,
            [
                "dt",
                "bucket",
                "storage_class",
                "objects",
                "bytes",
                "source"
            ]
        );
        assert_eq!(
            AgeRow::COLUMNS,
            ["dt", "bucket", "age_order", "age", "objects", "bytes"]
        );
        assert!(
            described::<UsageRow>(false)
                .iter()
                .all(|(_, t, null)| !null && matches!(t, DataType::Utf8 | DataType::Int64))
        );
    }

    #[test]
    fn optional_columns_only_on_request_and_nullability_from_the_type() {
        assert_eq!(described::<ListingRow>(false).len(), 6);
        let with = described::<ListingRow>(true);
        assert_eq!(with.len(), 9);
        assert_eq!(with[8].0, "is_delete_marker");
        assert!(with[3].2, "last_modified is nullable");
        let usage = described::<UsageHourRow>(false);
        assert!(matches!(usage[0].1, DataType::Timestamp(_, Some(_))) && !usage[0].2);
        let stats = described::<BucketStatsRow>(false);
        assert!(stats[1].2 && !stats[2].2 && stats[4].2);
    }
}
