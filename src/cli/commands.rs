//! Small headless commands: bucket list, config check, print-policy.

use super::CliError;
use super::args::{BucketsArgs, BucketsFormat, Format, HeadArgs, PolicyArgs, SortKey, Unit};
use super::output::{Table, write_json};
use s3scope_core::config::{Config, Profile, S3Settings};
use s3scope_core::policy::{self, Feature, Scope};
use s3scope_core::prices::{Cost, Prices, format_usd, round_usd};
use s3scope_core::s3::client::Clients;
use s3scope_core::s3::object::{head_bucket, head_object};
use s3scope_core::scan::buckets::{BucketRow, bucket_table};
use s3scope_core::scan::report::ordered_classes;
use std::collections::BTreeMap;
use std::io::Write;

pub async fn buckets(
    clients: &Clients,
    a: &BucketsArgs,
    concurrency: usize,
    prices: Option<&Prices>,
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
        SortKey::Cost => {
            let key = |r: &BucketRow| row_cost(r, prices).map_or(-1.0, |c| c.monthly_usd);
            rows.sort_by(|x, y| key(y).total_cmp(&key(x)));
        }
        SortKey::Objects => rows.sort_by_key(|r| std::cmp::Reverse(r.objects)),
        SortKey::Name => rows.sort_by(|x, y| x.bucket.cmp(&y.bucket)),
        SortKey::Created => rows.sort_by_key(|r| r.created),
    }
    let mut out = std::io::stdout().lock();
    match a.format {
        BucketsFormat::Json => {
            let mut totals = totals(&rows);
            totals["cost"] = serde_json::to_value(total_cost(&rows, prices))
                .map_err(|e| CliError::Runtime(e.to_string()))?;
            totals["prices"] = prices.map_or(serde_json::Value::Null, |p| p.origin.into());
            let mut json_rows = Vec::with_capacity(rows.len());
            for r in &rows {
                let mut v =
                    serde_json::to_value(r).map_err(|e| CliError::Runtime(e.to_string()))?;
                v["cost"] = serde_json::to_value(row_cost(r, prices))
                    .map_err(|e| CliError::Runtime(e.to_string()))?;
                json_rows.push(v);
            }
            write_json(
                &serde_json::json!({ "buckets": json_rows, "totals": totals }),
                &mut out,
            )?;
        }
        BucketsFormat::Analyser => {
            let unit = if a.unit == Unit::Auto {
                Unit::Mb
            } else {
                a.unit
            };
            super::analyser::table(&rows, unit).write(Format::Table, &mut out)?;
        }
        f => {
            let mut t = bucket_rows_table(&rows, a.unit, f.common());
            if let Some(p) = prices {
                add_cost_column(&mut t, &rows, p, f.common());
            }
            t.write(f.common(), &mut out)?;
        }
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

/// The monthly cost of a row: its classes, and its incomplete uploads when the source knows
/// them; None without prices or numbers.
pub(super) fn row_cost(r: &BucketRow, prices: Option<&Prices>) -> Option<Cost> {
    let p = prices?;
    r.bytes?;
    Some(p.cost(
        r.storage_classes.iter().map(|(c, t)| (c.as_str(), t.bytes)),
        None,
        r.multipart_bytes,
    ))
}

/// The sum of the rows' costs (None without prices).
fn total_cost(rows: &[BucketRow], prices: Option<&Prices>) -> Option<Cost> {
    prices?;
    let mut sum = Cost::default();
    for c in rows.iter().filter_map(|r| row_cost(r, prices)) {
        sum.monthly_usd += c.monthly_usd;
        for (class, v) in c.storage_classes {
            *sum.storage_classes.entry(class).or_default() += v;
        }
        if let Some(u) = c.incomplete_uploads {
            *sum.incomplete_uploads.get_or_insert(0.0) += u;
        }
    }
    sum.monthly_usd = round_usd(sum.monthly_usd);
    for v in sum.storage_classes.values_mut() {
        *v = round_usd(*v);
    }
    sum.incomplete_uploads = sum.incomplete_uploads.map(round_usd);
    Some(sum)
}

/// Inserts `Cost/mo` after the bytes column (and in the totals row of a table).
fn add_cost_column(t: &mut Table, rows: &[BucketRow], prices: &Prices, format: Format) {
    const AT: usize = 4;
    let text = |c: Option<Cost>| match c {
        Some(c) if format == Format::Table => format_usd(c.monthly_usd),
        Some(c) => c.monthly_usd.to_string(),
        None => "-".into(),
    };
    t.headers.insert(AT, "Cost/mo".into());
    t.right.insert(AT, true);
    for (i, cells) in t.rows.iter_mut().enumerate() {
        let cost = match rows.get(i) {
            Some(r) => text(row_cost(r, Some(prices))),
            None => text(total_cost(rows, Some(prices))),
        };
        if cells.len() >= AT {
            cells.insert(AT, cost);
        }
    }
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
    let classes = ordered_classes(
        rows.iter()
            .flat_map(|r| r.storage_classes.keys().map(String::as_str)),
    );
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
