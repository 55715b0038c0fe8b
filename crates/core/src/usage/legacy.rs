//! The usage collector's `KEY=VALUE` arguments, so that an existing cron line keeps working.
//!
//! `s3scope usage collect PUBLIC_S3_KEY=.. SECRET_S3_KEY=.. S3_SERVERNOHTTPS=https://rgw ..`
//! reads the Ceph RGW usage of that gateway with those keys, as the collector did. An empty
//! value (`RESULTS_DIR=$UNSET`) counts as not given.

use super::UsageError;
use super::settings::{SourceKind, UsageOptions};
use crate::config::Secret;
use crate::instants::Period;
use std::collections::BTreeSet;

/// Every key the collector understood.
pub const KEYS: [&str; 10] = [
    "PUBLIC_S3_KEY",
    "SECRET_S3_KEY",
    "S3_SERVERNOHTTPS",
    "S3_USAGE_PERIOD",
    "S3_REMOVE_STATS_ITEMS",
    "S3_SAVE_STATS_CHUNKS",
    "RESULTS_DIR",
    "USAGE_BACKUP_DIR",
    "STATS_CHUNKS_DIR",
    "USAGE_SUMMARY_FILE",
];

/// What the `KEY=VALUE` arguments say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeedArgs {
    /// Usage settings (directories, period, trim, chunks); the source is RGW.
    pub options: UsageOptions,
    /// `S3_SERVERNOHTTPS`: the gateway URL.
    pub endpoint: Option<String>,
    /// `PUBLIC_S3_KEY` and `SECRET_S3_KEY`, always both.
    pub keys: Option<(String, Secret)>,
}

impl SeedArgs {
    /// Parses `KEY=VALUE` arguments; an unknown key, a repeated key or a bad value is an error
    /// that names it (never echoing a secret).
    pub fn parse(args: &[String]) -> Result<Self, UsageError> {
        let mut out = Self::default();
        if args.is_empty() {
            return Ok(out);
        }
        out.options.source = Some(SourceKind::Rgw);
        let mut seen = BTreeSet::new();
        let (mut access, mut secret) = (None, None);
        for arg in args {
            let Some((key, value)) = arg.split_once('=') else {
                return Err(UsageError::Settings(format!(
                    "unexpected argument `{}`: extra arguments must be KEY=VALUE with KEY one of {}",
                    crate::text::escape_control(arg),
                    KEYS.join(", ")
                )));
            };
            let Some(key) = KEYS.iter().copied().find(|k| *k == key) else {
                let hint = KEYS
                    .iter()
                    .find(|k| k.eq_ignore_ascii_case(key))
                    .map_or(String::new(), |k| format!(" (did you mean {k}?)"));
                return Err(UsageError::Settings(format!(
                    "unknown argument {}={hint}; known keys: {}",
                    crate::text::escape_control(key),
                    KEYS.join(", ")
                )));
            };
            if !seen.insert(key) {
                return Err(UsageError::Settings(format!(
                    "{key} is given twice; give it once"
                )));
            }
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let o = &mut out.options;
            match key {
                "PUBLIC_S3_KEY" => access = Some(value.to_string()),
                "SECRET_S3_KEY" => secret = Some(Secret::new(value)),
                "S3_SERVERNOHTTPS" => out.endpoint = Some(value.to_string()),
                "S3_USAGE_PERIOD" => {
                    o.period = Some(Period::from_seconds("S3_USAGE_PERIOD", value)?)
                }
                "S3_REMOVE_STATS_ITEMS" => o.trim = Some(boolean(key, value)?),
                "S3_SAVE_STATS_CHUNKS" => o.save_chunks = Some(boolean(key, value)?),
                "RESULTS_DIR" => o.results_dir = Some(value.into()),
                "USAGE_BACKUP_DIR" => o.backup_dir = Some(value.into()),
                "STATS_CHUNKS_DIR" => o.chunks_dir = Some(value.into()),
                _ => o.summary_file = Some(value.into()),
            }
        }
        out.keys = match (access, secret) {
            (Some(a), Some(s)) => Some((a, s)),
            (None, None) => None,
            (Some(_), None) => {
                return Err(UsageError::Settings(
                    "PUBLIC_S3_KEY is given without SECRET_S3_KEY; give both".into(),
                ));
            }
            (None, Some(_)) => {
                return Err(UsageError::Settings(
                    "SECRET_S3_KEY is given without PUBLIC_S3_KEY; give both".into(),
                ));
            }
        };
        Ok(out)
    }
}

