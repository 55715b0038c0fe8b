//! Monthly cost from bytes per storage class and a price table (`[prices]`, per profile too).
//!
//! Prices are USD: storage per GB-month (GB = 2^30 bytes, as AWS bills), requests per 1,000.
//! The defaults are AWS us-east-1 list prices, estimates as of 2026-01 (first 50 TB tier for
//! STANDARD; the frequent-access tier for INTELLIGENT_TIERING; no monitoring fee, no minimum
//! durations, no retrieval fees). An S3-compatible profile (one with an endpoint) has no cost
//! unless `[prices]` or `[profiles.NAME.prices]` sets one: its unset prices are then zero.

use crate::config::ConfigFile;
use crate::settings::{Given, Layered, RawValue};

/// The date the default prices were read from AWS's published us-east-1 price list.
pub const DEFAULTS_AS_OF: &str = "2026-01";
/// Bytes in a billed GB (AWS bills GB-months of 2^30 bytes).
pub const GB: f64 = 1_073_741_824.0;

/// USD, finite and not negative (so it can be compared and summed safely).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Usd(pub f64);

// Checked finite by `usd`, so equality is reflexive.
impl Eq for Usd {}

impl RawValue for f64 {
    fn to_text(&self) -> String {
        self.to_string()
    }
}

fn usd(g: &Given) -> Result<Usd, String> {
    match g.text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(Usd(v)),
        _ => Err(g.bad("must be a price in USD, a number such as 0.023 (0 or more)")),
    }
}

crate::settings! {
    /// `[prices]` (and `[profiles.NAME.prices]`, which wins): USD per GB-month of each storage
    /// class and per 1,000 requests, for the Cost/mo column of `buckets`, `du` and the TUI.
    /// Defaults: AWS us-east-1 list prices, estimates as of 2026-01 (GB = 2^30 bytes; STANDARD's
    /// first-50-TB tier, flat). Profiles with an endpoint show no cost unless a price is set here.
    file PricesSection, layer PricesLayer, values PriceValues;
    table "prices", style Assignment;
    /// STANDARD, USD per GB-month; also the price of classes this table does not name.
    standard: Option<f64> => Usd, check usd, default "0.023" => Usd(0.023);
        { example: "0.023" }
    /// INTELLIGENT_TIERING (frequent access tier), USD per GB-month.
    intelligent_tiering: Option<f64> => Usd, check usd, default "0.023" => Usd(0.023);
        { example: "0.023" }
    /// STANDARD_IA, USD per GB-month.
    standard_ia: Option<f64> => Usd, check usd, default "0.0125" => Usd(0.0125);
        { example: "0.0125" }
    /// ONEZONE_IA, USD per GB-month.
    onezone_ia: Option<f64> => Usd, check usd, default "0.01" => Usd(0.01);
        { example: "0.01" }
    /// GLACIER_IR (Glacier Instant Retrieval), USD per GB-month.
    glacier_ir: Option<f64> => Usd, check usd, default "0.004" => Usd(0.004);
        { example: "0.004" }
    /// GLACIER (Glacier Flexible Retrieval), USD per GB-month.
    glacier: Option<f64> => Usd, check usd, default "0.0036" => Usd(0.0036);
        { example: "0.0036" }
    /// DEEP_ARCHIVE, USD per GB-month.
    deep_archive: Option<f64> => Usd, check usd, default "0.00099" => Usd(0.00099);
        { example: "0.00099" }
    /// LIST requests, USD per 1,000 (what a scan costs).
    list: Option<f64> => Usd, check usd, default "0.005" => Usd(0.005);
        { example: "0.005" }
    /// PUT requests, USD per 1,000.
    put: Option<f64> => Usd, check usd, default "0.005" => Usd(0.005);
        { example: "0.005" }
    /// COPY requests, USD per 1,000 (segregate moves objects by copy).
    copy: Option<f64> => Usd, check usd, default "0.005" => Usd(0.005);
        { example: "0.005" }
    /// GET and HEAD requests, USD per 1,000.
    get: Option<f64> => Usd, check usd, default "0.0004" => Usd(0.0004);
        { example: "0.0004" }
}

/// The prices a profile is charged, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prices {
    pub values: PriceValues,
    /// Where they come from, for the docs and `--format json`: "defaults (AWS us-east-1,
    /// estimates as of 2026-01)" or "config".
    pub origin: &'static str,
}

impl Prices {
    /// The AWS us-east-1 defaults.
    pub fn aws_defaults() -> Self {
        Self {
            values: PricesLayer::default().fill(),
            origin: "AWS us-east-1 list prices (estimates as of 2026-01)",
        }
    }

