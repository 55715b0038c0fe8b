//! The TOML config file as written by the user: structs that mirror config.example.toml.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Top level of the config file.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Profile used when neither `--profile` nor `$S3SCOPE_PROFILE` names one.
    pub default_profile: Option<String>,
    /// Where logs go (never to the terminal while the TUI runs).
    #[serde(default)]
    pub log: LogSection,
    /// Scanning limits shared by every profile.
    #[serde(default)]
    pub scan: ScanSection,
    /// Retries, backoff and timeouts of every S3, RGW admin and CloudWatch call.
    #[serde(default)]
    pub s3: S3Section,
    /// Key bindings that replace the defaults of crates/tui/assets/keymap.toml, action = "key".
    #[serde(default)]
    pub keymap: BTreeMap<String, String>,
    /// Named connection profiles.
    #[serde(default)]
    pub profiles: BTreeMap<String, ProfileFile>,
    /// Date segregation rules (`[[segregate.rules]]`).
    #[serde(default)]
    pub segregate: SegregateSection,
    /// `s3scope serve` defaults; its flags override them.
    #[serde(default)]
    pub serve: ServeSection,
}

/// `[serve]`: defaults of `s3scope serve` (the token itself never lives here).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServeSection {
    /// Address to listen on, e.g. "127.0.0.1:9340"; a non-loopback one also needs allow_remote.
    pub listen: Option<String>,
    /// Accept a non-loopback listen address.
    pub allow_remote: Option<bool>,
    /// Background refresh interval, e.g. "15m".
    pub refresh: Option<String>,
    /// File holding the bearer token (first line; keep it chmod 600).
    pub token_file: Option<PathBuf>,
    /// Where sizes come from: "auto", "rgw", "cloudwatch" or "scan".
    pub source: Option<String>,
    /// Only buckets whose name matches this glob.
    pub filter: Option<String>,
    /// Connections served at once.
    pub max_connections: Option<usize>,
    /// Usage summary (summarized_data.json of `s3scope usage collect`) exported as metrics;
    /// default: the profile's `[profiles.NAME.usage]` summary when that section exists.
    pub usage_summary: Option<PathBuf>,
}

/// `[log]`
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LogSection {
    /// Log file path; default: s3scope.log in the XDG state/cache dir.
    pub file: Option<PathBuf>,
    /// tracing filter, e.g. "info" or "s3scope=debug".
    pub level: Option<String>,
}

/// `[scan]`
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScanSection {
    /// Parallel LIST requests per scan (default 32).
    pub concurrency: Option<usize>,
}

/// `[s3]`: how every request to S3, the RGW admin API and CloudWatch retries and times out.
/// The keys of the same names in a profile override these for that profile.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct S3Section {
    /// Attempts per request including the first (default 10).
    pub max_attempts: Option<u32>,
    /// Upper bound of the first retry's random wait, in milliseconds (default 200); doubled
    /// on every further retry.
    pub initial_backoff_ms: Option<u64>,
    /// Upper bound of any retry's random wait, in milliseconds (default 20000).
    pub max_backoff_ms: Option<u64>,
    /// Seconds one attempt may take in all, answer included (default 120).
    pub attempt_timeout_secs: Option<u64>,
    /// Seconds to wait for a TCP/TLS connection (default 5).
    pub connect_timeout_secs: Option<u64>,
    /// Seconds to wait for each read of an answer (default 60).
    pub read_timeout_secs: Option<u64>,
    /// "adaptive" (default: fewer requests at once while the service throttles) or "standard".
    pub retry_mode: Option<String>,
}

