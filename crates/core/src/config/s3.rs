//! Retries, backoff and timeouts of every request: flag > environment > profile > `[s3]` > default.

use super::{ConfigError, ProfileFile, S3Section};
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
        Self {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            attempt_timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(60),
            retry_mode: RetryMode::Adaptive,
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

/// Command-line values, unparsed: checked here so that a bad one is a one-line error.
#[derive(Debug, Clone, Default)]
pub struct S3Flags {
    pub max_attempts: Option<String>,
    pub initial_backoff_ms: Option<String>,
    pub max_backoff_ms: Option<String>,
    pub attempt_timeout_secs: Option<String>,
    pub connect_timeout_secs: Option<String>,
    pub read_timeout_secs: Option<String>,
    pub retry_mode: Option<String>,
}

/// One setting's layers, highest first: (where it was given, its text).
struct Layers(Vec<(String, String)>);

impl Layers {
    fn new(flag: (&str, &Option<String>), env: &str) -> Self {
        let mut v = Vec::new();
        if let Some(text) = flag.1 {
            v.push((format!("--{}", flag.0), text.clone()));
        }
        if let Some(text) = std::env::var(env).ok().filter(|t| !t.trim().is_empty()) {
            v.push((format!("${env}"), text));
        }
        Self(v)
    }

    fn file(mut self, key: String, value: Option<impl ToString>) -> Self {
        if let Some(value) = value {
            self.0.push((key, value.to_string()));
        }
        self
    }

    /// The highest layer as a number in `range`, else None.
    fn number(
        &self,
        range: std::ops::RangeInclusive<u64>,
        unit: &str,
    ) -> Result<Option<u64>, ConfigError> {
        let Some((origin, text)) = self.0.first() else {
            return Ok(None);
        };
        match text.trim().parse::<u64>() {
            Ok(n) if range.contains(&n) => Ok(Some(n)),
            _ => Err(ConfigError::Setting(format!(
                "{origin} `{text}`: must be a whole number of {unit} from {} to {}",
                range.start(),
                range.end()
            ))),
        }
    }
}

/// Resolves the settings of profile `name` (whose file section is `pf`).
pub(super) fn resolve(
    section: &S3Section,
    name: &str,
    pf: &ProfileFile,
    flags: &S3Flags,
) -> Result<S3Settings, ConfigError> {
    let d = S3Settings::default();
    let in_profile = |key: &str| format!("profiles.{name}.{key}");
    let max_attempts = Layers::new(
        ("max-attempts", &flags.max_attempts),
        "S3SCOPE_MAX_ATTEMPTS",
    )
    .file(in_profile("max_attempts"), pf.max_attempts)
    .file("s3.max_attempts".into(), section.max_attempts)
    .number(1..=50, "attempts")?
    .map_or(d.max_attempts, |n| u32::try_from(n).unwrap_or(u32::MAX));
    let ms = |flag: (&str, &Option<String>), env: &str, key: &str, value: Option<u64>| {
        Layers::new(flag, env)
            .file(format!("s3.{key}"), value)
            .number(1..=600_000, "milliseconds")
            .map(|n| n.map(Duration::from_millis))
    };
    let initial_backoff = ms(
        ("initial-backoff", &flags.initial_backoff_ms),
        "S3SCOPE_INITIAL_BACKOFF_MS",
        "initial_backoff_ms",
        section.initial_backoff_ms,
    )?
    .unwrap_or(d.initial_backoff);
    let max_backoff = ms(
        ("max-backoff", &flags.max_backoff_ms),
        "S3SCOPE_MAX_BACKOFF_MS",
        "max_backoff_ms",
        section.max_backoff_ms,
    )?
    .unwrap_or(d.max_backoff);
    if max_backoff < initial_backoff {
        return Err(ConfigError::Setting(format!(
            "max_backoff_ms ({}) must not be below initial_backoff_ms ({})",
            max_backoff.as_millis(),
            initial_backoff.as_millis()
        )));
    }
    let secs = |flag: (&str, &Option<String>), env: &str, key: &str, own: Option<u64>, s3| {
        let mut layers = Layers::new(flag, env);
        if own.is_some() {
            layers = layers.file(in_profile(key), own);
        }
        layers
            .file(format!("s3.{key}"), s3)
            .number(1..=3600, "seconds")
            .map(|n| n.map(Duration::from_secs))
    };
    let attempt_timeout = secs(
        ("attempt-timeout", &flags.attempt_timeout_secs),
        "S3SCOPE_ATTEMPT_TIMEOUT_SECS",
        "attempt_timeout_secs",
        None,
        section.attempt_timeout_secs,
    )?
    .unwrap_or(d.attempt_timeout);
    let connect_timeout = secs(
        ("connect-timeout", &flags.connect_timeout_secs),
        "S3SCOPE_CONNECT_TIMEOUT_SECS",
        "connect_timeout_secs",
        pf.connect_timeout_secs,
        section.connect_timeout_secs,
    )?
    .unwrap_or(d.connect_timeout);
    let read_timeout = secs(
        ("read-timeout", &flags.read_timeout_secs),
        "S3SCOPE_READ_TIMEOUT_SECS",
        "read_timeout_secs",
        pf.read_timeout_secs,
        section.read_timeout_secs,
    )?
    .unwrap_or(d.read_timeout);
    let mode = Layers::new(("retry-mode", &flags.retry_mode), "S3SCOPE_RETRY_MODE")
        .file("s3.retry_mode".into(), section.retry_mode.as_ref());
    let retry_mode = match mode.0.first() {
        None => d.retry_mode,
        Some((origin, text)) => match text.trim().to_ascii_lowercase().as_str() {
            "standard" => RetryMode::Standard,
            "adaptive" => RetryMode::Adaptive,
            _ => {
                return Err(ConfigError::Setting(format!(
                    "{origin} `{text}`: the retry mode is `standard` or `adaptive`"
                )));
            }
        },
    };
    Ok(S3Settings {
        max_attempts,
        initial_backoff,
        max_backoff,
        attempt_timeout,
        connect_timeout,
        read_timeout,
        retry_mode,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags() -> S3Flags {
        S3Flags::default()
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
        let f = S3Flags {
            max_attempts: Some("12".into()),
            retry_mode: Some("Adaptive".into()),
            ..flags()
        };
        let s = resolve(&section, "p", &pf, &f).unwrap();
        assert_eq!((s.max_attempts, s.retry_mode), (12, RetryMode::Adaptive));
    }

    #[test]
    fn bad_values_name_where_they_came_from() {
        let pf = ProfileFile::default();
        let f = S3Flags {
            max_attempts: Some("0".into()),
            ..flags()
        };
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
