//! Usage settings layered flag > seed `KEY=VALUE` > `[profiles.NAME.usage]` > default, and the source.

use super::UsageError;
use crate::config::{Config, Profile, UsageSection};
use crate::instants::Period;
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

/// Every setting, each optional: one layer of the stack.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsageOptions {
    pub source: Option<SourceKind>,
    pub period: Option<Period>,
    pub results_dir: Option<PathBuf>,
    pub summary_file: Option<PathBuf>,
    pub backup_dir: Option<PathBuf>,
    pub chunks_dir: Option<PathBuf>,
    pub save_chunks: Option<bool>,
    pub state_file: Option<PathBuf>,
    pub trim: Option<bool>,
    pub uid: Option<String>,
    pub bucket: Option<String>,
    pub log_bucket: Option<String>,
    pub log_prefix: Option<String>,
    pub log_lag_hours: Option<u32>,
    pub keep_days: Option<u32>,
    pub settle_secs: Option<u64>,
}

impl UsageOptions {
    /// The `[profiles.NAME.usage]` section, checked.
    pub fn from_section(section: &UsageSection, profile: &str) -> Result<Self, UsageError> {
        let bad = |key: &str, text: &str, want: &str| {
            UsageError::Settings(format!(
                "[profiles.{profile}.usage] {key} = \"{text}\": {want}"
            ))
        };
        let source = match &section.source {
            Some(s) => Some(
                SourceKind::parse(s)
                    .ok_or_else(|| bad("source", s, "use \"rgw\" or \"access-logs\""))?,
            ),
            None => None,
        };
        let period = match &section.period {
            Some(p) => Some(Period::parse("period", p).map_err(|_| {
                bad(
                    "period",
                    p,
                    "use a whole number of hours, days or weeks such as \"1h\", \"24h\" or \"7d\"",
                )
            })?),
            None => None,
        };
        if section.keep_days == Some(0) {
            return Err(bad("keep_days", "0", "keep at least 1 day"));
        }
        Ok(Self {
            source,
            period,
            results_dir: section.results_dir.clone(),
            summary_file: section.summary_file.clone(),
            backup_dir: section.backup_dir.clone(),
            chunks_dir: section.chunks_dir.clone(),
            save_chunks: section.save_chunks,
            state_file: section.state_file.clone(),
            trim: section.trim,
            uid: section.uid.clone(),
            bucket: section.bucket.clone(),
            log_bucket: section.log_bucket.clone(),
            log_prefix: section.log_prefix.clone(),
            log_lag_hours: section.log_lag_hours,
            keep_days: section.keep_days,
            settle_secs: section.settle_secs,
        })
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

    /// `self` with every value that `top` sets replaced by `top`'s.
    pub fn overlaid_by(self, top: Self) -> Self {
        Self {
            source: top.source.or(self.source),
            period: top.period.or(self.period),
            results_dir: top.results_dir.or(self.results_dir),
            summary_file: top.summary_file.or(self.summary_file),
            backup_dir: top.backup_dir.or(self.backup_dir),
            chunks_dir: top.chunks_dir.or(self.chunks_dir),
            save_chunks: top.save_chunks.or(self.save_chunks),
            state_file: top.state_file.or(self.state_file),
            trim: top.trim.or(self.trim),
            uid: top.uid.or(self.uid),
            bucket: top.bucket.or(self.bucket),
            log_bucket: top.log_bucket.or(self.log_bucket),
            log_prefix: top.log_prefix.or(self.log_prefix),
            log_lag_hours: top.log_lag_hours.or(self.log_lag_hours),
            keep_days: top.keep_days.or(self.keep_days),
            settle_secs: top.settle_secs.or(self.settle_secs),
        }
    }

    /// Fills the defaults. The summary, state file and chunks follow `results_dir` unless set.
    pub fn resolve(self) -> UsageSettings {
        let results_dir = self.results_dir.unwrap_or_else(|| "results".into());
        UsageSettings {
            source: self.source,
            period: self.period.unwrap_or(Period::HOUR),
            summary_file: self
                .summary_file
                .unwrap_or_else(|| results_dir.join("summarized_data.json")),
            state_file: self
                .state_file
                .unwrap_or_else(|| results_dir.join("usage-state.json")),
            chunks_dir: self
                .chunks_dir
                .unwrap_or_else(|| results_dir.join("stats").join("chunks")),
            backup_dir: self.backup_dir.unwrap_or_else(|| "backups".into()),
            results_dir,
            save_chunks: self.save_chunks.unwrap_or(false),
            trim: self.trim.unwrap_or(false),
            uid: self.uid.filter(|s| !s.is_empty()),
            bucket: self.bucket.filter(|s| !s.is_empty()),
            log_bucket: self.log_bucket.filter(|s| !s.is_empty()),
            log_prefix: self.log_prefix.unwrap_or_default(),
            log_lag_hours: self.log_lag_hours.unwrap_or(3),
            keep_days: self.keep_days.unwrap_or(62).max(1),
            settle_secs: self.settle_secs.unwrap_or(60),
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
