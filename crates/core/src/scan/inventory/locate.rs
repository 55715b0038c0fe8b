//! Where a report is: the newest dated manifest under a configuration's folder, or the
//! configuration found through ListBucketInventoryConfigurations.

use super::InventoryError;
use super::manifest::Manifest;
use crate::s3::error::S3Error;
use crate::s3::retry;
use aws_sdk_s3::Client;

/// The folder of one inventory configuration: `s3://DEST/[PREFIX/]SOURCE/CONFIG-ID/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigRoot {
    pub bucket: String,
    /// Ends with `/` (or is empty for the bucket's top).
    pub prefix: String,
}

impl ConfigRoot {
    /// From `--inventory s3://DEST/PREFIX`: a configuration folder, a dated folder, or a
    /// `manifest.json` key.
    pub fn new(bucket: &str, prefix: &str) -> Self {
        Self {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
        }
    }

    pub fn url(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.prefix)
    }
}

/// A report found and checked.
#[derive(Debug, Clone)]
pub struct Report {
    /// Destination bucket holding the manifest and the data files.
    pub bucket: String,
    pub manifest_key: String,
    pub manifest: Manifest,
}

impl Report {
    pub fn url(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.manifest_key)
    }
}

/// `2026-11-21T01-00Z/`: the dated folder of one report.
pub fn is_dated_folder(segment: &str) -> bool {
    let s = segment.trim_end_matches('/');
    let b = s.as_bytes();
    b.len() == 17
        && b.iter().enumerate().all(|(i, &c)| match i {
            4 | 7 | 13 => c == b'-',
            10 => c == b'T',
            16 => c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

/// The dated report folders under `root`, newest first (one delimiter listing).
pub async fn dated_folders(
    s3: &Client,
    endpoint: &str,
    root: &ConfigRoot,
) -> Result<Vec<String>, InventoryError> {
    let mut prefix = root.prefix.clone();
    if !prefix.is_empty() && !prefix.ends_with('/') {
        prefix.push('/');
    }
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let r = s3
            .list_objects_v2()
            .bucket(&root.bucket)
            .prefix(&prefix)
            .delimiter("/")
            .set_continuation_token(token.clone())
            .send()
            .await
            .map_err(|e| S3Error::classify(&e, endpoint, "ListObjectsV2", &root.bucket))?;
        for p in r.common_prefixes() {
            if let Some(p) = p.prefix()
                && is_dated_folder(&p[prefix.len().min(p.len())..])
            {
                out.push(p.to_string());
            }
        }
        token = r.next_continuation_token().map(str::to_string);
        if r.is_truncated() != Some(true) || token.is_none() {
            break;
        }
    }
    // The folder names sort as their dates do.
    out.sort_unstable_by(|a, b| b.cmp(a));
    Ok(out)
}

async fn get(
    s3: &Client,
    endpoint: &str,
    bucket: &str,
    key: &str,
) -> Result<Option<bytes::Bytes>, InventoryError> {
    match retry::download(s3, bucket, key, endpoint).await {
        Ok(b) => Ok(Some(b)),
        Err(S3Error::NoSuchKey { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Reads and checks the manifest at `key` and its `manifest.checksum`.
pub async fn load(
    s3: &Client,
    endpoint: &str,
    bucket: &str,
    key: &str,
) -> Result<Option<Report>, InventoryError> {
    let url = format!("s3://{bucket}/{key}");
    let Some(json) = get(s3, endpoint, bucket, key).await? else {
        return Ok(None);
    };
    let sum_key = format!("{}manifest.checksum", key.trim_end_matches("manifest.json"));
    let Some(sum) = get(s3, endpoint, bucket, &sum_key).await? else {
        return Err(InventoryError::BadManifest {
            url,
            reason: format!(
                "s3://{bucket}/{sum_key} is missing, so the manifest cannot be checked; copy it with the manifest"
            ),
        });
    };
    let manifest = Manifest::parse(&url, &json, Some(&sum))?;
    Ok(Some(Report {
        bucket: bucket.to_string(),
        manifest_key: key.to_string(),
        manifest,
    }))
}

/// The newest complete report under `root` (a folder whose manifest is not written yet is a
/// report still being delivered: the one before it is used).
pub async fn newest(
    s3: &Client,
    endpoint: &str,
    root: &ConfigRoot,
) -> Result<Report, InventoryError> {
    let not_found = |reason: &str| InventoryError::NotFound {
        url: crate::text::escape_control(&root.url()).into_owned(),
        reason: reason.to_string(),
    };
    if root.prefix.ends_with("manifest.json") {
        return load(s3, endpoint, &root.bucket, &root.prefix)
            .await?
            .ok_or_else(|| not_found("that manifest.json does not exist"));
    }
    let last = root
        .prefix
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    if is_dated_folder(last) {
        let key = format!("{}/manifest.json", root.prefix.trim_end_matches('/'));
        return load(s3, endpoint, &root.bucket, &key)
            .await?
            .ok_or_else(|| not_found("that report folder has no manifest.json"));
    }
    let folders = dated_folders(s3, endpoint, root).await?;
    for folder in &folders {
        if let Some(r) = load(
            s3,
            endpoint,
            &root.bucket,
            &format!("{folder}manifest.json"),
        )
        .await?
        {
            return Ok(r);
        }
    }
    Err(not_found(
        "no YYYY-MM-DDTHH-MMZ/manifest.json there; give the folder of the configuration (s3://DEST/PREFIX/SOURCE-BUCKET/CONFIG-ID/)",
    ))
}

/// An inventory configuration of a bucket, as far as s3scope needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryConfig {
    pub id: String,
    pub enabled: bool,
    pub root: ConfigRoot,
    pub format: String,
    pub versions: bool,
    /// The configuration's filter prefix (objects outside it are not in the report).
    pub filter_prefix: String,
}

/// The inventory configurations of `bucket` (ListBucketInventoryConfigurations). Stores that
/// do not implement the call answer with an error the caller may treat as "none".
pub async fn configurations(
    s3: &Client,
    endpoint: &str,
    bucket: &str,
) -> Result<Vec<InventoryConfig>, InventoryError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let r = s3
            .list_bucket_inventory_configurations()
            .bucket(bucket)
            .set_continuation_token(token.clone())
            .send()
            .await
            .map_err(|e| {
                S3Error::classify(&e, endpoint, "ListBucketInventoryConfigurations", bucket)
            })?;
        for c in r.inventory_configuration_list() {
            let Some(d) = c.destination().and_then(|d| d.s3_bucket_destination()) else {
                continue;
            };
            let dest = d
                .bucket()
                .strip_prefix("arn:aws:s3:::")
                .unwrap_or(d.bucket());
            let mut prefix = d.prefix().unwrap_or("").trim_end_matches('/').to_string();
            if !prefix.is_empty() {
                prefix.push('/');
            }
            out.push(InventoryConfig {
                id: c.id().to_string(),
                enabled: c.is_enabled(),
                root: ConfigRoot::new(dest, &format!("{prefix}{bucket}/{}/", c.id())),
                format: d.format().as_str().to_string(),
                versions: c.included_object_versions().as_str() == "All",
                filter_prefix: c
                    .filter()
                    .map(|f| f.prefix().to_string())
                    .unwrap_or_default(),
            });
        }
        token = r.next_continuation_token().map(str::to_string);
        if r.is_truncated() != Some(true) || token.is_none() {
            return Ok(out);
        }
    }
}

/// The configuration to read for `prefix` of `bucket`: enabled, its filter covering the
/// prefix, CSV or Parquet before ORC, with versions before without.
pub fn pick<'a>(configs: &'a [InventoryConfig], prefix: &str) -> Option<&'a InventoryConfig> {
    configs
        .iter()
        .filter(|c| c.enabled && prefix.starts_with(&c.filter_prefix))
        .min_by_key(|c| {
            (
                c.format.eq_ignore_ascii_case("orc"),
                !c.versions,
                c.id.clone(),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dated_folders_are_recognised() {
        assert!(is_dated_folder("2016-11-06T21-32Z/"));
        assert!(is_dated_folder("2016-11-06T21-32Z"));
        assert!(!is_dated_folder("data/"));
        assert!(!is_dated_folder("hive/"));
        assert!(!is_dated_folder("2016-11-06T21:32Z/"));
    }

    #[test]
    fn pick_prefers_enabled_covering_versioned() {
        let c = |id: &str, enabled, format: &str, versions, filter: &str| InventoryConfig {
            id: id.into(),
            enabled,
            root: ConfigRoot::new("d", ""),
            format: format.into(),
            versions,
            filter_prefix: filter.into(),
        };
        let all = [
            c("a", false, "CSV", true, ""),
            c("b", true, "ORC", true, ""),
            c("c", true, "Parquet", false, ""),
            c("d", true, "CSV", true, "logs/"),
            c("e", true, "CSV", true, ""),
        ];
        assert_eq!(pick(&all, "x/").unwrap().id, "e");
        assert_eq!(pick(&all[..3], "x/").unwrap().id, "c");
        assert!(pick(&all[..1], "").is_none());
    }
}
