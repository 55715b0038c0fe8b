//! Usage settings layered flag > seed `KEY=VALUE` > `[profiles.NAME.usage]` > default, and the source.

use super::UsageError;
use crate::config::{Config, Profile};
use crate::instants::Period;
use crate::settings::{FlagValues, Given, Layered, check};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Where usage comes from.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::AsRefStr,
    strum::VariantArray,
    strum::EnumMessage,
)]
#[strum(serialize_all = "kebab-case")]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// The Ceph RGW admin API (`GET /admin/usage`).
    Rgw,
    /// S3 server access log objects in a bucket.
    AccessLogs,
}

impl SourceKind {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "rgw" => Some(Self::Rgw),
            "access-logs" | "logs" => Some(Self::AccessLogs),
            _ => None,
        }
    }
}

/// A source with everything needed to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// RGW usage, optionally of one user and/or one bucket.
    Rgw {
        uid: Option<String>,
        bucket: Option<String>,
    },
    /// Log objects under `prefix` of `bucket`, delivered up to `lag` after their requests.
    AccessLogs {
        bucket: String,
        prefix: String,
        lag: Duration,
    },
}

fn source_kind(g: &Given) -> Result<SourceKind, String> {
    SourceKind::parse(g.text).ok_or_else(|| g.bad("use \"rgw\" or \"access-logs\""))
}

fn period(g: &Given) -> Result<Period, String> {
    Period::parse("period", g.text).map_err(|_| {
        format!(
            "{} is not a period: write a whole number of hours, days or weeks such as 1h, 24h \
             or 7d (at most 3660d)",
            g.at()
        )
    })
}

