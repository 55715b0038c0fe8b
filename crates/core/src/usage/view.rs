//! Rows of a summary as people read them: grouped, filtered, sorted; hourly series of one row.

use super::model::Counters;
use super::summary::Summary;
use std::collections::BTreeMap;

/// How rows are grouped.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    strum::Display,
    strum::EnumString,
    strum::AsRefStr,
    strum::VariantArray,
    strum::EnumMessage,
)]
#[strum(serialize_all = "kebab-case")]
pub enum Grouping {
    User,
    Bucket,
    Category,
    UserBucket,
    /// User, bucket and category: the finest grain (the default).
    #[default]
    UserBucketCategory,
}

/// What rows are sorted by; counters sort largest first, names A to Z.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    strum::Display,
    strum::EnumString,
    strum::AsRefStr,
    strum::VariantArray,
    strum::EnumMessage,
)]
#[strum(serialize_all = "kebab-case")]
pub enum SortKey {
    #[default]
    Ops,
    BytesSent,
    BytesReceived,
    /// Lowest success rate first: where the failures are.
    Success,
    Name,
}

impl SortKey {
    pub const ALL: [SortKey; 5] = [
        Self::Ops,
        Self::BytesSent,
        Self::BytesReceived,
        Self::Success,
        Self::Name,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Ops => "ops",
            Self::BytesSent => "bytes out",
            Self::BytesReceived => "bytes in",
            Self::Success => "success",
            Self::Name => "name",
        }
    }

    /// The next key, for a key that cycles through them.
    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|k| *k == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }
}

/// One row: the names that are part of the grouping, and the counters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub user: Option<String>,
    pub bucket: Option<String>,
    pub category: Option<String>,
    pub counters: Counters,
}

impl Row {
    /// True when `needle` (lowercase) is in the user, bucket or category.
    pub fn matches(&self, needle: &str) -> bool {
        needle.is_empty()
            || [&self.user, &self.bucket, &self.category]
                .into_iter()
                .flatten()
                .any(|s| s.to_lowercase().contains(needle))
    }

    fn name_key(&self) -> (&str, &str, &str) {
        fn s(o: &Option<String>) -> &str {
            o.as_deref().unwrap_or("")
        }
        (s(&self.user), s(&self.bucket), s(&self.category))
    }
}

/// User, bucket and category of a group; `None` where the grouping leaves it out.
type Names<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);

/// The summary's rows grouped by `by`.
pub fn rows(summary: &Summary, by: Grouping) -> Vec<Row> {
    let mut map: BTreeMap<Names<'_>, Counters> = BTreeMap::new();
    for r in &summary.records {
        let (u, b, c) = (
            Some(r.user.as_str()),
            Some(r.bucket.as_str()),
            Some(r.category.as_str()),
        );
        let key = match by {
            Grouping::User => (u, None, None),
            Grouping::Bucket => (None, b, None),
            Grouping::Category => (None, None, c),
            Grouping::UserBucket => (u, b, None),
            Grouping::UserBucketCategory => (u, b, c),
        };
        *map.entry(key).or_default() += &r.counters;
    }
    map.into_iter()
        .map(|((u, b, c), counters)| Row {
            user: u.map(str::to_string),
            bucket: b.map(str::to_string),
            category: c.map(str::to_string),
            counters,
        })
        .collect()
}

/// Sorts rows by `key`; ties are broken by name so the order is stable.
pub fn sort_rows(rows: &mut [Row], key: SortKey) {
    rows.sort_by(|a, b| {
        let (x, y) = (&a.counters, &b.counters);
        let primary = match key {
            SortKey::Ops => y.ops.cmp(&x.ops),
            SortKey::BytesSent => y.bytes_sent.cmp(&x.bytes_sent),
            SortKey::BytesReceived => y.bytes_received.cmp(&x.bytes_received),
            SortKey::Success => {
                let rate = |c: &Counters| c.success_rate().unwrap_or(1.0);
                rate(x).total_cmp(&rate(y))
            }
            SortKey::Name => std::cmp::Ordering::Equal,
        };
        primary.then_with(|| a.name_key().cmp(&b.name_key()))
    });
}

