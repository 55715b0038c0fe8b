//! Small headless commands: bucket list, config check, print-policy.

use super::CliError;
use super::args::{BucketsArgs, Format, HeadArgs, PolicyArgs, SortKey, Unit};
use super::output::{Table, write_json};
use s3scope_core::config::{Config, Profile, S3Settings};
use s3scope_core::policy::{self, Feature, Scope};
use s3scope_core::s3::client::Clients;
use s3scope_core::s3::object::{head_bucket, head_object};
use s3scope_core::scan::buckets::{BucketRow, bucket_table};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

pub async fn buckets(
    clients: &Clients,
    a: &BucketsArgs,
    concurrency: usize,
) -> Result<(), CliError> {
    let matcher = match &a.filter {
        Some(glob) => Some(
            globset::Glob::new(glob)
                .map_err(|e| {
                    CliError::Usage(format!("--filter `{glob}` is not a valid glob: {e}"))
                })?
                .compile_matcher(),
        ),
        None => None,
    };
    let keep = |name: &str| matcher.as_ref().is_none_or(|m| m.is_match(name));
    let mut rows = bucket_table(clients, a.source, &keep, concurrency).await?;
    match a.sort {
        SortKey::Bytes => rows.sort_by_key(|r| std::cmp::Reverse(r.bytes)),
        SortKey::Objects => rows.sort_by_key(|r| std::cmp::Reverse(r.objects)),
        SortKey::Name => rows.sort_by(|x, y| x.bucket.cmp(&y.bucket)),
        SortKey::Created => rows.sort_by_key(|r| r.created),
    }
    let mut out = std::io::stdout().lock();
    if a.format == Format::Json {
        let totals = totals(&rows);
        write_json(
            &serde_json::json!({ "buckets": rows, "totals": totals }),
            &mut out,
        )?;
    } else {
        bucket_rows_table(&rows, a.unit, a.format).write(a.format, &mut out)?;
    }
    out.flush()?;
    let failed: Vec<&str> = rows
        .iter()
        .filter(|r| r.error.is_some())
        .map(|r| r.bucket.as_str())
        .collect();
    if a.strict && !failed.is_empty() {
        let names = s3scope_core::text::escape_control(&failed.join(", ")).into_owned();
        return Err(CliError::Runtime(format!(
            "{} of {} buckets could not be read ({names}); their rows say why",
            failed.len(),
            rows.len()
        )));
    }
    Ok(())
}

/// Sums of the rows that have numbers.
pub(super) fn totals(rows: &[BucketRow]) -> serde_json::Value {
    let objects: u64 = rows.iter().filter_map(|r| r.objects).sum();
    let bytes: u64 = rows.iter().filter_map(|r| r.bytes).sum();
    let mut classes: BTreeMap<&str, u64> = BTreeMap::new();
    for r in rows {
        for (c, t) in &r.storage_classes {
            *classes.entry(c).or_default() += t.bytes;
        }
    }
    serde_json::json!({"buckets": rows.len(), "objects": objects, "bytes": bytes, "storage_classes": classes})
}

/// The table of `s3scope buckets` (also served by `serve` as csv/tsv): one column per class present.
pub fn bucket_rows_table(rows: &[BucketRow], unit: Unit, format: Format) -> Table {
    let classes: BTreeSet<&str> = rows
        .iter()
        .flat_map(|r| r.storage_classes.keys().map(String::as_str))
        .collect();
    let mut headers: Vec<String> = ["bucket", "region", "objects", "bytes"]
        .map(String::from)
        .to_vec();
    headers.extend(classes.iter().map(|c| c.to_string()));
    headers.extend(["multipart", "created", "source", "as_of", "error"].map(String::from));
    let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let right: Vec<usize> = (2..4 + classes.len() + 1).collect();
    let mut t = Table::new(&refs).align_right(&right);
    let unit = if format == Format::Table {
        unit
    } else if unit == Unit::Auto {
        Unit::B
    } else {
        unit
    };
    let num = |v: Option<u64>| v.map_or_else(|| "-".to_string(), |n| n.to_string());
    let size = |v: Option<u64>| v.map_or_else(|| "-".to_string(), |n| unit.format(n));
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(
            || "-".to_string(),
            |d| d.format("%Y-%m-%d %H:%M").to_string(),
        )
    };
    for r in rows {
        let mut cells = vec![
            r.bucket.clone(),
            r.region.clone().unwrap_or_else(|| "-".into()),
            num(r.objects),
            size(r.bytes),
        ];
        cells.extend(
            classes
                .iter()
                .map(|c| size(r.storage_classes.get(*c).map(|t| t.bytes))),
        );
        cells.push(size(r.multipart_bytes));
        cells.push(time(r.created));
        cells.push(format!("{:?}", r.source).to_lowercase());
        cells.push(time(r.as_of));
        cells.push(r.error.clone().unwrap_or_default());
        t.push(cells);
    }
    if format == Format::Table && rows.len() > 1 {
        let objects: u64 = rows.iter().filter_map(|r| r.objects).sum();
        let bytes: u64 = rows.iter().filter_map(|r| r.bytes).sum();
        let mut cells = vec![
            format!("TOTAL ({} buckets)", rows.len()),
            String::new(),
            objects.to_string(),
            unit.format(bytes),
        ];
        cells.extend(classes.iter().map(|c| {
            unit.format(
                rows.iter()
                    .filter_map(|r| r.storage_classes.get(*c))
                    .map(|t| t.bytes)
                    .sum(),
            )
        }));
        let mp: Option<u64> = rows.iter().map(|r| r.multipart_bytes).sum();
        cells.push(size(mp));
        t.push(cells);
    }
    t
}

