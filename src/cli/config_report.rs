//! What `config check` adds to the profile: the proxy decision per endpoint and the config file's exposure.

use s3scope_core::config::{Config, Profile};
use s3scope_core::s3::proxy::{self, Route};
use serde::Serialize;
use url::Url;

/// How one endpoint the profile uses is reached.
#[derive(Debug, Serialize)]
pub struct ProxyRow {
    /// `s3`, `rgw_admin` or `cloudwatch`.
    pub service: &'static str,
    pub url: String,
    /// `direct` or `proxy`.
    pub route: &'static str,
    /// The proxy URL (never its password).
    pub proxy: Option<String>,
    /// The variable the proxy came from.
    pub proxy_from: Option<&'static str>,
    /// NO_PROXY as set (`NAME=VALUE`), if it is.
    pub no_proxy: Option<String>,
    /// The decision in words.
    pub decision: String,
}

/// The endpoints the profile talks to: S3, the RGW admin API when enabled, and CloudWatch
/// where it exists (AWS, or a custom endpoint named by `AWS_ENDPOINT_URL_CLOUDWATCH`).
pub fn endpoints(profile: &Profile) -> Vec<(&'static str, Url)> {
    let region = profile.region.as_deref().unwrap_or("us-east-1");
    let mut out = Vec::new();
    let aws = |host: String| Url::parse(&format!("https://{host}/")).ok();
    match &profile.endpoint {
        Some(ep) => {
            out.push(("s3", ep.clone()));
            if profile.rgw_admin
                && let Ok(admin) = ep.join("admin/")
            {
                out.push(("rgw_admin", admin));
            }
        }
        None => out.extend(aws(format!("s3.{region}.amazonaws.com")).map(|u| ("s3", u))),
    }
    let cw_env = ["AWS_ENDPOINT_URL_CLOUDWATCH", "AWS_ENDPOINT_URL"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .and_then(|s| Url::parse(s.trim()).ok());
    let custom_cw = std::env::var_os("AWS_ENDPOINT_URL_CLOUDWATCH").is_some();
    if profile.endpoint.is_none() || custom_cw {
        let cw = cw_env.or_else(|| aws(format!("monitoring.{region}.amazonaws.com")));
        out.extend(cw.map(|u| ("cloudwatch", u)));
    }
    out
}

/// The proxy decision for each endpoint of the profile, from the current environment.
pub fn proxy_rows(profile: &Profile) -> Vec<ProxyRow> {
    endpoints(profile)
        .into_iter()
        .map(|(service, url)| {
            let route = proxy::decide(&url);
            let no_proxy = ["NO_PROXY", "no_proxy"].iter().find_map(|v| {
                std::env::var(v)
                    .ok()
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| format!("{v}={s}"))
            });
            let (kind, proxy, from) = match &route {
                Route::Proxy(p) => ("proxy", Some(p.proxy.clone()), Some(p.var)),
                Route::Direct(_) => ("direct", None, None),
            };
            ProxyRow {
                service,
                url: url.to_string(),
                route: kind,
                proxy,
                proxy_from: from,
                no_proxy,
                decision: route.describe(),
            }
        })
        .collect()
}

/// `config_file_permissions` of `config check`: `ok`, or what is wrong and the chmod to run.
pub fn permissions(config: &Config) -> String {
    match (config.exposure(), &config.path) {
        (Some(e), Some(path)) => format!("WARNING: {}", e.warning(path)),
        (None, Some(_)) => "ok (no inline secrets readable by others)".into(),
        (None, None) | (Some(_), None) => "-".into(),
    }
}