/// The counters of every hour of the summary's window for the records that match the given
/// names (`None` matches everything).
pub fn series(
    summary: &Summary,
    user: Option<&str>,
    bucket: Option<&str>,
    category: Option<&str>,
) -> Vec<Counters> {
    let index: BTreeMap<_, usize> = summary
        .hours
        .iter()
        .enumerate()
        .map(|(i, h)| (h.hour, i))
        .collect();
    let mut out = vec![Counters::default(); summary.hours.len()];
    let fits = |want: Option<&str>, have: &str| want.is_none_or(|w| w == have);
    for r in &summary.records {
        if fits(user, &r.user)
            && fits(bucket, &r.bucket)
            && fits(category, &r.category)
            && let Some(slot) = index.get(&r.hour).and_then(|i| out.get_mut(*i))
        {
            *slot += &r.counters;
        }
    }
    out
}

/// A bucket name for display: ListBuckets has none.
pub fn bucket_label(bucket: &str) -> &str {
    if bucket.is_empty() {
        "(no bucket)"
    } else {
        bucket
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instants::Window;
    use crate::usage::model::{Hours, RowKey};
    use crate::usage::state::SourceId;
    use chrono::{TimeZone, Utc};

    fn summary() -> Summary {
        let h = |x| Utc.with_ymd_and_hms(2024, 5, 10, x, 0, 0).unwrap();
        let c = |ops, ok, sent| Counters {
            ops,
            successful_ops: ok,
            bytes_sent: sent,
            bytes_received: 0,
        };
        let hours = Hours::from([
            (
                h(9),
                [
                    (RowKey::new("alice", "b1", "get_obj"), c(10, 10, 5)),
                    (RowKey::new("bob", "b1", "get_obj"), c(4, 1, 50)),
                ]
                .into(),
            ),
            (
                h(10),
                [
                    (RowKey::new("alice", "b2", "put_obj"), c(3, 3, 0)),
                    (RowKey::new("alice", "b1", "get_obj"), c(1, 1, 1)),
                ]
                .into(),
            ),
        ]);
        let source = SourceId::Rgw {
            endpoint: "e".into(),
            uid: None,
            bucket: None,
        };
        Summary::build(
            &source,
            &Window::new(h(9), h(11)).unwrap(),
            "r",
            h(11),
            hours,
            None,
        )
    }

    #[test]
    fn grouping_sorting_and_filtering() {
        let s = summary();
        let mut users = rows(&s, Grouping::User);
        sort_rows(&mut users, SortKey::Ops);
        assert_eq!(
            users
                .iter()
                .map(|r| (r.user.as_deref().unwrap(), r.counters.ops))
                .collect::<Vec<_>>(),
            [("alice", 14), ("bob", 4)]
        );
        let mut fine = rows(&s, Grouping::UserBucketCategory);
        assert_eq!(fine.len(), 3);
        sort_rows(&mut fine, SortKey::Success);
        assert_eq!(fine[0].user.as_deref(), Some("bob"));
        sort_rows(&mut fine, SortKey::BytesSent);
        assert_eq!(fine[0].counters.bytes_sent, 50);
        assert!(fine.iter().filter(|r| r.matches("put")).count() == 1);
        assert!(fine.iter().all(|r| r.matches("")));
        let buckets = rows(&s, Grouping::Bucket);
        assert_eq!(
            buckets
                .iter()
                .map(|r| r.bucket.as_deref().unwrap())
                .collect::<Vec<_>>(),
            ["b1", "b2"]
        );
    }

    #[test]
    fn hourly_series_of_a_row() {
        let s = summary();
        let ops = |v: Vec<Counters>| v.iter().map(|c| c.ops).collect::<Vec<_>>();
        assert_eq!(ops(series(&s, Some("alice"), None, None)), [10, 4]);
        assert_eq!(
            ops(series(&s, Some("alice"), Some("b1"), Some("get_obj"))),
            [10, 1]
        );
        assert_eq!(ops(series(&s, None, None, None)), [14, 4]);
        assert_eq!(SortKey::Name.next(), SortKey::Ops);
        assert_eq!(bucket_label(""), "(no bucket)");
    }
}
