//! Command-line grammar (clap): global connection flags and one subcommand per headless job.

use super::settings::Flags;
use clap::{Args, Parser, Subcommand, ValueEnum};
use s3scope_core::policy::Feature;
pub use s3scope_core::units::Unit;
use std::path::PathBuf;

/// Terminal explorer for S3 storage usage: where the bytes are, who uses them, and safe tidying.
#[derive(Debug, Parser)]
#[command(
    name = "s3scope",
    version = env!("S3SCOPE_VERSION_LINE"),
    about,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do; without a command the TUI opens on the selected profile.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Connection flags accepted by every command; they override env and config file.
#[derive(Debug, Clone, Args, Default)]
pub struct GlobalArgs {
    /// Config file (default: $S3SCOPE_CONFIG, then ~/.config/s3scope/config.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Profile from the config file (default: $S3SCOPE_PROFILE, then default_profile).
    #[arg(long, short = 'p', global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// S3 endpoint URL for S3-compatible stores (Ceph RGW, MinIO...).
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Region used for signing and new clients.
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// Path-style addressing (http://host/bucket/key); `--path-style=false` forces virtual-host style.
    #[arg(long, global = true, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub path_style: Option<bool>,
    /// Refuse every write, whatever the profile says.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Log file (default: the state dir's s3scope.log).
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    /// Retries and timeouts of every request (`[s3]` in the config; $S3SCOPE_MAX_ATTEMPTS etc.),
    /// checked after parsing so that a bad one is a one-line error.
    #[command(flatten)]
    pub retry: Flags<s3scope_core::config::S3Layer>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the TUI on the selected profile (the default).
    Tui,
    /// Start an embedded S3 server with sample data and open the TUI on it.
    Demo(DemoArgs),
    /// List buckets with region and creation date.
    Buckets(BucketsArgs),
    /// Scan a bucket or prefix: objects and bytes per storage class and per prefix.
    Du(DuArgs),
    /// Show what HEAD tells about a bucket or an object.
    Head(HeadArgs),
    /// Move objects into date prefixes found in their names: plan (a preview), then apply.
    Segregate(super::segregate::SegregateArgs),
    /// Request and bandwidth usage from the Ceph RGW admin API or S3 access logs: collect, show.
    Usage {
        #[command(subcommand)]
        action: super::usage::UsageAction,
    },
    /// Snapshot listings, bucket stats, CloudWatch and RGW usage into a package on a data dir.
    Extract(Box<super::pipeline::ExtractArgs>),
    /// Roll the packages of a window up into Parquet (dt= partitions), CSV, JSON and a report.
    Process(Box<super::pipeline::ProcessArgs>),
    /// Serve Prometheus metrics and the bucket table over HTTP, behind a bearer token.
    Serve(super::serve::ServeArgs),
    /// Delete one key, or a prefix with --recursive, after showing exactly what goes.
    Rm(super::rm::RmArgs),
    /// Remove hidden costs: stale multipart uploads, old noncurrent versions, delete markers.
    Cleanup(super::cleanup::CleanupArgs),
    /// Print the lifecycle rule that keeps a bucket clean without s3scope (AWS JSON or RGW XML).
    PrintLifecycle(super::lifecycle::LifecycleArgs),
    /// Validate configuration.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Print the least-privilege IAM policy (or Ceph caps) each feature needs.
    PrintPolicy(PolicyArgs),
    /// Print a shell completion script (bash, zsh or fish) to stdout.
    Completions(super::completions::CompletionsArgs),
    /// Print the man page (roff) to stdout: `s3scope man | man -l -`.
    Man,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Data directory to use (and reuse on later runs); default: a temporary one, removed on exit.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Only serve, in the foreground, and print the environment to use it from other tools.
    #[arg(long)]
    pub serve: bool,
    /// Port on 127.0.0.1 (default: a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
}

