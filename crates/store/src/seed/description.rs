//! The demo data description, `assets/demo.toml`, as typed values.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::DemoError;
use crate::store::StorageClass;

const DESCRIPTION: &str = include_str!("../../assets/demo.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Description {
    pub seed: u64,
    pub analytics: Analytics,
    pub cdr: Cdr,
    pub logs: Logs,
    pub versioned: Versioned,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Analytics {
    pub bucket: String,
    pub lifecycle: Vec<LifecycleRule>,
    pub tables: Vec<Table>,
    pub large: Vec<LargeObject>,
    pub abandoned_uploads: Vec<AbandonedUpload>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifecycleRule {
    pub older_than_days: i64,
    pub class: StorageClass,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    pub prefix: String,
    pub days: u32,
    #[serde(default)]
    pub hourly: bool,
    pub files: [u32; 2],
    pub name: String,
    pub size: [u64; 2],
    pub content_type: String,
    pub success: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LargeObject {
    pub key: String,
    pub size: u64,
    pub age_days: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AbandonedUpload {
    pub key: String,
    pub parts: i32,
    pub part_size: u64,
    pub age_days: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cdr {
    pub bucket: String,
    pub prefix: String,
    pub first_day: NaiveDate,
    pub days: u32,
    pub files: u32,
    pub size: [u64; 2],
    pub name: String,
    pub nodes: Vec<String>,
    pub unmatched_per_mille: u32,
    pub unmatched: Vec<String>,
    pub impossible: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Logs {
    pub bucket: String,
    pub days: u32,
    pub every_minutes: u32,
    pub lines: [u32; 2],
    pub partitioned_hours: u32,
    pub account: String,
    pub region: String,
    pub owner: String,
    pub garbage: String,
    pub requesters: Vec<Requester>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requester {
    pub id: String,
    pub ip: String,
    pub agent: String,
    pub weight: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Versioned {
    pub bucket: String,
    pub keys: u32,
    pub versions: [u32; 2],
    pub size: [u64; 2],
    pub deleted_per_mille: u32,
    pub names: Vec<String>,
}

/// Parses the embedded description.
pub fn load() -> Result<Description, DemoError> {
    let description: Description =
        toml::from_str(DESCRIPTION).map_err(|err| DemoError::SeedDescription(err.to_string()))?;
    let ranges_ok = description
        .analytics
        .tables
        .iter()
        .all(|t| t.files[0] <= t.files[1] && t.size[0] <= t.size[1])
        && description.cdr.size[0] <= description.cdr.size[1]
        && description.logs.lines[0] <= description.logs.lines[1]
        && description.versioned.versions[0] <= description.versioned.versions[1]
        && description.versioned.size[0] <= description.versioned.size[1];
    let lists_ok = !description.cdr.nodes.is_empty()
        && !description.cdr.unmatched.is_empty()
        && !description.logs.requesters.is_empty()
        && !description.versioned.names.is_empty()
        && description.logs.every_minutes > 0;
    if !ranges_ok || !lists_ok {
        return Err(DemoError::SeedDescription(
            "a [min, max] range is reversed, or a list or interval is empty".into(),
        ));
    }
    Ok(description)
}
