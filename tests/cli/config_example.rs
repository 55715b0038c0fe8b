//! Keeps config.example.toml in sync with the config structs: every key documented, none unknown.

use s3scope_core::config::{
    ConfigFile, LogSection, ProfileFile, S3Section, ScanSection, SegregateRuleFile,
    SegregateSection, ServeSection, UsageSection, parse,
};
use std::collections::{BTreeMap, BTreeSet};

/// Every field set, spelled out without `..Default::default()`: a new field fails to compile
/// here until it is added, and then fails the test until config.example.toml documents it.
fn every_field() -> ConfigFile {
    ConfigFile {
        default_profile: Some("p".into()),
        log: LogSection {
            file: Some("/x".into()),
            level: Some("info".into()),
        },
        scan: ScanSection {
            concurrency: Some(1),
        },
        s3: S3Section {
            max_attempts: Some(10),
            initial_backoff_ms: Some(200),
            max_backoff_ms: Some(20_000),
            attempt_timeout_secs: Some(120),
            connect_timeout_secs: Some(5),
            read_timeout_secs: Some(60),
            retry_mode: Some("adaptive".into()),
        },
        keymap: BTreeMap::from([("quit".to_string(), "q".to_string())]),
        profiles: BTreeMap::from([(
            "p".to_string(),
            ProfileFile {
                endpoint: Some("http://x".into()),
                region: Some("r".into()),
                path_style: Some(true),
                aws_profile: Some("a".into()),
                access_key_id: Some("k".into()),
                secret_access_key: Some("s".into()),
                access_key_id_env: Some("K".into()),
                secret_access_key_env: Some("S".into()),
                ca_bundle: Some("/ca".into()),
                read_only: Some(true),
                rgw_admin: Some(true),
                connect_timeout_secs: Some(1),
                read_timeout_secs: Some(1),
                max_attempts: Some(1),
                usage: Some(UsageSection {
                    source: Some("rgw".into()),
                    period: Some("1h".into()),
                    results_dir: Some("results".into()),
                    summary_file: Some("results/s.json".into()),
                    backup_dir: Some("backups".into()),
                    chunks_dir: Some("chunks".into()),
                    save_chunks: Some(true),
                    state_file: Some("state.json".into()),
                    trim: Some(true),
                    uid: Some("u".into()),
                    bucket: Some("b".into()),
                    log_bucket: Some("l".into()),
                    log_prefix: Some("logs/".into()),
                    log_lag_hours: Some(3),
                    keep_days: Some(62),
                    settle_secs: Some(60),
                }),
                prices: Some(every_price()),
            },
        )]),
        segregate: SegregateSection {
            rules: vec![SegregateRuleFile {
                name: "cdr".into(),
                bucket: "b".into(),
                source_prefix: "incoming/".into(),
                match_pattern: Some("(\\d{8})".into()),
                datetime_format: Some("%Y%m%d".into()),
                target: "segregated/%Y/%m/%d/".into(),
                error_prefix: "errors/".into(),
                time_delay: Some(86_400),
                page_size: Some(500),
                max_pages: Some(10),
                workers: Some(16),
                log_file: Some("/l".into()),
                min_age: Some(600),
                exclude: Some(".staging/**,*.part".into()),
                include: Some("*.ccn".into()),
                recursive: Some(true),
            }],
        },
        serve: ServeSection {
            listen: Some("127.0.0.1:9340".into()),
            allow_remote: Some(false),
            allow_query_token: Some(false),
            refresh: Some("15m".into()),
            token_file: Some("/t".into()),
            source: Some("auto".into()),
            filter: Some("*".into()),
            max_connections: Some(64),
            usage_summary: Some("/u".into()),
        },
        pipeline: s3scope_core::pipeline::settings::PipelineSection {
            profiles: Some(vec!["ceph".into(), "aws-prod".into()]),
            data_dir: Some("/d".into()),
        },
        prices: every_price(),
    }
}

