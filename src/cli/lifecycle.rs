//! `s3scope print-lifecycle`: the lifecycle rule that does `cleanup`'s work on the server, as
//! AWS JSON or the S3 XML Ceph RGW takes; how to apply it goes to stderr.

use super::CliError;
use super::output::write_json;
use s3scope_core::cleanup::Age;
use s3scope_core::lifecycle::{LifecycleSpec, Transition, how_to};
use s3scope_core::s3::location::S3Location;
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LifecycleFormat {
    /// JSON for `aws s3api put-bucket-lifecycle-configuration --lifecycle-configuration file://F`.
    Aws,
    /// S3 lifecycle XML for Ceph RGW (`s3cmd setlifecycle F s3://BUCKET`).
    Rgw,
}

#[derive(Debug, clap::Args)]
pub struct LifecycleArgs {
    /// s3://BUCKET, or s3://BUCKET/PREFIX for a rule on that prefix only.
    pub location: S3Location,
    /// Abort incomplete multipart uploads this old (rounded up to days).
    #[arg(long, value_name = "AGE", value_parser = parse_age)]
    pub uploads_older_than: Option<Age>,
    /// Expire versions noncurrent for this long (rounded up to days).
    #[arg(long, value_name = "AGE", value_parser = parse_age)]
    pub noncurrent_older_than: Option<Age>,
    /// Also remove delete markers with nothing behind them (ExpiredObjectDeleteMarker).
    #[arg(long)]
    pub delete_markers: bool,
    /// Move current versions to CLASS after DAYS (repeatable), e.g. STANDARD_IA:30.
    #[arg(long, value_name = "CLASS:DAYS", value_parser = parse_transition)]
    pub transition: Vec<Transition>,
    /// The rule's ID.
    #[arg(long, default_value = "s3scope-cleanup")]
    pub id: String,
    #[arg(long, value_enum, default_value_t = LifecycleFormat::Aws)]
    pub format: LifecycleFormat,
}

pub fn parse_age(s: &str) -> Result<Age, String> {
    s.parse()
}

fn parse_transition(s: &str) -> Result<Transition, String> {
    s.parse()
        .map_err(|e: s3scope_core::lifecycle::LifecycleError| e.to_string())
}

pub fn run(a: &LifecycleArgs) -> Result<(), CliError> {
    let spec = LifecycleSpec {
        id: a.id.clone(),
        prefix: a.location.key.clone(),
        uploads_days: a.uploads_older_than.map(Age::days_ceil),
        noncurrent_days: a.noncurrent_older_than.map(Age::days_ceil),
        expired_delete_markers: a.delete_markers,
        transitions: a.transition.clone(),
    };
    let rgw = a.format == LifecycleFormat::Rgw;
    spec.check(!rgw)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    if rgw {
        out.write_all(spec.xml().as_bytes())?;
    } else {
        write_json(&spec.aws_json(), &mut out)?;
    }
    eprintln!("{}", how_to(&a.location.bucket, rgw));
    Ok(())
}