/// `TRUE`/`FALSE` as the collector spelled them; `1/0`, `yes/no`, `on/off` too.
fn boolean(key: &str, value: &str) -> Result<bool, UsageError> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(UsageError::Settings(format!(
            "{key}={}: use TRUE or FALSE",
            crate::text::escape_control(value)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_collectors_full_cron_line_is_understood() {
        let s = SeedArgs::parse(&args(&[
            "PUBLIC_S3_KEY=AK",
            "S3_SERVERNOHTTPS=http://10.0.0.1:8080",
            "SECRET_S3_KEY=very-secret",
            "S3_USAGE_PERIOD=3600",
            "RESULTS_DIR=/srv/results",
            "STATS_CHUNKS_DIR=/srv/chunks",
            "USAGE_BACKUP_DIR=/srv/backups",
            "USAGE_SUMMARY_FILE=/srv/results/summarized_data.json",
            "S3_REMOVE_STATS_ITEMS=TRUE",
            "S3_SAVE_STATS_CHUNKS=false",
        ]))
        .unwrap();
        assert_eq!(s.endpoint.as_deref(), Some("http://10.0.0.1:8080"));
        let (ak, sk) = s.keys.clone().unwrap();
        assert_eq!((ak.as_str(), sk.expose()), ("AK", "very-secret"));
        let o = &s.options;
        assert_eq!(o.source, Some(SourceKind::Rgw));
        assert_eq!(o.period, Some(Period::HOUR));
        assert_eq!(o.trim, Some(true));
        assert_eq!(o.save_chunks, Some(false));
        assert_eq!(o.results_dir, Some(PathBuf::from("/srv/results")));
        assert_eq!(o.chunks_dir, Some(PathBuf::from("/srv/chunks")));
        assert_eq!(o.backup_dir, Some(PathBuf::from("/srv/backups")));
        assert!(!format!("{s:?}").contains("very-secret"));
        assert_eq!(SeedArgs::parse(&[]).unwrap(), SeedArgs::default());
    }

    #[test]
    fn mistakes_are_named_without_echoing_secrets() {
        let e = |a: &[&str]| SeedArgs::parse(&args(a)).unwrap_err().to_string();
        assert!(e(&["public_s3_key=x"]).contains("did you mean PUBLIC_S3_KEY?"));
        assert!(e(&["BOGUS=1"]).starts_with("unknown argument BOGUS="));
        assert!(e(&["hello"]).starts_with("unexpected argument `hello`"));
        assert_eq!(
            e(&["S3_REMOVE_STATS_ITEMS=maybe"]),
            "S3_REMOVE_STATS_ITEMS=maybe: use TRUE or FALSE"
        );
        assert!(e(&["S3_USAGE_PERIOD=1800"]).contains("S3_USAGE_PERIOD `1800` is not a period"));
        assert_eq!(
            e(&["RESULTS_DIR=a", "RESULTS_DIR=b"]),
            "RESULTS_DIR is given twice; give it once"
        );
        let msg = e(&["SECRET_S3_KEY=hunter2"]);
        assert!(
            msg.contains("without PUBLIC_S3_KEY") && !msg.contains("hunter2"),
            "{msg}"
        );
        // Unset shell variables give empty values: not given.
        let s =
            SeedArgs::parse(&args(&["RESULTS_DIR=", "PUBLIC_S3_KEY=", "SECRET_S3_KEY="])).unwrap();
        assert_eq!((s.options.results_dir, s.keys), (None, None));
    }
}
