//! The TOML config file as written by the user: structs that mirror config.example.toml.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub use super::s3::S3Section;
pub use crate::segregate::spec::SegregateRuleFile;
pub use crate::serve::ServeSection;
pub use crate::usage::UsageSection;

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
    /// `[pipeline]`: the profiles (sites) and data dir of `extract` and `process`.
    #[serde(default)]
    pub pipeline: crate::pipeline::settings::PipelineSection,
    /// `[prices]`: USD per GB-month and per 1,000 requests for the cost columns.
    #[serde(default)]
    pub prices: crate::prices::PricesSection,
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
    /// `[profiles.NAME.prices]`: this profile's prices, over `[prices]`.
    pub prices: Option<crate::prices::PricesSection>,
}

/// `[segregate]`
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SegregateSection {
    /// Named rules for `s3scope segregate plan|apply --rule NAME` and the Segregate pane.
    #[serde(default)]
    pub rules: Vec<SegregateRuleFile>,
}
