//! Prometheus text exposition (0.0.4) and OpenMetrics 1.0 of the cached bucket table.
//!
//! One series per bucket and storage class; totals are left to PromQL `sum()`. Label values
//! are escaped as the format requires (`\\`, `\"`, `\n`), whatever the bucket names contain.

use super::cache::Snapshot;
use super::usage::UsageState;
use crate::scan::buckets::{BucketRow, Source};
use crate::scan::report::ClassTotal;
use chrono::{DateTime, Utc};
use std::fmt::Write;

/// Which exposition format the scraper asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exposition {
    Prometheus,
    OpenMetrics,
}

impl Exposition {
    pub const PROMETHEUS_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";
    pub const OPENMETRICS_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /// OpenMetrics when the Accept header names it, the classic text format otherwise.
    pub fn negotiate(accept: Option<&str>) -> Self {
        match accept {
            Some(a) if a.contains("application/openmetrics-text") => Self::OpenMetrics,
            _ => Self::Prometheus,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Prometheus => Self::PROMETHEUS_TYPE,
            Self::OpenMetrics => Self::OPENMETRICS_TYPE,
        }
    }
}

/// Escapes a label value: backslash, double quote and line feed.
pub fn escape_label(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

fn source_name(s: Source) -> &'static str {
    match s {
        Source::Auto => "auto",
        Source::Scan => "scan",
        Source::Rgw => "rgw",
        Source::Cloudwatch => "cloudwatch",
        Source::Inventory => "inventory",
    }
}

fn seconds(t: DateTime<Utc>) -> f64 {
    t.timestamp_millis() as f64 / 1000.0
}

/// Writes one metric family: HELP, TYPE and its samples.
struct Family<'a> {
    out: &'a mut String,
    format: Exposition,
}

impl Family<'_> {
    /// Starts a family; `name` of a counter is given without `_total`.
    fn header(&mut self, name: &str, kind: &str, help: &str) {
        let typed = if kind == "counter" && self.format == Exposition::Prometheus {
            format!("{name}_total")
        } else {
            name.to_string()
        };
        let _ = writeln!(self.out, "# HELP {typed} {help}");
        let _ = writeln!(self.out, "# TYPE {typed} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        self.out.push_str(name);
        if !labels.is_empty() {
            self.out.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                let _ = write!(self.out, "{k}=\"{}\"", escape_label(v));
            }
            self.out.push('}');
        }
        let _ = writeln!(self.out, " {value}");
    }
}

/// Renders the whole exposition of a snapshot.
pub fn render(snap: &Snapshot, format: Exposition) -> String {
    let mut out = String::with_capacity(256 + snap.rows.len() * 600);
    let mut f = Family {
        out: &mut out,
        format,
    };
    bucket_families(&mut f, &snap.rows);
    refresh_families(&mut f, snap);
    if let Some(usage) = &snap.usage {
        usage_families(&mut f, usage);
    }
    if format == Exposition::OpenMetrics {
        out.push_str("# EOF\n");
    }
    out
}

/// A value of one storage class of a row.
type PerClass = fn(&ClassTotal) -> f64;
/// A value of a row, absent where its source does not know it.
type PerBucket = fn(&BucketRow) -> Option<f64>;

fn region(r: &BucketRow) -> &str {
    r.region.as_deref().unwrap_or_default()
}

fn bucket_families(f: &mut Family<'_>, rows: &[BucketRow]) {
    let per_class: [(&str, &str, PerClass); 2] = [
        (
            "s3scope_bucket_size_bytes",
            "Bytes stored per bucket and storage class (current versions).",
            |t| t.bytes as f64,
        ),
        (
            "s3scope_bucket_objects",
            "Objects per bucket and storage class (0 where the source gives bytes only).",
            |t| t.objects as f64,
        ),
    ];
    for (name, help, pick) in per_class {
        f.header(name, "gauge", help);
        for r in rows {
            for (class, t) in &r.storage_classes {
                let l = [
                    ("bucket", r.bucket.as_str()),
                    ("storage_class", class.as_str()),
                    ("region", region(r)),
                    ("source", source_name(r.source)),
                ];
                f.sample(name, &l, pick(t));
            }
        }
    }
    let per_bucket: [(&str, &str, PerBucket); 3] = [
        (
            "s3scope_bucket_multipart_bytes",
            "Bytes of incomplete multipart uploads per bucket, where the source knows them.",
            |r| r.multipart_bytes.map(|b| b as f64),
        ),
        (
            "s3scope_bucket_data_timestamp_seconds",
            "When the source computed the numbers of the bucket (Unix time).",
            |r| r.as_of.map(seconds),
        ),
        (
            "s3scope_bucket_up",
            "1 when the bucket's numbers were read, 0 when its row has an error.",
            |r| Some(if r.error.is_none() { 1.0 } else { 0.0 }),
        ),
    ];
    for (name, help, value) in per_bucket {
        f.header(name, "gauge", help);
        for r in rows {
            if let Some(v) = value(r) {
                let l = [
                    ("bucket", r.bucket.as_str()),
                    ("region", region(r)),
                    ("source", source_name(r.source)),
                ];
                f.sample(name, &l, v);
            }
        }
    }
    f.header(
        "s3scope_bucket_created_timestamp_seconds",
        "gauge",
        "Creation time of the bucket (Unix time).",
    );
    for r in rows {
        if let Some(t) = r.created {
            let l = [("bucket", r.bucket.as_str())];
            f.sample("s3scope_bucket_created_timestamp_seconds", &l, seconds(t));
        }
    }
}