fn days(g: &Given) -> Result<u32, String> {
    check::whole(g, 1, 36_600, "days").map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

crate::settings! {
    /// `[profiles.NAME.usage]`: where `s3scope usage` reads and writes (the usage collector's
    /// options).
    file UsageSection, layer UsageOptions, values UsageValues;
    table "profiles.NAME.usage", style Assignment;
    /// "rgw": GET /admin/usage (needs the cap usage=read, and usage=write to trim);
    /// "access-logs": S3 server access log objects in log_bucket.
    source: Option<String> => SourceKind, check source_kind;
        { flag: Some("source"), value_name: "SOURCE", example: "\"rgw\"",
          default_doc: Some("rgw when the profile has rgw_admin, else access-logs when log_bucket is set") }
    /// Window ending at the last full hour: "1h" (the collector's S3_USAGE_PERIOD=3600), "24h", "7d".
    period: Option<String> => Period, check period, default "1h" => Period::HOUR;
        { flag: Some("period"), value_name: "PERIOD", example: "\"1h\"" }
    /// Directory of the summary (summarized_data.json, replaced on each run) and of the state
    /// file (RESULTS_DIR).
    results_dir: Option<PathBuf> => PathBuf, check check::path, default "results" => PathBuf::from("results");
        { flag: Some("results-dir"), value_name: "DIR", example: "\"results\"" }
    /// Explicit path of the summary (USAGE_SUMMARY_FILE).
    summary_file: Option<PathBuf> => PathBuf, check check::path;
        { flag: Some("summary-file"), value_name: "FILE", example: "\"results/summarized_data.json\"",
          default_doc: Some("RESULTS_DIR/summarized_data.json") }
    /// One backup per run: summarized_data_YYYY-MM-DD_HH-MM-SS.json (USAGE_BACKUP_DIR).
    backup_dir: Option<PathBuf> => PathBuf, check check::path, default "backups" => PathBuf::from("backups");
        { flag: Some("backup-dir"), value_name: "DIR", example: "\"backups\"" }
    /// Raw chunks: each usage response or log object as JSON (STATS_CHUNKS_DIR).
    chunks_dir: Option<PathBuf> => PathBuf, check check::path;
        { flag: Some("chunks-dir"), value_name: "DIR", example: "\"results/stats/chunks\"",
          default_doc: Some("RESULTS_DIR/stats/chunks") }
    /// Write the raw chunks (S3_SAVE_STATS_CHUNKS).
    save_chunks: Option<bool> => bool, check check::boolean, default "false" => false;
        { flag: Some("save-chunks"), value_name: "BOOL", example: "false", switch: true }
    /// What was collected, read and trimmed, so that re-runs never count twice or lose data.
    state_file: Option<PathBuf> => PathBuf, check check::path;
        { flag: Some("state-file"), value_name: "FILE", example: "\"results/usage-state.json\"",
          default_doc: Some("RESULTS_DIR/usage-state.json") }
    /// Delete the collected usage (or the read log objects) once the summary and its backup are
    /// on disk (S3_REMOVE_STATS_ITEMS). Refused on read_only profiles.
    trim: Option<bool> => bool, check check::boolean, default "false" => false;
        { flag: Some("trim"), value_name: "BOOL", example: "false", switch: true }
    /// RGW: only this user's usage (and trim only that).
    uid: Option<String> => String, check check::text;
        { flag: Some("uid"), value_name: "UID", example: "\"tenant$alice\"" }
    /// RGW: only this bucket's usage (and trim only that).
    bucket: Option<String> => String, check check::text;
        { flag: Some("bucket"), value_name: "BUCKET", example: "\"media\"" }
    /// Access logs: the bucket they are delivered to.
    log_bucket: Option<String> => String, check check::text;
        { flag: Some("log-bucket"), value_name: "BUCKET", example: "\"my-access-logs\"" }
    /// Access logs: the prefix of the log objects.
    log_prefix: Option<String> => String, check check::text;
        { flag: Some("log-prefix"), value_name: "PREFIX", example: "\"logs/\"",
          default_doc: Some("\"\" (the whole bucket)") }
    /// Access logs: hours a log object may arrive after its requests.
    log_lag_hours: Option<u32> => u32, check check::number::<u32>, default "3" => 3;
        { flag: Some("log-lag-hours"), value_name: "HOURS", example: "3" }
    /// Days of collected hours the state file keeps.
    keep_days: Option<u32> => u32, check days, default "62" => 62;
        { flag: Some("keep-days"), value_name: "DAYS", example: "62" }
    /// RGW: seconds after an hour ends before its usage is read (rgw_usage_log_tick_interval).
    settle_secs: Option<u64> => u64, check check::number::<u64>, default "60" => 60;
        { flag: Some("settle-secs"), value_name: "SECS", example: "60" }
}

impl UsageOptions {
    /// The `[profiles.NAME.usage]` section, checked.
    pub fn from_section(section: &UsageSection, profile: &str) -> Result<Self, UsageError> {
        Self::from_file(section, &format!("profiles.{profile}.usage")).map_err(UsageError::Settings)
    }

    /// The command-line values (`--period`, `--results-dir`, ...), checked.
    pub fn from_flags(flags: &FlagValues) -> Result<Self, UsageError> {
        <Self as Layered>::from_flags(flags).map_err(UsageError::Settings)
    }

    /// The section of the profile `profile` in the config file, or nothing.
    pub fn from_config(config: &Config, profile: &str) -> Result<Self, UsageError> {
        match config
            .file
            .profiles
            .get(profile)
            .and_then(|p| p.usage.as_ref())
        {
            Some(section) => Self::from_section(section, profile),
            None => Ok(Self::default()),
        }
    }

    /// Fills the defaults. The summary, state file and chunks follow `results_dir` unless set.
    pub fn resolve(self) -> UsageSettings {
        let v = self.fill();
        let results_dir = v.results_dir;
        UsageSettings {
            source: v.source,
            period: v.period,
            summary_file: v
                .summary_file
                .unwrap_or_else(|| results_dir.join("summarized_data.json")),
            state_file: v
                .state_file
                .unwrap_or_else(|| results_dir.join("usage-state.json")),
            chunks_dir: v
                .chunks_dir
                .unwrap_or_else(|| results_dir.join("stats").join("chunks")),
            backup_dir: v.backup_dir,
            results_dir,
            save_chunks: v.save_chunks,
            trim: v.trim,
            uid: v.uid.filter(|s| !s.is_empty()),
            bucket: v.bucket.filter(|s| !s.is_empty()),
            log_bucket: v.log_bucket.filter(|s| !s.is_empty()),
            log_prefix: v.log_prefix.unwrap_or_default(),
            log_lag_hours: v.log_lag_hours,
            keep_days: v.keep_days,
            settle_secs: v.settle_secs,
        }
    }
}

/// Resolved settings of `s3scope usage`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageSettings {
    pub source: Option<SourceKind>,
    pub period: Period,
    pub results_dir: PathBuf,
    pub summary_file: PathBuf,
    pub backup_dir: PathBuf,
    pub chunks_dir: PathBuf,
    pub save_chunks: bool,
    pub state_file: PathBuf,
    pub trim: bool,
    pub uid: Option<String>,
    pub bucket: Option<String>,
    pub log_bucket: Option<String>,
    pub log_prefix: String,
    pub log_lag_hours: u32,
    pub keep_days: u32,
    pub settle_secs: u64,
}