pub fn config_check(
    config: &Config,
    profile: &Profile,
    settings: &S3Settings,
    format: Format,
) -> Result<(), CliError> {
    let source = config.path.as_ref().map_or_else(
        || "(no config file: defaults and environment)".to_string(),
        |p| p.display().to_string(),
    );
    let view = profile.view();
    let proxies = super::config_report::proxy_rows(profile);
    let permissions = super::config_report::permissions(config);
    let mut out = std::io::stdout().lock();
    if format == Format::Json {
        write_json(
            &serde_json::json!({"config_file": source, "config_file_permissions": permissions,
                "profile": view, "s3": settings, "proxies": proxies}),
            &mut out,
        )?;
        return Ok(());
    }
    let value = serde_json::to_value(&view).map_err(|e| CliError::Runtime(e.to_string()))?;
    let s3 = serde_json::to_value(settings).map_err(|e| CliError::Runtime(e.to_string()))?;
    let mut t = Table::new(&["key", "value"]);
    t.push(vec!["config_file".into(), source]);
    t.push(vec!["config_file_permissions".into(), permissions]);
    let profile_keys = value.as_object().into_iter().flatten();
    // The profile's own timeouts and attempts are the [s3] settings' (it overrides them).
    let s3_keys = s3
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| value.get(k.as_str()).is_none());
    {
        for (k, v) in profile_keys.chain(s3_keys) {
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => "-".into(),
                other => other.to_string(),
            };
            t.push(vec![k.clone(), text]);
        }
    }
    for p in &proxies {
        t.push(vec![
            format!("proxy.{}", p.service),
            format!("{} {}", p.url, p.decision),
        ]);
    }
    t.write(format, &mut out)?;
    writeln!(out, "ok: profile `{}` is valid", profile.name)?;
    Ok(())
}

pub fn print_policy(a: &PolicyArgs) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    if a.ceph {
        write!(out, "{}", policy::ceph_caps(&a.uid))?;
        return Ok(());
    }
    let features: Vec<Feature> = if a.feature.is_empty() {
        Feature::ALL.to_vec()
    } else {
        a.feature.clone()
    };
    let d = Scope::default();
    let scope = Scope {
        bucket: a.bucket.clone().unwrap_or(d.bucket),
        log_bucket: a.log_bucket.clone().unwrap_or(d.log_bucket),
        data_bucket: a.data_bucket.clone().unwrap_or(d.data_bucket),
    };
    write_json(&policy::iam_policy(&features, &scope), &mut out)?;
    Ok(())
}

pub async fn head(clients: &Clients, a: &HeadArgs) -> Result<(), CliError> {
    let value = if a.location.key.is_empty() {
        serde_json::to_value(head_bucket(clients, &a.location.bucket).await?)
    } else {
        serde_json::to_value(head_object(clients, &a.location).await?)
    }
    .map_err(|e| CliError::Runtime(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    if a.format == Format::Json {
        write_json(&value, &mut out)?;
        return Ok(());
    }
    let mut t = Table::new(&["field", "value"]);
    for (k, v) in value.as_object().into_iter().flatten() {
        match v {
            serde_json::Value::Object(m) => {
                for (mk, mv) in m {
                    t.push(vec![
                        format!("{k}.{mk}"),
                        mv.as_str().unwrap_or_default().to_string(),
                    ]);
                }
            }
            serde_json::Value::String(s) => t.push(vec![k.clone(), s.clone()]),
            serde_json::Value::Null => t.push(vec![k.clone(), "-".into()]),
            other => t.push(vec![k.clone(), other.to_string()]),
        }
    }
    t.write(a.format, &mut out)?;
    Ok(())
}
