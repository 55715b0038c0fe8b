//! Retries, backoff and timeouts of every request: flag > environment > profile > `[s3]` > default.

use super::{ConfigError, ProfileFile};
use crate::settings::{FlagValues, Given, Layered, check};
use serde::Serialize;
use std::time::Duration;

/// How requests slow down when the service throttles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum RetryMode {
    /// Retries with backoff only.
    Standard,
    /// Retries with backoff, and fewer requests at once while the service answers SlowDown/429.
    #[default]
    Adaptive,
}

impl RetryMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Adaptive => "adaptive",
        }
    }
}

/// The resolved settings every client of a profile uses (S3, RGW admin API, CloudWatch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct S3Settings {
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// Upper bound of the first retry's random wait; doubled per retry up to `max_backoff`.
    #[serde(rename = "initial_backoff_ms", serialize_with = "millis")]
    pub initial_backoff: Duration,
    #[serde(rename = "max_backoff_ms", serialize_with = "millis")]
    pub max_backoff: Duration,
    /// One attempt in all, the answer's body included.
    #[serde(rename = "attempt_timeout_secs", serialize_with = "secs")]
    pub attempt_timeout: Duration,
    #[serde(rename = "connect_timeout_secs", serialize_with = "secs")]
    pub connect_timeout: Duration,
    /// Each read of an answer.
    #[serde(rename = "read_timeout_secs", serialize_with = "secs")]
    pub read_timeout: Duration,
    pub retry_mode: RetryMode,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_secs())
}

impl Default for S3Settings {
    /// Defaults that finish a scan through 5% SlowDown, 5% 500s and 3% connection resets.
    fn default() -> Self {
        Self::from(S3Layer::default().fill())
    }
}

impl From<S3Values> for S3Settings {
    fn from(v: S3Values) -> Self {
        Self {
            max_attempts: v.max_attempts,
            initial_backoff: v.initial_backoff_ms,
            max_backoff: v.max_backoff_ms,
            attempt_timeout: v.attempt_timeout_secs,
            connect_timeout: v.connect_timeout_secs,
            read_timeout: v.read_timeout_secs,
            retry_mode: v.retry_mode,
        }
    }
}

impl S3Settings {
    /// The defaults with a resolved profile's own timeouts and attempts (which
    /// [`Config::connection`](super::Config::connection) resolves from these same settings).
    pub fn for_profile(p: &super::Profile) -> Self {
        Self {
            max_attempts: p.max_attempts.max(1),
            connect_timeout: p.connect_timeout,
            read_timeout: p.read_timeout,
            ..Self::default()
        }
    }
}