impl Default for UsageSettings {
    fn default() -> Self {
        UsageOptions::default().resolve()
    }
}

impl UsageSettings {
    /// The source to read: the one asked for, else RGW when the profile enables its admin
    /// API, else the access logs when a log bucket is set.
    pub fn source(&self, profile: &Profile) -> Result<Source, UsageError> {
        let kind = match self.source {
            Some(k) => k,
            None if profile.rgw_admin => SourceKind::Rgw,
            None if self.log_bucket.is_some() => SourceKind::AccessLogs,
            None => {
                return Err(UsageError::Settings(format!(
                    "profile `{}` has no usage source: pass --source rgw (Ceph RGW admin API) or \
                     --source access-logs --log-bucket BUCKET, or set source in [profiles.{}.usage]",
                    profile.name, profile.name
                )));
            }
        };
        match kind {
            SourceKind::Rgw => {
                if profile.endpoint.is_none() {
                    return Err(UsageError::Settings(format!(
                        "the RGW admin API is on the gateway's endpoint, but profile `{}` has none: \
                         set endpoint in the profile or pass --endpoint",
                        profile.name
                    )));
                }
                Ok(Source::Rgw {
                    uid: self.uid.clone(),
                    bucket: self.bucket.clone(),
                })
            }
            SourceKind::AccessLogs => {
                let bucket = self.log_bucket.clone().ok_or_else(|| {
                    UsageError::Settings(format!(
                        "--source access-logs needs the bucket of the logs: pass --log-bucket \
                         BUCKET, or set log_bucket in [profiles.{}.usage]",
                        profile.name
                    ))
                })?;
                Ok(Source::AccessLogs {
                    bucket,
                    prefix: self.log_prefix.trim_start_matches('/').to_string(),
                    lag: Duration::hours(i64::from(self.log_lag_hours)),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_defaults_check() {
        UsageOptions::check_defaults().unwrap();
    }

    #[test]
    fn defaults_follow_the_seed_layout() {
        let s = UsageSettings::default();
        assert_eq!(
            s.summary_file,
            PathBuf::from("results/summarized_data.json")
        );
        assert_eq!(s.backup_dir, PathBuf::from("backups"));
        assert_eq!(s.chunks_dir, PathBuf::from("results/stats/chunks"));
        assert_eq!(s.state_file, PathBuf::from("results/usage-state.json"));
        assert_eq!(s.period, Period::HOUR);
        assert!(!s.trim && !s.save_chunks);
    }

    #[test]
    fn layers_and_derived_paths() {
        let section = UsageSection {
            source: Some("access_logs".into()),
            results_dir: Some("/data/usage".into()),
            backup_dir: Some("/data/bk".into()),
            trim: Some(true),
            period: Some("24h".into()),
            ..Default::default()
        };
        let file = UsageOptions::from_section(&section, "p").unwrap();
        let flags = UsageOptions {
            trim: Some(false),
            results_dir: Some("/tmp/r".into()),
            ..Default::default()
        };
        let s = file.overlaid_by(flags).resolve();
        assert_eq!(s.source, Some(SourceKind::AccessLogs));
        assert!(!s.trim);
        assert_eq!(s.summary_file, PathBuf::from("/tmp/r/summarized_data.json"));
        assert_eq!(s.backup_dir, PathBuf::from("/data/bk"));
        assert_eq!(s.period, Period::DAY);
    }

    #[test]
    fn bad_section_values_name_the_key() {
        let e = |section: UsageSection| {
            UsageOptions::from_section(&section, "ceph")
                .unwrap_err()
                .to_string()
        };
        let msg = e(UsageSection {
            source: Some("cloudwatch".into()),
            ..Default::default()
        });
        assert_eq!(
            msg,
            "[profiles.ceph.usage] source = \"cloudwatch\": use \"rgw\" or \"access-logs\""
        );
        let msg = e(UsageSection {
            period: Some("90m".into()),
            ..Default::default()
        });
        assert!(
            msg.starts_with("[profiles.ceph.usage] period = \"90m\""),
            "{msg}"
        );
        let msg = e(UsageSection {
            keep_days: Some(0),
            ..Default::default()
        });
        assert!(msg.contains("keep_days"), "{msg}");
    }
}
