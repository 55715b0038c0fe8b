//! Price arithmetic against hand-computed values.

use super::*;
use crate::config::ProfileFile;

const GIB: u64 = 1 << 30;

#[test]
fn defaults_check() {
    PricesLayer::check_defaults().unwrap();
}

#[test]
fn hand_computed_monthly_costs() {
    let p = Prices::aws_defaults();
    // 1 GiB STANDARD: exactly the GB-month price.
    assert_eq!(p.monthly("STANDARD", GIB), 0.023);
    // 100 GiB STANDARD_IA = 100 * 0.0125 = 1.25.
    assert!((p.monthly("STANDARD_IA", 100 * GIB) - 1.25).abs() < 1e-12);
    // 1 TiB DEEP_ARCHIVE = 1024 * 0.00099 = 1.01376.
    assert!((p.monthly("DEEP_ARCHIVE", 1024 * GIB) - 1.01376).abs() < 1e-12);
    // Half a GiB GLACIER = 0.0018; an unnamed class costs STANDARD's price.
    assert!((p.monthly("GLACIER", GIB / 2) - 0.0018).abs() < 1e-12);
    assert_eq!(p.monthly("REDUCED_REDUNDANCY", GIB), 0.023);
    // A mix: 10 GiB STANDARD (0.23) + 10 GiB GLACIER_IR (0.04) + 2 GiB ONEZONE_IA (0.02) = 0.29.
    let mix = p.monthly_all([
        ("STANDARD", 10 * GIB),
        ("GLACIER_IR", 10 * GIB),
        ("ONEZONE_IA", 2 * GIB),
    ]);
    assert!((mix - 0.29).abs() < 1e-12, "{mix}");
    // 281 LIST calls at $0.005 per 1,000 = $0.001405.
    assert!((p.list_cost(281) - 0.001405).abs() < 1e-15);
    assert_eq!(p.list_cost(0), 0.0);
}

#[test]
fn money_reads_naturally() {
    assert_eq!(format_usd(0.0), "$0");
    assert_eq!(format_usd(0.001405), "$0.0014");
    assert_eq!(format_usd(0.29), "$0.29");
    assert_eq!(format_usd(1234.567), "$1,234.57");
    assert_eq!(format_usd(1_000_000.0), "$1,000,000.00");
    assert_eq!(round_usd(0.001_405_4), 0.0014);
}

#[test]
fn profile_prices_win_and_s3_compatible_needs_a_price() {
    let mut file = ConfigFile::default();
    // AWS with nothing set: the defaults.
    assert_eq!(
        Prices::for_profile(&file, "aws", false).unwrap(),
        Some(Prices::aws_defaults())
    );
    // S3-compatible with nothing set: no cost at all.
    assert_eq!(Prices::for_profile(&file, "ceph", true).unwrap(), None);
    file.prices.standard = Some(0.01);
    file.profiles.insert(
        "ceph".into(),
        ProfileFile {
            prices: Some(PricesSection {
                standard: Some(0.002),
                ..PricesSection::default()
            }),
            ..ProfileFile::default()
        },
    );
    let ceph = Prices::for_profile(&file, "ceph", true).unwrap().unwrap();
    assert_eq!(ceph.per_gb_month("STANDARD"), 0.002);
    // Unset on an S3-compatible store: zero, not AWS's price.
    assert_eq!(ceph.per_gb_month("GLACIER"), 0.0);
    assert_eq!(ceph.list_cost(1000), 0.0);
    let aws = Prices::for_profile(&file, "aws", false).unwrap().unwrap();
    assert_eq!(aws.per_gb_month("STANDARD"), 0.01);
    assert_eq!(aws.per_gb_month("GLACIER"), 0.0036);
}

#[test]
fn bad_price_is_one_line_naming_the_key() {
    let mut file = ConfigFile::default();
    file.prices.glacier = Some(-1.0);
    let e = Prices::for_profile(&file, "aws", false).unwrap_err();
    assert!(e.contains("[prices] glacier"), "{e}");
    assert!(e.contains("USD"), "{e}");
}

#[test]
fn cost_adds_hidden_bytes_at_standard() {
    let p = Prices::aws_defaults();
    // 10 GiB STANDARD = 0.23, 4 GiB DEEP_ARCHIVE = 0.00396, 1 GiB noncurrent = 0.023,
    // 2 GiB of upload parts = 0.046: 0.30296, rounded to 0.303.
    let c = p.cost(
        [("STANDARD", 10 * GIB), ("DEEP_ARCHIVE", 4 * GIB)],
        Some(GIB),
        Some(2 * GIB),
    );
    assert_eq!(c.storage_classes["STANDARD"], 0.23);
    assert_eq!(c.storage_classes["DEEP_ARCHIVE"], 0.004);
    assert_eq!(c.noncurrent_versions, Some(0.023));
    assert_eq!(c.incomplete_uploads, Some(0.046));
    assert_eq!(c.monthly_usd, 0.303);
}
