//! Finding the access log objects delivered in a time range, in both AWS key layouts.
//!
//! Simple: `PREFIX/YYYY-MM-DD-HH-MM-SS-UNIQUE`. Date-partitioned:
//! `PREFIX/ACCOUNT/REGION/BUCKET/YYYY/MM/DD/YYYY-MM-DD-HH-MM-SS-UNIQUE`. The name's time is
//! when AWS delivered the object; its records are from before that. A prefix that holds
//! neither directly is searched two levels down, so a bucket with `logs/` and `partitioned/`
//! works without naming either.

use crate::job::Progress;
use crate::s3::error::S3Error;
use aws_sdk_s3::Client;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};

/// How far below the given prefix the layouts are looked for.
const MAX_DISCOVERY_DEPTH: usize = 2;

/// A log object delivered in the asked range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogObject {
    pub key: String,
    pub etag: String,
    pub size: u64,
    /// Delivery time, from the name.
    pub delivered: DateTime<Utc>,
}

/// The delivery time in a log object's name (its last path segment), if it is one.
pub fn delivery_time(key: &str) -> Option<DateTime<Utc>> {
    let name = key.rsplit('/').next()?;
    let stamp = name.get(..19)?;
    if name.as_bytes().get(19).is_some_and(|b| *b != b'-') {
        return None;
    }
    NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d-%H-%M-%S")
        .ok()
        .map(|t| t.and_utc())
}

/// One directory level of a delimiter listing.
#[derive(Debug, Default)]
struct Level {
    objects: Vec<LogObject>,
    dirs: Vec<String>,
    /// Objects directly here whose names are log names, in range or not.
    log_names: usize,
}

/// Lists the log objects under `prefix` of `bucket` delivered in `[from, to)`, in key order.
pub async fn list_log_objects(
    s3: &Client,
    endpoint: &str,
    bucket: &str,
    prefix: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    progress: &Progress,
) -> Result<Vec<LogObject>, S3Error> {
    let lister = Lister {
        s3,
        endpoint,
        bucket,
        from,
        to,
        progress,
    };
    let mut found = Vec::new();
    let mut todo = vec![(prefix.to_string(), 0usize)];
    while let Some((dir, depth)) = todo.pop() {
        let level = lister.level(&dir, true).await?;
        found.extend(level.objects);
        for sub in level.dirs.into_iter().rev() {
            if is_account(&sub, &dir) {
                lister.partitioned(&sub, &mut found).await?;
            } else if depth < MAX_DISCOVERY_DEPTH && level.log_names == 0 {
                todo.push((sub, depth + 1));
            }
        }
    }
    found.sort_by(|a, b| a.key.cmp(&b.key));
    found.dedup_by(|a, b| a.key == b.key);
    Ok(found)
}

/// `dir` + `123456789012/`: an account directory of the date-partitioned layout.
fn is_account(sub: &str, dir: &str) -> bool {
    let name = sub.strip_prefix(dir).unwrap_or(sub).trim_end_matches('/');
    name.len() == 12 && name.bytes().all(|b| b.is_ascii_digit())
}

struct Lister<'a> {
    s3: &'a Client,
    endpoint: &'a str,
    bucket: &'a str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    progress: &'a Progress,
}

impl Lister<'_> {
    /// `ACCOUNT/` → `REGION/` → `BUCKET/` → one listing per day that can hold the range.
    async fn partitioned(&self, account: &str, found: &mut Vec<LogObject>) -> Result<(), S3Error> {
        for region in self.level(account, false).await?.dirs {
            for source in self.level(&region, false).await?.dirs {
                // An event-time partition holds objects delivered up to a day later.
                let mut day = (self.from - Duration::days(1)).date_naive();
                while day <= self.to.date_naive() {
                    let dir = format!("{source}{}/", day.format("%Y/%m/%d"));
                    found.extend(self.level(&dir, false).await?.objects);
                    day = day.succ_opt().unwrap_or(chrono::NaiveDate::MAX);
                    if day == chrono::NaiveDate::MAX {
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    /// Lists one level of `dir` with the `/` delimiter. With `skip_ahead`, a level of only log
    /// names continues after the first page from the range's start, since names sort by time.
    async fn level(&self, dir: &str, skip_ahead: bool) -> Result<Level, S3Error> {
        let mut level = Level::default();
        let mut token: Option<String> = None;
        let mut start_after: Option<String> = None;
        loop {
            let mut req = self
                .s3
                .list_objects_v2()
                .bucket(self.bucket)
                .prefix(dir)
                .delimiter("/");
            if let Some(t) = &token {
                req = req.continuation_token(t);
            } else if let Some(s) = &start_after {
                req = req.start_after(s);
            }
            let page = req.send().await.map_err(|e| {
                S3Error::classify(
                    &e,
                    self.endpoint,
                    "ListObjectsV2",
                    &format!("s3://{}/{dir}", self.bucket),
                )
            })?;
            self.progress.add_calls(1);
            let mut past_range = false;
            for o in page.contents() {
                let Some(key) = o.key() else { continue };
                let Some(delivered) = delivery_time(key) else {
                    continue;
                };
                level.log_names += 1;
                if delivered >= self.to {
                    past_range = true;
                } else if delivered >= self.from {
                    self.progress.add(1, 0);
                    level.objects.push(LogObject {
                        key: key.to_string(),
                        etag: o.e_tag().unwrap_or_default().trim_matches('"').to_string(),
                        size: u64::try_from(o.size().unwrap_or(0)).unwrap_or(0),
                        delivered,
                    });
                }
            }
            level.dirs.extend(
                page.common_prefixes()
                    .iter()
                    .filter_map(|p| p.prefix().map(str::to_string)),
            );
            let more = page.is_truncated().unwrap_or(false);
            let only_logs = level.dirs.is_empty() && level.log_names > 0;
            if !more || (only_logs && past_range) {
                return Ok(level);
            }
            let first_page = token.is_none() && start_after.is_none();
            let wanted = format!("{dir}{}", self.from.format("%Y-%m-%d-%H-%M-%S"));
            let last = page
                .contents()
                .last()
                .and_then(|o| o.key())
                .unwrap_or_default();
            if skip_ahead && first_page && only_logs && last < wanted.as_str() {
                // Jump over everything delivered before the range.
                token = None;
                start_after = Some(wanted);
            } else {
                token = page.next_continuation_token().map(str::to_string);
                if token.is_none() {
                    return Ok(level);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_times_come_from_the_name() {
        let t = delivery_time("logs/2024-05-10-13-07-55-0A1B2C3D4E5F6A7B").unwrap();
        assert_eq!(t.to_rfc3339(), "2024-05-10T13:07:55+00:00");
        let p = "partitioned/111122223333/us-east-1/demo-cdr/2024/05/10/2024-05-10-13-07-55-ABCDEF";
        assert!(delivery_time(p).is_some());
        assert_eq!(
            delivery_time("logs/2024-05-10-13-07-55"),
            delivery_time("2024-05-10-13-07-55")
        );
        for bad in [
            "logs/readme.txt",
            "logs/2024-05-10-13-07",
            "logs/2024-13-10-13-07-55-X",
            "2024-05-10-13-07-55X",
        ] {
            assert_eq!(delivery_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn account_directories_are_twelve_digits() {
        assert!(is_account("p/111122223333/", "p/"));
        assert!(!is_account("p/11112222333/", "p/"));
        assert!(!is_account("p/logs/", "p/"));
    }
}
