//! Parameters of the RGW admin usage calls, validated and encoded exactly as they are signed.

use super::error::RgwError;
use chrono::{DateTime, Utc};

/// The only time format `/admin/usage` understands for `start`/`end` (UTC); epoch seconds are
/// silently ignored by the server.
pub const RGW_TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// What `GET /admin/usage` should return. `end` is exclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageQuery {
    /// Only this user's usage (all users when `None`).
    pub uid: Option<String>,
    /// Only this bucket's usage.
    pub bucket: Option<String>,
    /// Inclusive start of the window (the log is per hour: entries carry the hour's start).
    pub start: Option<DateTime<Utc>>,
    /// Exclusive end of the window.
    pub end: Option<DateTime<Utc>>,
    /// Per user, per bucket, per hour entries.
    pub show_entries: bool,
    /// Per user totals by category.
    pub show_summary: bool,
    /// Only these categories (operations such as `put_obj`); all when empty.
    pub categories: Vec<String>,
}

impl Default for UsageQuery {
    /// Everything the server has: all users, all time, entries and summary.
    fn default() -> Self {
        Self {
            uid: None,
            bucket: None,
            start: None,
            end: None,
            show_entries: true,
            show_summary: true,
            categories: Vec::new(),
        }
    }
}

impl UsageQuery {
    /// The query string of `GET /admin/usage`, percent-encoded (RFC 3986).
    pub fn to_query_string(&self) -> Result<String, RgwError> {
        check_names(self.uid.as_deref(), self.bucket.as_deref())?;
        check_window(self.start, self.end)?;
        if let Some(bad) = self
            .categories
            .iter()
            .find(|c| c.is_empty() || c.contains(','))
        {
            return Err(RgwError::InvalidRequest(format!(
                "usage category `{bad}` is not a category name (like put_obj or get_obj)"
            )));
        }
        let mut q = Query::default();
        q.push("format", "json");
        q.push_opt("uid", self.uid.as_deref());
        q.push_opt("bucket", self.bucket.as_deref());
        q.push_time("start", self.start);
        q.push_time("end", self.end);
        if !self.categories.is_empty() {
            q.push("categories", &self.categories.join(","));
        }
        q.push("show-entries", py_bool(self.show_entries));
        q.push("show-summary", py_bool(self.show_summary));
        Ok(q.0)
    }
}

/// Which usage records `DELETE /admin/usage` removes. `end` is exclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrimQuery {
    /// Only this user's records; when `None`, every user's records in the window.
    pub uid: Option<String>,
    /// Only this bucket's records; the server needs `uid` as well.
    pub bucket: Option<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
}

impl TrimQuery {
    /// The query string of `DELETE /admin/usage`. Refuses what the server would reject or what
    /// would silently wipe the whole usage log.
    pub fn to_query_string(&self) -> Result<String, RgwError> {
        check_names(self.uid.as_deref(), self.bucket.as_deref())?;
        check_window(self.start, self.end)?;
        if let (None, Some(bucket)) = (&self.uid, &self.bucket) {
            return Err(RgwError::InvalidRequest(format!(
                "RGW trims the usage of bucket `{bucket}` only together with its user: set the uid too"
            )));
        }
        if self.uid.is_none() && self.start.is_none() && self.end.is_none() {
            return Err(RgwError::InvalidRequest(
                "refusing to trim the whole usage log of every user: give a uid or a time window"
                    .into(),
            ));
        }
        let mut q = Query::default();
        q.push_opt("uid", self.uid.as_deref());
        q.push_opt("bucket", self.bucket.as_deref());
        q.push_time("start", self.start);
        q.push_time("end", self.end);
        if self.uid.is_none() {
            // Newer RGW releases insist on this to trim across users; older ones ignore it.
            q.push("remove-all", "True");
        }
        Ok(q.0)
    }
}

/// The query string of `GET /admin/bucket` with stats, for one bucket or all of them.
pub fn bucket_stats_query(bucket: Option<&str>) -> Result<String, RgwError> {
    check_names(None, bucket)?;
    let mut q = Query::default();
    q.push("format", "json");
    q.push("stats", "True");
    q.push_opt("bucket", bucket);
    Ok(q.0)
}

fn check_names(uid: Option<&str>, bucket: Option<&str>) -> Result<(), RgwError> {
    if uid.is_some_and(str::is_empty) {
        return Err(RgwError::InvalidRequest("the uid must not be empty".into()));
    }
    if bucket.is_some_and(str::is_empty) {
        return Err(RgwError::InvalidRequest(
            "the bucket name must not be empty".into(),
        ));
    }
    Ok(())
}

