//! The Ceph RGW source: `GET /admin/usage` for a window into the model, `DELETE` to trim it.

use super::UsageError;
use super::model::{Counters, Hours, RowKey};
use crate::instants::Window;
use crate::s3::client::Clients;
use crate::s3::rgw::{RgwAdmin, TrimQuery, UsageQuery, UsageResponse};

/// The admin API client of the profile: its endpoint, keys, CA bundle, timeouts and retries.
pub async fn admin(clients: &Clients) -> Result<RgwAdmin, UsageError> {
    let p = clients.profile();
    let endpoint = p.endpoint.as_ref().ok_or_else(|| {
        UsageError::Settings(format!(
            "the RGW admin API is on the gateway's endpoint, but profile `{}` has none",
            p.name
        ))
    })?;
    let (access_key, secret) = clients
        .static_credentials()
        .await
        .map_err(UsageError::s3("signing RGW admin requests"))?;
    let b = RgwAdmin::builder(endpoint.as_str(), access_key, secret.expose());
    Ok(clients.configure_rgw(b).build()?)
}

/// What one read of the usage log returned.
#[derive(Debug, Default)]
pub struct UsageRead {
    pub hours: Hours,
    /// Entries (one user, bucket and hour each) in the answer.
    pub entries: u64,
    /// Entries outside the window (the server should send none; they are left out).
    pub outside: u64,
}

/// Reads the usage of `window`, optionally of one user and/or bucket.
pub async fn read(
    admin: &RgwAdmin,
    uid: Option<&str>,
    bucket: Option<&str>,
    window: &Window,
) -> Result<UsageResponse, UsageError> {
    let query = UsageQuery {
        uid: uid.map(str::to_string),
        bucket: bucket.map(str::to_string),
        start: Some(window.since),
        end: Some(window.until),
        show_entries: true,
        show_summary: false,
        categories: Vec::new(),
    };
    Ok(admin.usage(&query).await?)
}

/// The answer as hourly rows of the model. Repeated rows (a category twice in one entry) add up.
pub fn to_hours(answer: &UsageResponse, window: &Window) -> UsageRead {
    let mut read = UsageRead::default();
    for user in &answer.entries {
        for entry in &user.buckets {
            read.entries += 1;
            let Some(hour) = entry.hour().filter(|h| window.contains(*h)) else {
                read.outside += 1;
                continue;
            };
            let rows = read.hours.entry(hour).or_default();
            for c in &entry.categories {
                let counters = Counters {
                    ops: c.ops,
                    successful_ops: c.successful_ops,
                    bytes_sent: c.bytes_sent,
                    bytes_received: c.bytes_received,
                };
                *rows
                    .entry(RowKey::new(&user.user, &entry.bucket, &c.category))
                    .or_default() += &counters;
            }
        }
    }
    read.hours.retain(|_, rows| !rows.is_empty());
    read
}

/// Removes one user's (and bucket's) usage in `window`. Idempotent.
pub async fn trim(
    admin: &RgwAdmin,
    uid: &str,
    bucket: Option<&str>,
    window: &Window,
) -> Result<(), UsageError> {
    let query = TrimQuery {
        uid: Some(uid.to_string()),
        bucket: bucket.map(str::to_string),
        start: Some(window.since),
        end: Some(window.until),
    };
    Ok(admin.trim_usage(&query).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn entries_become_hourly_rows() {
        let answer: UsageResponse = serde_json::from_str(
            r#"{"entries":[{"user":"tester","buckets":[
                {"bucket":"bkt-1","time":"2026-11-22T09:00:00.000000Z","epoch":1795338000,"owner":"tester",
                 "categories":[{"category":"put_obj","bytes_sent":0,"bytes_received":6000,"ops":3,"successful_ops":3},
                               {"category":"get_obj","bytes_sent":2575,"bytes_received":0,"ops":5,"successful_ops":4}]},
                {"bucket":"","time":"2026-11-22T09:00:00.000000Z","epoch":1795338000,"owner":"tester",
                 "categories":[{"category":"list_buckets","bytes_sent":300,"bytes_received":0,"ops":1,"successful_ops":1}]},
                {"bucket":"bkt-1","epoch":1795341600,"categories":[]},
                {"bucket":"bkt-1","epoch":1795327200,"categories":[{"category":"get_obj","ops":9}]}]}],
              "summary":[]}"#,
        )
        .unwrap();
        let nine = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
        let w = Window::new(nine, nine + chrono::Duration::hours(2)).unwrap();
        let read = to_hours(&answer, &w);
        assert_eq!((read.entries, read.outside), (4, 1));
        assert_eq!(read.hours.len(), 1);
        let rows = &read.hours[&nine];
        let get = rows[&RowKey::new("tester", "bkt-1", "get_obj")];
        assert_eq!((get.ops, get.successful_ops, get.bytes_sent), (5, 4, 2575));
        assert_eq!(rows[&RowKey::new("tester", "", "list_buckets")].ops, 1);
        assert_eq!(
            rows[&RowKey::new("tester", "bkt-1", "put_obj")].bytes_received,
            6000
        );
    }
}