    /// The prices of `profile`: `[profiles.NAME.prices]` over `[prices]` over the AWS defaults.
    /// `s3_compatible` (the profile has an endpoint): None unless one of those tables sets a
    /// price; the prices it does not set are then zero.
    pub fn for_profile(
        file: &ConfigFile,
        profile: &str,
        s3_compatible: bool,
    ) -> Result<Option<Self>, String> {
        let mut tables = Vec::new();
        if let Some(p) = file.profiles.get(profile).and_then(|p| p.prices.as_ref()) {
            tables.push((format!("profiles.{profile}.prices"), p));
        }
        tables.push(("prices".to_string(), &file.prices));
        let layer = PricesLayer::layered(&crate::settings::FlagValues::new(), &tables)?;
        let nothing_set = layer == PricesLayer::default();
        if !s3_compatible {
            return Ok(Some(Self {
                values: layer.fill(),
                origin: if nothing_set {
                    "AWS us-east-1 list prices (estimates as of 2026-01)"
                } else {
                    "config ([prices]), AWS us-east-1 estimates for the rest"
                },
            }));
        }
        if nothing_set {
            return Ok(None);
        }
        let zero = PricesLayer {
            standard: Some(Usd(0.0)),
            intelligent_tiering: Some(Usd(0.0)),
            standard_ia: Some(Usd(0.0)),
            onezone_ia: Some(Usd(0.0)),
            glacier_ir: Some(Usd(0.0)),
            glacier: Some(Usd(0.0)),
            deep_archive: Some(Usd(0.0)),
            list: Some(Usd(0.0)),
            put: Some(Usd(0.0)),
            copy: Some(Usd(0.0)),
            get: Some(Usd(0.0)),
        };
        Ok(Some(Self {
            values: zero.overlay(layer).fill(),
            origin: "config ([prices]; unset prices are 0)",
        }))
    }

    /// USD per GB-month of a storage class (an unnamed class: STANDARD's price).
    pub fn per_gb_month(&self, class: &str) -> f64 {
        let v = &self.values;
        match class {
            "INTELLIGENT_TIERING" => v.intelligent_tiering.0,
            "STANDARD_IA" => v.standard_ia.0,
            "ONEZONE_IA" => v.onezone_ia.0,
            "GLACIER_IR" => v.glacier_ir.0,
            "GLACIER" => v.glacier.0,
            "DEEP_ARCHIVE" => v.deep_archive.0,
            _ => v.standard.0,
        }
    }

    /// USD per month of `bytes` stored in `class`.
    pub fn monthly(&self, class: &str, bytes: u64) -> f64 {
        bytes as f64 / GB * self.per_gb_month(class)
    }

    /// USD per month of bytes per class.
    pub fn monthly_all<'a>(&self, classes: impl IntoIterator<Item = (&'a str, u64)>) -> f64 {
        classes.into_iter().map(|(c, b)| self.monthly(c, b)).sum()
    }

    /// USD of `calls` LIST requests (the cost of a scan).
    pub fn list_cost(&self, calls: u64) -> f64 {
        calls as f64 / 1000.0 * self.values.list.0
    }
}

/// What a bucket, prefix or total costs per month, in USD, by where the bytes are.
#[derive(Debug, Clone, Default, serde::Serialize, PartialEq)]
pub struct Cost {
    /// Everything below, summed.
    pub monthly_usd: f64,
    /// Current objects, per storage class.
    pub storage_classes: std::collections::BTreeMap<String, f64>,
    /// Noncurrent versions (priced at STANDARD: the listing does not say their class).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub noncurrent_versions: Option<f64>,
    /// Parts of incomplete multipart uploads (billed at STANDARD until aborted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incomplete_uploads: Option<f64>,
}

impl Prices {
    /// The monthly cost of bytes per class plus, when known, noncurrent and upload bytes.
    pub fn cost<'a>(
        &self,
        classes: impl IntoIterator<Item = (&'a str, u64)>,
        noncurrent_bytes: Option<u64>,
        upload_bytes: Option<u64>,
    ) -> Cost {
        let storage_classes: std::collections::BTreeMap<String, f64> = classes
            .into_iter()
            .map(|(c, b)| (c.to_string(), round_usd(self.monthly(c, b))))
            .collect();
        let noncurrent = noncurrent_bytes.map(|b| round_usd(self.monthly("STANDARD", b)));
        let uploads = upload_bytes.map(|b| round_usd(self.monthly("STANDARD", b)));
        let total = storage_classes.values().sum::<f64>()
            + noncurrent.unwrap_or(0.0)
            + uploads.unwrap_or(0.0);
        Cost {
            monthly_usd: round_usd(total),
            storage_classes,
            noncurrent_versions: noncurrent,
            incomplete_uploads: uploads,
        }
    }
}

/// A cost as the tables show it: `$1,234.57`, `$0.0012` below a cent, `$0` for nothing.
pub fn format_usd(v: f64) -> String {
    if v == 0.0 {
        return "$0".into();
    }
    if v < 0.01 {
        return format!("${v:.4}");
    }
    let cents = (v * 100.0).round() as u64;
    let (whole, frac) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("${grouped}.{frac:02}")
}

/// A cost rounded for JSON: to 1/10,000 of a dollar, so that sums read cleanly.
pub fn round_usd(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests;
