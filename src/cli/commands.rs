//! Small headless commands: bucket list, config check, print-policy.

use super::CliError;
use super::args::{BucketsArgs, Format, HeadArgs, PolicyArgs};
use super::output::{Table, write_json};
use crate::config::{Config, Profile};
use crate::policy::{self, Feature, Scope};
use crate::s3::buckets::{list_buckets, resolve_regions};
use crate::s3::client::Clients;
use crate::s3::object::{head_bucket, head_object};
use std::io::Write;

pub async fn buckets(clients: &Clients, a: &BucketsArgs) -> Result<(), CliError> {
    let mut list = list_buckets(clients).await?;
    if let Some(glob) = &a.filter {
        let m = globset::Glob::new(glob)
            .map_err(|e| CliError::Usage(format!("--filter `{glob}` is not a valid glob: {e}")))?
            .compile_matcher();
        list.retain(|b| m.is_match(&b.name));
    }
    let failures = resolve_regions(clients, &mut list).await;
    for (bucket, e) in &failures {
        tracing::warn!(bucket, error = %e, "region lookup failed");
    }
    let mut out = std::io::stdout().lock();
    if a.format == Format::Json {
        write_json(&serde_json::json!({ "buckets": list }), &mut out)?;
    } else {
        let mut t = Table::new(&["bucket", "region", "created"]);
        for b in &list {
            let failed = failures.iter().find(|(n, _)| n == &b.name);
            t.push(vec![
                b.name.clone(),
                match (&b.region, failed) {
                    (Some(r), _) => r.clone(),
                    (None, Some((_, e))) => format!("error: {e}"),
                    (None, None) => "-".into(),
                },
                b.created
                    .map_or_else(|| "-".into(), |d| d.format("%Y-%m-%d %H:%M:%S").to_string()),
            ]);
        }
        t.write(a.format, &mut out)?;
    }
    out.flush()?;
    Ok(())
}

pub fn config_check(config: &Config, profile: &Profile, format: Format) -> Result<(), CliError> {
    let source = config
        .path
        .as_ref()
        .map_or_else(|| "(no config file: defaults and environment)".to_string(), |p| p.display().to_string());
    let view = profile.view();
    let mut out = std::io::stdout().lock();
    if format == Format::Json {
        write_json(&serde_json::json!({"config_file": source, "profile": view}), &mut out)?;
        return Ok(());
    }
    let value = serde_json::to_value(&view).map_err(|e| CliError::Runtime(e.to_string()))?;
    let mut t = Table::new(&["key", "value"]);
    t.push(vec!["config_file".into(), source]);
    if let Some(map) = value.as_object() {
        for (k, v) in map {
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => "-".into(),
                other => other.to_string(),
            };
            t.push(vec![k.clone(), text]);
        }
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
                    t.push(vec![format!("{k}.{mk}"), mv.as_str().unwrap_or_default().to_string()]);
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