fn check_window(start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>) -> Result<(), RgwError> {
    match (start, end) {
        (Some(s), Some(e)) if s >= e => Err(RgwError::InvalidRequest(format!(
            "the time window is empty: start {} is not before end {}",
            s.format(RGW_TIME_FORMAT),
            e.format(RGW_TIME_FORMAT)
        ))),
        _ => Ok(()),
    }
}

/// RGW parses booleans with Python spelling.
fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// A query string built pair by pair. Values are percent-encoded here, once, so that the URL
/// that is signed is byte for byte the URL that is sent (a space is `%20`, never `+`).
#[derive(Default)]
struct Query(String);

impl Query {
    fn push(&mut self, key: &str, value: &str) {
        if !self.0.is_empty() {
            self.0.push('&');
        }
        self.0.push_str(&encode(key));
        self.0.push('=');
        self.0.push_str(&encode(value));
    }

    fn push_opt(&mut self, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.push(key, v);
        }
    }

    fn push_time(&mut self, key: &str, value: Option<DateTime<Utc>>) {
        if let Some(t) = value {
            self.push(key, &t.format(RGW_TIME_FORMAT).to_string());
        }
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters, as SigV4 does.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, h, 0, 0).unwrap()
    }

    #[test]
    fn usage_query_has_every_parameter_encoded() {
        let q = UsageQuery {
            uid: Some("tenant$alice".into()),
            bucket: Some("logs 2026".into()),
            start: Some(t(9)),
            end: Some(t(10)),
            show_entries: true,
            show_summary: false,
            categories: vec!["put_obj".into(), "get_obj".into()],
        };
        assert_eq!(
            q.to_query_string().unwrap(),
            "format=json&uid=tenant%24alice&bucket=logs%202026&start=2026-11-22%2009%3A00%3A00\
             &end=2026-11-22%2010%3A00%3A00&categories=put_obj%2Cget_obj\
             &show-entries=True&show-summary=False"
        );
    }

    #[test]
    fn default_usage_query_asks_for_everything() {
        assert_eq!(
            UsageQuery::default().to_query_string().unwrap(),
            "format=json&show-entries=True&show-summary=True"
        );
    }

    #[test]
    fn empty_or_inverted_windows_and_names_are_refused() {
        let q = UsageQuery {
            start: Some(t(10)),
            end: Some(t(10)),
            ..Default::default()
        };
        assert!(
            q.to_query_string()
                .unwrap_err()
                .to_string()
                .contains("window is empty")
        );
        let q = UsageQuery {
            uid: Some(String::new()),
            ..Default::default()
        };
        assert!(q.to_query_string().is_err());
        let q = UsageQuery {
            categories: vec!["a,b".into()],
            ..Default::default()
        };
        assert!(q.to_query_string().is_err());
        assert!(bucket_stats_query(Some("")).is_err());
    }

    #[test]
    fn trim_refuses_bucket_without_uid_and_a_total_wipe() {
        let bucket_only = TrimQuery {
            bucket: Some("b".into()),
            ..Default::default()
        };
        let err = bucket_only.to_query_string().unwrap_err().to_string();
        assert!(err.contains("set the uid"), "{err}");
        let everything = TrimQuery::default();
        assert!(
            everything
                .to_query_string()
                .unwrap_err()
                .to_string()
                .contains("refusing")
        );
    }

    #[test]
    fn trim_query_across_users_says_remove_all() {
        let q = TrimQuery {
            start: Some(t(9)),
            end: Some(t(11)),
            ..Default::default()
        };
        assert_eq!(
            q.to_query_string().unwrap(),
            "start=2026-11-22%2009%3A00%3A00&end=2026-11-22%2011%3A00%3A00&remove-all=True"
        );
        let q = TrimQuery {
            uid: Some("u".into()),
            bucket: Some("b".into()),
            ..Default::default()
        };
        assert_eq!(q.to_query_string().unwrap(), "uid=u&bucket=b");
    }

    #[test]
    fn bucket_stats_query_for_one_or_all() {
        assert_eq!(bucket_stats_query(None).unwrap(), "format=json&stats=True");
        assert_eq!(
            bucket_stats_query(Some("a.b")).unwrap(),
            "format=json&stats=True&bucket=a.b"
        );
    }

    #[test]
    fn encoding_keeps_only_unreserved_characters() {
        assert_eq!(encode("aZ09-_.~"), "aZ09-_.~");
        assert_eq!(encode("a b+c/é"), "a%20b%2Bc%2F%C3%A9");
    }
}