/// `[profiles.NAME]`: how to reach one S3 service.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProfileFile {
    /// S3-compatible endpoint URL (Ceph RGW, MinIO, R2...). Unset: AWS.
    pub endpoint: Option<String>,
    /// Region for signing and for new clients (default us-east-1 with an endpoint).
    pub region: Option<String>,
    /// Path-style addressing; default true for IP/localhost endpoints, else false.
    pub path_style: Option<bool>,
    /// Named profile in ~/.aws/config and ~/.aws/credentials.
    pub aws_profile: Option<String>,
    /// Inline access key id (prefer the *_env variants).
    pub access_key_id: Option<String>,
    /// Inline secret access key (prefer the *_env variants).
    pub secret_access_key: Option<String>,
    /// Name of the environment variable that holds the access key id.
    pub access_key_id_env: Option<String>,
    /// Name of the environment variable that holds the secret access key.
    pub secret_access_key_env: Option<String>,
    /// PEM file of extra CA certificates for a private TLS endpoint.
    pub ca_bundle: Option<PathBuf>,
    /// Refuse every write (segregate apply, usage trim, extract to s3://).
    pub read_only: Option<bool>,
    /// Use the Ceph RGW admin API (/admin/usage, /admin/bucket) on this endpoint.
    pub rgw_admin: Option<bool>,
    /// Seconds to wait for a TCP/TLS connection (overrides `[s3]` for this profile).
    pub connect_timeout_secs: Option<u64>,
    /// Seconds to wait for each read of an answer (overrides `[s3]` for this profile).
    pub read_timeout_secs: Option<u64>,
    /// Attempts per request including the first (overrides `[s3]` for this profile).
    pub max_attempts: Option<u32>,
    /// `[profiles.NAME.usage]`: request/bandwidth usage collection of this profile.
    pub usage: Option<UsageSection>,
}

/// `[profiles.NAME.usage]`: where `s3scope usage` reads and writes (the usage collector's options).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UsageSection {
    /// "rgw" (Ceph RGW admin API) or "access-logs" (S3 server access log objects).
    pub source: Option<String>,
    /// Window length ending at the last full hour: "1h" (default), "24h", "7d".
    pub period: Option<String>,
    /// Directory of the summary and the state file (default "results").
    pub results_dir: Option<PathBuf>,
    /// The summary, replaced each run (default RESULTS_DIR/summarized_data.json).
    pub summary_file: Option<PathBuf>,
    /// One backup of the summary per run (default "backups").
    pub backup_dir: Option<PathBuf>,
    /// Raw chunks: each usage response or log object as JSON (default RESULTS_DIR/stats/chunks).
    pub chunks_dir: Option<PathBuf>,
    /// Write raw chunks (default false).
    pub save_chunks: Option<bool>,
    /// What was collected and trimmed (default RESULTS_DIR/usage-state.json).
    pub state_file: Option<PathBuf>,
    /// Delete what was collected from the source once it is saved (default false).
    pub trim: Option<bool>,
    /// Only this RGW user's usage.
    pub uid: Option<String>,
    /// Only this bucket's usage (RGW).
    pub bucket: Option<String>,
    /// Bucket holding S3 server access logs.
    pub log_bucket: Option<String>,
    /// Prefix of the log objects in log_bucket (default: the whole bucket).
    pub log_prefix: Option<String>,
    /// Hours a log object may be delivered after its last request (default 3).
    pub log_lag_hours: Option<u32>,
    /// Days of collected hours the state file keeps (default 62).
    pub keep_days: Option<u32>,
    /// Seconds to wait after an hour ends before reading it from RGW (default 60).
    pub settle_secs: Option<u64>,
}

/// `[segregate]`
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SegregateSection {
    /// Named rules for `s3scope segregate plan|apply --rule NAME` and the Segregate pane.
    #[serde(default)]
    pub rules: Vec<SegregateRuleFile>,
}

/// `[[segregate.rules]]`: move keys into date prefixes found in their names.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SegregateRuleFile {
    /// What `--rule NAME` selects.
    pub name: String,
    pub bucket: String,
    /// Keys under this prefix are segregated (a directory: `incoming` means `incoming/`).
    pub source_prefix: String,
    /// Regex on the key's name (after the last `/`); its groups, concatenated, are the date.
    pub match_pattern: Option<String>,
    /// strftime format of the concatenated groups, e.g. `%Y%m%d%H`.
    pub datetime_format: Option<String>,
    /// strftime template of the destination prefix, e.g. `segregated/%Y/%m/%d/`.
    pub target: String,
    /// Where keys go that do not match or whose date does not parse.
    pub error_prefix: String,
    /// Without a pattern, keys are dated now minus this many seconds (default 86400).
    pub time_delay: Option<u64>,
    /// Keys per LIST call, at most 1000 (default 1000).
    pub page_size: Option<u32>,
    /// LIST pages per run at most (default: no bound).
    pub max_pages: Option<u32>,
    /// Objects moved at the same time (default 16).
    pub workers: Option<usize>,
    /// The final report of each apply is appended to this file.
    pub log_file: Option<PathBuf>,
}