fn refresh_families(f: &mut Family<'_>, snap: &Snapshot) {
    f.header("s3scope_buckets", "gauge", "Buckets in the served table.");
    f.sample("s3scope_buckets", &[], snap.rows.len() as f64);
    f.header(
        "s3scope_refresh_success",
        "gauge",
        "1 when the last background refresh succeeded, 0 when it failed and older data is served.",
    );
    let ok = if snap.last_error.is_none() && snap.refreshed_at.is_some() {
        1.0
    } else {
        0.0
    };
    f.sample("s3scope_refresh_success", &[], ok);
    f.header(
        "s3scope_refresh_last_success_timestamp_seconds",
        "gauge",
        "When the served data was read (Unix time).",
    );
    if let Some(t) = snap.refreshed_at {
        f.sample(
            "s3scope_refresh_last_success_timestamp_seconds",
            &[],
            seconds(t),
        );
    }
    f.header(
        "s3scope_refresh_last_attempt_timestamp_seconds",
        "gauge",
        "When the last refresh ended, successful or not (Unix time).",
    );
    if let Some(t) = snap.attempted_at {
        f.sample(
            "s3scope_refresh_last_attempt_timestamp_seconds",
            &[],
            seconds(t),
        );
    }
    f.header(
        "s3scope_refresh_duration_seconds",
        "gauge",
        "How long the last refresh took.",
    );
    if let Some(d) = snap.duration {
        f.sample("s3scope_refresh_duration_seconds", &[], d.as_secs_f64());
    }
    f.header(
        "s3scope_refresh_failures",
        "counter",
        "Background refreshes that failed since the server started.",
    );
    f.sample("s3scope_refresh_failures_total", &[], snap.failures as f64);
}

/// The counters of the latest usage summary. They cover the summary's window (its start and
/// end are exported too) and are replaced when a newer summary is written, so they are gauges:
/// `sum by (bucket) (s3scope_usage_ops)` is the bucket's requests over that window.
fn usage_families(f: &mut Family<'_>, usage: &UsageState) {
    f.header(
        "s3scope_usage_up",
        "gauge",
        "1 when the usage summary was read at the last refresh, 0 when it failed and older counters are served.",
    );
    f.sample(
        "s3scope_usage_up",
        &[],
        if usage.error.is_none() { 1.0 } else { 0.0 },
    );
    let Some(m) = &usage.metrics else {
        return;
    };
    let times = [
        (
            "s3scope_usage_window_start_timestamp_seconds",
            "First moment of the usage summary's window (Unix time).",
            m.since,
        ),
        (
            "s3scope_usage_window_end_timestamp_seconds",
            "First moment after the usage summary's window (Unix time).",
            m.until,
        ),
        (
            "s3scope_usage_written_timestamp_seconds",
            "When the usage summary was written (Unix time).",
            m.generated_at,
        ),
    ];
    for (name, help, t) in times {
        f.header(name, "gauge", help);
        f.sample(name, &[("source", m.source)], seconds(t));
    }
    type Pick = fn(&crate::usage::model::Counters) -> u64;
    let families: [(&str, &str, Pick); 4] = [
        (
            "s3scope_usage_ops",
            "Requests in the usage window, failed ones included, per user, bucket and category.",
            |c| c.ops,
        ),
        (
            "s3scope_usage_successful_ops",
            "Requests that succeeded in the usage window, per user, bucket and category.",
            |c| c.successful_ops,
        ),
        (
            "s3scope_usage_sent_bytes",
            "Bytes sent to clients in the usage window, per user, bucket and category.",
            |c| c.bytes_sent,
        ),
        (
            "s3scope_usage_received_bytes",
            "Bytes received from clients in the usage window, per user, bucket and category.",
            |c| c.bytes_received,
        ),
    ];
    for (name, help, pick) in families {
        f.header(name, "gauge", help);
        for s in &m.series {
            let l = [
                ("user", s.user.as_str()),
                ("bucket", s.bucket.as_str()),
                ("category", s.category.as_str()),
                ("source", m.source),
            ];
            f.sample(name, &l, pick(&s.counters) as f64);
        }
    }
}