fn every_price() -> s3scope_core::prices::PricesSection {
    s3scope_core::prices::PricesSection {
        standard: Some(0.023),
        intelligent_tiering: Some(0.023),
        standard_ia: Some(0.0125),
        onezone_ia: Some(0.01),
        glacier_ir: Some(0.004),
        glacier: Some(0.0036),
        deep_archive: Some(0.00099),
        list: Some(0.005),
        put: Some(0.005),
        copy: Some(0.005),
        get: Some(0.0004),
    }
}

/// Dotted key paths of a TOML value; names under `profiles` and `keymap` become `*`, and the
/// tables of an array (`[[segregate.rules]]`) share their array's path.
fn paths(v: &toml::Value, prefix: &str, out: &mut BTreeSet<String>) {
    if let toml::Value::Array(items) = v {
        for item in items {
            paths(item, prefix, out);
        }
    }
    if let toml::Value::Table(t) = v {
        for (k, child) in t {
            let name = if prefix == "profiles" || prefix == "keymap" {
                "*"
            } else {
                k
            };
            let p = if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}.{name}")
            };
            out.insert(p.clone());
            paths(child, &p, out);
        }
    }
}

#[test]
fn example_parses_and_documents_every_key() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml"))
        .unwrap();
    parse(&text).unwrap_or_else(|(line, msg)| panic!("config.example.toml line {line}: {msg}"));
    let mut documented = BTreeSet::new();
    let doc: toml::Table = toml::from_str(&text).unwrap();
    paths(&toml::Value::Table(doc), "", &mut documented);
    let mut fields = BTreeSet::new();
    paths(
        &toml::Value::try_from(every_field()).unwrap(),
        "",
        &mut fields,
    );
    let missing: Vec<_> = fields.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "config.example.toml does not document: {missing:?}"
    );
}

/// The declared sections and the table each is shown under in config.example.toml.
fn declared() -> Vec<(s3scope_core::settings::Section, &'static str)> {
    use s3scope_core::settings::Layered;
    vec![
        (s3scope_core::config::S3Layer::SECTION, "s3"),
        (s3scope_core::serve::ServeLayer::SECTION, "serve"),
        (
            s3scope_core::pipeline::settings::PipelineLayer::SECTION,
            "pipeline",
        ),
        (s3scope_core::prices::PricesLayer::SECTION, "prices"),
        (
            s3scope_core::usage::UsageOptions::SECTION,
            "profiles.ceph.usage",
        ),
        (
            s3scope_core::segregate::RuleLayer::SECTION,
            "[segregate.rules]",
        ),
    ]
}

/// The block of `table` in `text`: from its `[table]` line to the first empty line.
fn block(text: &str, table: &str) -> Option<std::ops::Range<usize>> {
    let header = format!("\n[{table}]\n");
    let start = text.find(&header)? + 1;
    let end = text[start..]
        .find("\n\n")
        .map_or(text.len(), |e| start + e + 1);
    Some(start..end)
}

/// Each declared section's block in config.example.toml is exactly what its declarations
/// render (doc lines, default, key, example value). `S3SCOPE_BLESS=1` rewrites the blocks.
#[test]
fn example_blocks_are_generated_from_the_declarations() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml");
    let mut text = std::fs::read_to_string(path).unwrap();
    let bless = std::env::var_os("S3SCOPE_BLESS").is_some();
    let mut stale = Vec::new();
    for (section, table) in declared() {
        let want = section.example(table);
        let range =
            block(&text, table).unwrap_or_else(|| panic!("config.example.toml has no [{table}]"));
        if text[range.clone()] != want {
            stale.push(format!("[{table}] should read:\n{want}"));
            text.replace_range(range, &want);
        }
    }
    if bless {
        std::fs::write(path, &text).unwrap();
    } else {
        assert!(
            stale.is_empty(),
            "config.example.toml is out of date (S3SCOPE_BLESS=1 rewrites it):\n{}",
            stale.join("\n")
        );
    }
}