fn attempts(g: &Given) -> Result<u32, String> {
    check::whole(g, 1, 50, "attempts").map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

fn backoff(g: &Given) -> Result<Duration, String> {
    check::whole(g, 1, 600_000, "milliseconds").map(Duration::from_millis)
}

fn timeout(g: &Given) -> Result<Duration, String> {
    check::whole(g, 1, 3600, "seconds").map(Duration::from_secs)
}

fn retry_mode(g: &Given) -> Result<RetryMode, String> {
    match g.text.trim().to_ascii_lowercase().as_str() {
        "standard" => Ok(RetryMode::Standard),
        "adaptive" => Ok(RetryMode::Adaptive),
        _ => Err(g.bad("the retry mode is `standard` or `adaptive`")),
    }
}

const RETRIES: Option<&str> = Some("Retries");

crate::settings! {
    /// `[s3]`: how every request to S3, the RGW admin API and CloudWatch retries and times out.
    /// The keys of the same names in a profile override these for that profile.
    file S3Section, layer S3Layer, values S3Values;
    table "s3", style Quoted;
    /// Attempts per request, the first included (1..50).
    max_attempts: Option<u32> => u32, check attempts, default "10" => 10;
        { flag: Some("max-attempts"), env: Some("S3SCOPE_MAX_ATTEMPTS"), value_name: "N",
          example: "10", global: true, heading: RETRIES }
    /// Upper bound of the first retry's random wait (ms); it doubles per retry.
    initial_backoff_ms: Option<u64> => Duration, check backoff, default "200" => Duration::from_millis(200);
        { flag: Some("initial-backoff"), env: Some("S3SCOPE_INITIAL_BACKOFF_MS"), value_name: "MS",
          example: "200", global: true, heading: RETRIES }
    /// Upper bound of any retry's random wait (ms).
    max_backoff_ms: Option<u64> => Duration, check backoff, default "20000" => Duration::from_secs(20);
        { flag: Some("max-backoff"), env: Some("S3SCOPE_MAX_BACKOFF_MS"), value_name: "MS",
          example: "20000", global: true, heading: RETRIES }
    /// Seconds one attempt may take in all, the answer included.
    attempt_timeout_secs: Option<u64> => Duration, check timeout, default "120" => Duration::from_secs(120);
        { flag: Some("attempt-timeout"), env: Some("S3SCOPE_ATTEMPT_TIMEOUT_SECS"),
          value_name: "SECS", example: "120", global: true, heading: RETRIES }
    /// Seconds to wait for a TCP/TLS connection.
    connect_timeout_secs: Option<u64> => Duration, check timeout, default "5" => Duration::from_secs(5);
        { flag: Some("connect-timeout"), env: Some("S3SCOPE_CONNECT_TIMEOUT_SECS"),
          value_name: "SECS", example: "5", global: true, heading: RETRIES }
    /// Seconds to wait for each read of an answer.
    read_timeout_secs: Option<u64> => Duration, check timeout, default "60" => Duration::from_secs(60);
        { flag: Some("read-timeout"), env: Some("S3SCOPE_READ_TIMEOUT_SECS"), value_name: "SECS",
          example: "60", global: true, heading: RETRIES }
    /// "adaptive": while the service throttles (SlowDown, 429), fewer requests of the profile are
    /// in flight at once, growing back with each success; "standard": backoff only.
    retry_mode: Option<String> => RetryMode, check retry_mode, default "adaptive" => RetryMode::Adaptive;
        { flag: Some("retry-mode"), env: Some("S3SCOPE_RETRY_MODE"), value_name: "MODE",
          example: "\"adaptive\"", global: true, heading: RETRIES }
}

/// Resolves the settings of profile `name` (whose file section is `pf`): flag > environment >
/// the profile's own keys > `[s3]` > default.
pub(super) fn resolve(
    section: &S3Section,
    name: &str,
    pf: &ProfileFile,
    flags: &FlagValues,
) -> Result<S3Settings, ConfigError> {
    // The keys a profile may set for itself.
    let own = S3Section {
        max_attempts: pf.max_attempts,
        connect_timeout_secs: pf.connect_timeout_secs,
        read_timeout_secs: pf.read_timeout_secs,
        ..S3Section::default()
    };
    let files = [
        (format!("profiles.{name}"), &own),
        ("s3".to_string(), section),
    ];
    let v = S3Layer::layered(flags, &files)
        .map_err(ConfigError::Setting)?
        .fill();
    if v.max_backoff_ms < v.initial_backoff_ms {
        return Err(ConfigError::Setting(format!(
            "max_backoff_ms ({}) must not be below initial_backoff_ms ({})",
            v.max_backoff_ms.as_millis(),
            v.initial_backoff_ms.as_millis()
        )));
    }
    Ok(S3Settings::from(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags() -> FlagValues {
        FlagValues::new()
    }

    fn with(pairs: &[(&'static str, &str)]) -> FlagValues {
        let mut f = FlagValues::new();
        for (k, v) in pairs {
            f.set(k, *v);
        }
        f
    }

    #[test]
    fn declared_defaults_check() {
        S3Layer::check_defaults().unwrap();
        assert_eq!(S3Settings::default().max_backoff, Duration::from_secs(20));
    }

    #[test]
    fn profile_beats_section_and_flag_beats_both() {
        let section = S3Section {
            max_attempts: Some(7),
            connect_timeout_secs: Some(9),
            retry_mode: Some("standard".into()),
            ..S3Section::default()
        };
        let pf = ProfileFile {
            max_attempts: Some(4),
            ..ProfileFile::default()
        };
        let s = resolve(&section, "p", &pf, &flags()).unwrap();
        assert_eq!(s.max_attempts, 4);
        assert_eq!(s.connect_timeout, Duration::from_secs(9));
        assert_eq!(s.retry_mode, RetryMode::Standard);
        assert_eq!(s.read_timeout, S3Settings::default().read_timeout);
        let f = with(&[("max_attempts", "12"), ("retry_mode", "Adaptive")]);
        let s = resolve(&section, "p", &pf, &f).unwrap();
        assert_eq!((s.max_attempts, s.retry_mode), (12, RetryMode::Adaptive));
    }

    #[test]
    fn bad_values_name_where_they_came_from() {
        let pf = ProfileFile::default();
        let f = with(&[("max_attempts", "0")]);
        let e = resolve(&S3Section::default(), "p", &pf, &f).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--max-attempts `0`: must be a whole number of attempts from 1 to 50"
        );
        let section = S3Section {
            retry_mode: Some("fast".into()),
            ..S3Section::default()
        };
        let e = resolve(&section, "p", &pf, &flags()).unwrap_err();
        assert!(e.to_string().starts_with("s3.retry_mode `fast`"), "{e}");
        let pf = ProfileFile {
            read_timeout_secs: Some(0),
            ..ProfileFile::default()
        };
        let e = resolve(&S3Section::default(), "ceph", &pf, &flags()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("profiles.ceph.read_timeout_secs `0`"),
            "{e}"
        );
        let section = S3Section {
            initial_backoff_ms: Some(5000),
            max_backoff_ms: Some(100),
            ..S3Section::default()
        };
        let e = resolve(&section, "p", &ProfileFile::default(), &flags()).unwrap_err();
        assert!(e.to_string().contains("must not be below"), "{e}");
    }
}