#[derive(Debug, Args)]
pub struct BucketsArgs {
    /// Where sizes come from: rgw admin stats, CloudWatch daily metrics, a scan, each bucket's
    /// S3 Inventory report (inventory: as of the report), or the cheapest (auto).
    #[arg(long, value_parser = crate::cli::choice::choice::<s3scope_core::scan::buckets::Source>(), default_value_t = s3scope_core::scan::buckets::Source::Auto)]
    pub source: s3scope_core::scan::buckets::Source,
    /// table, json, csv, tsv, or analyser (the storage analyser's columns: Bucket Region Files
    /// Total STD RR IA Creation(UTC), sizes in MB unless --unit says otherwise).
    #[arg(long, value_enum, default_value_t = BucketsFormat::Table)]
    pub format: BucketsFormat,
    /// Unit of byte columns in table/csv/tsv output (json is always bytes); KB, MB and GB are
    /// the storage analyser's (1024-based, like KiB, MiB, GiB).
    #[arg(long, value_parser = crate::cli::choice::choice::<Unit>(), default_value_t = Unit::Auto)]
    pub unit: Unit,
    /// Sort rows by this column (cost: monthly cost, biggest first).
    #[arg(long, value_enum, default_value_t = SortKey::Bytes)]
    pub sort: SortKey,
    /// Only buckets whose name matches this glob (e.g. 'logs-*'); `--prefix` as in the analyser.
    #[arg(long, visible_alias = "prefix", value_name = "GLOB")]
    pub filter: Option<String>,
    /// Parallel requests (default: [scan] concurrency); the analyser's --conc.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub conc: Option<u16>,
    /// Exit 1 when any row has an error (the table is printed in full first): for cron.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Validate the config file and print the resolved profile, secrets masked.
    Check {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// Features to cover (repeatable; default: all).
    #[arg(long, value_parser = crate::cli::choice::choice::<s3scope_core::policy::Feature>())]
    pub feature: Vec<Feature>,
    /// Print Ceph RGW admin caps (radosgw-admin) instead of an IAM policy.
    #[arg(long)]
    pub ceph: bool,
    /// Ceph user the caps are for.
    #[arg(long, default_value = "USER")]
    pub uid: String,
    /// Bucket to scope the policy to.
    #[arg(long)]
    pub bucket: Option<String>,
    /// Bucket holding S3 server access logs.
    #[arg(long)]
    pub log_bucket: Option<String>,
    /// Bucket holding the extract/process data dir.
    #[arg(long)]
    pub data_bucket: Option<String>,
}

/// Output format of headless commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Tsv,
}

#[derive(Debug, Args)]
pub struct HeadArgs {
    /// s3://BUCKET (region, versioning) or s3://BUCKET/KEY (size, class, ETag, metadata).
    pub location: s3scope_core::s3::location::S3Location,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct DuArgs {
    /// s3://BUCKET or s3://BUCKET/PREFIX (not with --diff)
    #[arg(required_unless_present = "diff")]
    pub location: Option<s3scope_core::s3::location::S3Location>,
    /// Prefix levels to report below the location.
    #[arg(long, default_value_t = 1)]
    pub depth: usize,
    /// Also count noncurrent versions and delete markers per prefix.
    #[arg(long)]
    pub versions: bool,
    /// Also count incomplete multipart uploads and their bytes per prefix.
    #[arg(long)]
    pub multipart: bool,
    /// table, json, csv, tsv, or ncdu (ncdu's JSON export: `ncdu -f FILE`, `gdu -f FILE`).
    #[arg(long, value_enum, default_value_t = DuFormat::Table)]
    pub format: DuFormat,
    /// Where the tree comes from: a listing (exact, about N/1000 LIST calls) or the bucket's
    /// S3 Inventory report (no LIST calls; as of the report's date).
    #[arg(long, value_enum, default_value_t = DuSource::Listing)]
    pub source: DuSource,
    /// The inventory configuration's folder, s3://DEST/[PREFIX/]SOURCE-BUCKET/CONFIG-ID/ (or one
    /// dated folder, or its manifest.json); default: from ListBucketInventoryConfigurations.
    #[arg(long, value_name = "S3URL")]
    pub inventory: Option<s3scope_core::s3::location::S3Location>,
    /// Also save the finished scan as a snapshot file (for `--diff` later).
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Compare two snapshot files instead of scanning: growth by prefix, biggest change first.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with_all = ["location", "save", "versions", "multipart", "inventory"])]
    pub diff: Option<Vec<PathBuf>>,
}

/// Where `du` takes its tree from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DuSource {
    Listing,
    Inventory,
}

/// Output formats of `du`: the common ones plus ncdu's JSON export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DuFormat {
    Table,
    Json,
    Csv,
    Tsv,
    Ncdu,
}

impl DuFormat {
    /// The common format (ncdu has none: callers handle it first).
    pub fn common(self) -> Format {
        match self {
            Self::Table | Self::Ncdu => Format::Table,
            Self::Json => Format::Json,
            Self::Csv => Format::Csv,
            Self::Tsv => Format::Tsv,
        }
    }
}

impl PartialEq<Format> for DuFormat {
    fn eq(&self, other: &Format) -> bool {
        *self != Self::Ncdu && self.common() == *other
    }
}

/// Output formats of `buckets`: the common ones plus the storage analyser's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BucketsFormat {
    Table,
    Json,
    Csv,
    Tsv,
    Analyser,
}

impl BucketsFormat {
    /// The common format (the analyser's is a table).
    pub fn common(self) -> Format {
        match self {
            Self::Table | Self::Analyser => Format::Table,
            Self::Json => Format::Json,
            Self::Csv => Format::Csv,
            Self::Tsv => Format::Tsv,
        }
    }
}

/// Sort orders of the bucket table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortKey {
    Bytes,
    Cost,
    Objects,
    Name,
    Created,
}
