//! `du --source inventory` against the embedded server, with reports generated from a real
//! listing of it: the tree equals the listing's class by class (CSV.gz and Parquet, versions
//! feeding the hidden costs), damaged reports are one-line errors naming the file, an unknown
//! column is skipped, and a report older than the bucket's newest objects says so.

use crate::support::inventory as inventory_support;

use bytes::Bytes;
use chrono::{Duration, TimeZone, Utc};
use inventory_support::{s3scope, store_report, tree_of};
use s3scope_core::config::{Credentials, Profile, Secret};
use s3scope_core::s3::client::Clients;
use s3scope_core::scan::inventory::manifest::FileFormat;
use s3scope_store::store::{EmbeddedServer, ServerOptions};
use s3scope_store::{PutOptions, StorageClass};
use std::str::FromStr;

const AK: &str = "INVAK";
const SK: &str = "inventory-secret";
const ENV: &[(&str, &str)] = &[("AWS_ACCESS_KEY_ID", AK), ("AWS_SECRET_ACCESS_KEY", SK)];

struct World {
    _dir: tempfile::TempDir,
    server: EmbeddedServer,
    s3: aws_sdk_s3::Client,
    rt: tokio::runtime::Runtime,
    home: tempfile::TempDir,
}

impl World {
    fn new() -> Self {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let server = rt
            .block_on(EmbeddedServer::start(ServerOptions {
                dir: dir.path().join("store"),
                port: 0,
                access_key: AK.into(),
                secret_key: SK.into(),
                region: "us-east-1".into(),
            }))
            .unwrap();
        let clients = rt
            .block_on(Clients::new(&Profile {
                name: "test".into(),
                endpoint: Some(url::Url::parse(&server.endpoint).unwrap()),
                region: Some("us-east-1".into()),
                path_style: true,
                aws_profile: None,
                credentials: Credentials::Static {
                    access_key_id: AK.into(),
                    secret_access_key: Secret::new(SK),
                    origin: "test".into(),
                },
                ca_bundle: None,
                read_only: false,
                rgw_admin: false,
                connect_timeout: std::time::Duration::from_secs(2),
                read_timeout: std::time::Duration::from_secs(30),
                max_attempts: 2,
            }))
            .unwrap();
        let s3 = clients.s3();
        Self {
            _dir: dir,
            server,
            s3,
            rt,
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn put(&self, bucket: &str, key: &str, size: usize, class: &str, days_ago: i64) {
        self.server
            .store()
            .put_object(
                bucket,
                key,
                Bytes::from(vec![b'x'; size]),
                PutOptions {
                    storage_class: StorageClass::from_str(class).unwrap(),
                    last_modified: Some(Utc::now() - Duration::days(days_ago)),
                    ..PutOptions::default()
                },
            )
            .unwrap();
    }

    /// A bucket with nested prefixes, several classes and awkward keys.
    fn seed(&self, bucket: &str) {
        let store = self.server.store();
        store.create_bucket(bucket).unwrap();
        let classes = [
            "STANDARD",
            "STANDARD_IA",
            "GLACIER",
            "INTELLIGENT_TIERING",
            "DEEP_ARCHIVE",
        ];
        for i in 0..40 {
            let key = format!("logs/{}/part-{i}.gz", 2020 + i % 3);
            self.put(bucket, &key, 100 + i * 7, classes[i % 5], 10 + i as i64);
        }
        for (i, key) in [
            "a b/c+d%e.txt",
            "ключ/ü.bin",
            "top-level",
            "deep/1/2/3/4/leaf",
            "x//empty-segment",
            "plus+/sp ace",
        ]
        .iter()
        .enumerate()
        {
            self.put(bucket, key, 1000 * (i + 1), classes[i % 5], 3);
        }
    }

    fn du(&self, args: &[&str]) -> inventory_support::Run {
        let ep = self.server.endpoint.clone();
        let mut all = vec!["--endpoint", ep.as_str(), "du"];
        all.extend_from_slice(args);
        s3scope(self.home.path(), ENV, &all)
    }
}

#[test]
fn inventory_tree_equals_the_scan_tree_class_by_class() {
    let w = World::new();
    w.seed("src");
    w.server.store().create_bucket("dest").unwrap();
    let created = Utc::now();
    let (csv_root, _) = w.rt.block_on(store_report(
        &w.s3,
        "src",
        "dest",
        "csv-daily",
        FileFormat::Csv,
        false,
        created,
        |s| {
            s.extra_column = true; // an unknown column is skipped
        },
    ));
    let (pq_root, _) = w.rt.block_on(store_report(
        &w.s3,
        "src",
        "dest",
        "pq-daily",
        FileFormat::Parquet,
        false,
        created,
        |s| {
            s.extra_column = true;
            s.destination_prefix = "inv/".into();
        },
    ));
    assert!(
        pq_root.starts_with("s3://dest/inv/src/pq-daily/"),
        "{pq_root}"
    );
    for location in ["s3://src", "s3://src/logs/", "s3://src/x/"] {
        let scan = w.du(&[location, "--format", "json", "--depth", "9"]).json();
        for root in [&csv_root, &pq_root] {
            let run = w.du(&[
                location,
                "--source",
                "inventory",
                "--inventory",
                root,
                "--format",
                "json",
                "--depth",
                "9",
            ]);
            let inv = run.json();
            assert_eq!(tree_of(&inv), tree_of(&scan), "{location} from {root}");
            assert_eq!(inv["list_calls"], 0);
            assert!(run.stderr.contains("inventory as of"), "{}", run.stderr);
            assert!(
                inv["inventory"]["manifest"]
                    .as_str()
                    .unwrap()
                    .ends_with("manifest.json")
            );
            assert!(inv["inventory"]["data_files"].as_u64().unwrap() >= 2);
            assert_eq!(
                inv["inventory"]["warnings"],
                serde_json::json!([]),
                "{}",
                run.stderr
            );
        }
    }
    // Without --inventory: the configuration found with ListBucketInventoryConfigurations.
    w.rt.block_on(put_configuration(&w.s3, "src", "dest", "inv", "pq-daily"));
    let run = w.du(&[
        "s3://src",
        "--source",
        "inventory",
        "--format",
        "json",
        "--depth",
        "9",
    ]);
    let inv = run.json();
    assert!(
        inv["inventory"]["manifest"]
            .as_str()
            .unwrap()
            .starts_with("s3://dest/inv/src/pq-daily/"),
        "{}",
        inv["inventory"]
    );
    let scan = w
        .du(&["s3://src", "--format", "json", "--depth", "9"])
        .json();
    assert_eq!(tree_of(&inv), tree_of(&scan));
    // The table says where the numbers come from, where a scan's says nothing.
    let table = w.du(&[
        "s3://src",
        "--source",
        "inventory",
        "--inventory",
        &csv_root,
    ]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(
        table.stdout.contains("TOTAL s3://src/ (inventory as of "),
        "{}",
        table.stdout
    );
}

#[test]
fn versions_in_the_report_feed_the_hidden_costs() {
    let w = World::new();
    let store = w.server.store();
    store.create_bucket("ver").unwrap();
    store.set_versioning("ver", true).unwrap();
    w.put("ver", "cfg/a.yaml", 100, "STANDARD", 30);
    w.put("ver", "cfg/a.yaml", 150, "STANDARD", 20);
    w.put("ver", "cfg/a.yaml", 170, "STANDARD", 10);
    w.put("ver", "cfg/b.yaml", 50, "STANDARD", 10);
    store.delete_object("ver", "cfg/b.yaml").unwrap();
    w.put("ver", "keep", 9, "GLACIER", 1);
    store.create_bucket("dest").unwrap();
    for format in [FileFormat::Csv, FileFormat::Parquet] {
        let (root, _) = w.rt.block_on(store_report(
            &w.s3,
            "ver",
            "dest",
            format.as_str(),
            format,
            true,
            Utc::now(),
            |_| {},
        ));
        let scan = w.du(&["s3://ver", "--versions", "--format", "json"]).json();
        let inv = w
            .du(&[
                "s3://ver",
                "--source",
                "inventory",
                "--inventory",
                &root,
                "--format",
                "json",
            ])
            .json();
        assert_eq!(tree_of(&inv), tree_of(&scan), "{root}");
        assert_eq!(inv["hidden"]["noncurrent_versions"], 3, "{inv:#}");
        assert_eq!(inv["hidden"]["delete_markers"], 1, "{inv:#}");
        assert_eq!(inv["objects"], 2);
    }
}

/// Rewrites the manifest of a stored report (and its checksum) with `edit`.
fn edit_manifest(w: &World, key: &str, edit: impl FnOnce(&mut serde_json::Value)) {
    let store = w.server.store();
    let body =
        w.rt.block_on(async {
            w.s3.get_object()
                .bucket("dest")
                .key(key)
                .send()
                .await
                .unwrap()
                .body
                .collect()
                .await
                .unwrap()
        })
        .into_bytes();
    let mut m: serde_json::Value = serde_json::from_slice(&body).unwrap();
    edit(&mut m);
    let json = serde_json::to_vec(&m).unwrap();
    let sum = hex::encode(<md5::Md5 as md5::Digest>::digest(&json));
    store
        .put_object("dest", key, Bytes::from(json), PutOptions::default())
        .unwrap();
    store
        .put_object(
            "dest",
            &key.replace("manifest.json", "manifest.checksum"),
            Bytes::from(sum),
            PutOptions::default(),
        )
        .unwrap();
}

#[test]
fn damaged_reports_are_one_line_errors_naming_the_file() {
    let w = World::new();
    w.seed("src");
    let store = w.server.store();
    store.create_bucket("dest").unwrap();
    let report = |id: &str| {
        w.rt.block_on(store_report(
            &w.s3,
            "src",
            "dest",
            id,
            FileFormat::Csv,
            false,
            Utc::now(),
            |_| {},
        ))
    };
    let data_files = |key: &str| -> Vec<String> {
        let body =
            w.rt.block_on(async {
                w.s3.get_object()
                    .bucket("dest")
                    .key(key)
                    .send()
                    .await
                    .unwrap()
                    .body
                    .collect()
                    .await
                    .unwrap()
            })
            .into_bytes();
        let m: serde_json::Value = serde_json::from_slice(&body).unwrap();
        m["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["key"].as_str().unwrap().to_string())
            .collect()
    };
    let get = |key: &str| {
        w.rt.block_on(async {
            w.s3.get_object()
                .bucket("dest")
                .key(key)
                .send()
                .await
                .unwrap()
                .body
                .collect()
                .await
                .unwrap()
        })
        .into_bytes()
    };

    // A bad MD5: the data file's bytes changed, its size did not.
    let (root, manifest) = report("bad-md5");
    let victim = data_files(&manifest)[1].clone();
    let mut body = get(&victim).to_vec();
    let n = body.len();
    body[n - 9] ^= 0xff;
    store
        .put_object("dest", &victim, Bytes::from(body), PutOptions::default())
        .unwrap();
    let run = w.du(&["s3://src", "--source", "inventory", "--inventory", &root]);
    let line = run.one_line_error();
    assert!(line.contains(&victim) && line.contains("MD5"), "{line}");

    // A truncated gzip stream whose manifest agrees with it: the decoder notices.
    let (root, manifest) = report("truncated");
    let victim = data_files(&manifest)[0].clone();
    let body = get(&victim);
    let cut = body.slice(..body.len() / 2);
    let (size, md5) = (
        cut.len(),
        hex::encode(<md5::Md5 as md5::Digest>::digest(&cut)),
    );
    store
        .put_object("dest", &victim, cut, PutOptions::default())
        .unwrap();
    edit_manifest(&w, &manifest, |m| {
        for f in m["files"].as_array_mut().unwrap() {
            if f["key"] == victim.as_str() {
                f["size"] = size.into();
                f["MD5checksum"] = md5.clone().into();
            }
        }
    });
    let run = w.du(&["s3://src", "--source", "inventory", "--inventory", &root]);
    let line = run.one_line_error();
    assert!(
        line.contains(&victim) && line.contains("truncated"),
        "{line}"
    );

    // A data file the manifest lists but the bucket lost.
    let (root, manifest) = report("missing");
    let victim = data_files(&manifest)[2].clone();
    store.delete_object("dest", &victim).unwrap();
    let run = w.du(&["s3://src", "--source", "inventory", "--inventory", &root]);
    let line = run.one_line_error();
    assert!(line.contains(&victim) && line.contains("missing"), "{line}");

    // A manifest that does not match manifest.checksum.
    let (root, manifest) = report("bad-checksum");
    store
        .put_object(
            "dest",
            &manifest.replace("manifest.json", "manifest.checksum"),
            Bytes::from_static(b"0123"),
            PutOptions::default(),
        )
        .unwrap();
    let line = w
        .du(&["s3://src", "--source", "inventory", "--inventory", &root])
        .one_line_error()
        .to_string();
    assert!(
        line.contains(&manifest) && line.contains("manifest.checksum"),
        "{line}"
    );

    // ORC is refused by name.
    let (root, manifest) = report("orc");
    edit_manifest(&w, &manifest, |m| m["fileFormat"] = "ORC".into());
    let line = w
        .du(&["s3://src", "--source", "inventory", "--inventory", &root])
        .one_line_error()
        .to_string();
    assert!(
        line.contains("ORC") && line.contains("CSV or Parquet"),
        "{line}"
    );

    // The report of another bucket.
    let line = w
        .du(&["s3://dest", "--source", "inventory", "--inventory", &root])
        .one_line_error()
        .to_string();
    assert!(line.contains("`src`, not `dest`"), "{line}");

    // No report where pointed, and no configuration API on this server.
    let line = w
        .du(&[
            "s3://src",
            "--source",
            "inventory",
            "--inventory",
            "s3://dest/nothing/",
        ])
        .one_line_error()
        .to_string();
    assert!(
        line.contains("no inventory report under s3://dest/nothing/"),
        "{line}"
    );
    let line = w
        .du(&["s3://src", "--source", "inventory"])
        .one_line_error()
        .to_string();
    assert!(
        line.contains("--inventory s3://DEST/PREFIX/src/CONFIG-ID/"),
        "{line}"
    );
}

#[test]
fn newest_report_is_read_and_a_stale_one_says_so() {
    let w = World::new();
    w.seed("src");
    w.server.store().create_bucket("dest").unwrap();
    let old = Utc.with_ymd_and_hms(2020, 1, 1, 1, 0, 0).unwrap();
    w.rt.block_on(store_report(
        &w.s3,
        "src",
        "dest",
        "daily",
        FileFormat::Csv,
        false,
        old,
        |_| {},
    ));
    let newer = Utc::now() - Duration::hours(1);
    let (root, manifest) = w.rt.block_on(store_report(
        &w.s3,
        "src",
        "dest",
        "daily",
        FileFormat::Parquet,
        false,
        newer,
        |_| {},
    ));
    // A report still being delivered (no manifest yet) is passed over.
    w.server
        .store()
        .put_object(
            "dest",
            "src/daily/2999-01-01T01-00Z/manifest.checksum",
            Bytes::from_static(b"x"),
            PutOptions::default(),
        )
        .unwrap();
    let inv = w
        .du(&[
            "s3://src",
            "--source",
            "inventory",
            "--inventory",
            &root,
            "--format",
            "json",
        ])
        .json();
    assert_eq!(
        inv["inventory"]["manifest"],
        format!("s3://dest/{manifest}")
    );
    assert_eq!(inv["inventory"]["format"], "Parquet");
    assert_eq!(inv["inventory"]["warnings"], serde_json::json!([]));

    // Objects written after the report: it says so, and still answers.
    w.put("src", "logs/new-object", 5, "STANDARD", 0);
    let run = w.du(&[
        "s3://src",
        "--source",
        "inventory",
        "--inventory",
        &root,
        "--format",
        "json",
    ]);
    let inv = run.json();
    assert!(
        run.stderr
            .contains("older than the bucket's newest objects"),
        "{}",
        run.stderr
    );
    assert!(
        inv["inventory"]["warnings"][0]
            .as_str()
            .unwrap()
            .contains("logs/new-object")
    );

    // The old report, pointed at by its dated folder: its age is a warning too.
    let run = w.du(&[
        "s3://src",
        "--source",
        "inventory",
        "--inventory",
        "s3://dest/src/daily/2020-01-01T01-00Z/",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("days old"), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("(inventory as of 2020-01-01 01:00 UTC)"),
        "{}",
        run.stdout
    );
}

/// PutBucketInventoryConfiguration of a daily Parquet report of `bucket` into `dest/prefix/`.
async fn put_configuration(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    dest: &str,
    prefix: &str,
    id: &str,
) {
    use aws_sdk_s3::types::*;
    let destination = InventoryS3BucketDestination::builder()
        .bucket(format!("arn:aws:s3:::{dest}"))
        .prefix(prefix)
        .format(InventoryFormat::Parquet)
        .build()
        .unwrap();
    let config = InventoryConfiguration::builder()
        .id(id)
        .is_enabled(true)
        .included_object_versions(InventoryIncludedObjectVersions::Current)
        .destination(
            InventoryDestination::builder()
                .s3_bucket_destination(destination)
                .build(),
        )
        .schedule(
            InventorySchedule::builder()
                .frequency(InventoryFrequency::Daily)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    s3.put_bucket_inventory_configuration()
        .bucket(bucket)
        .id(id)
        .inventory_configuration(config)
        .send()
        .await
        .unwrap();
}

#[test]
fn buckets_and_extract_read_the_report() {
    let w = World::new();
    w.seed("src");
    w.server.store().create_bucket("dest").unwrap();
    let as_of = Utc::now() - Duration::hours(2);
    w.rt.block_on(store_report(
        &w.s3,
        "src",
        "dest",
        "daily",
        FileFormat::Csv,
        false,
        as_of,
        |_| {},
    ));
    w.rt.block_on(put_configuration(&w.s3, "src", "dest", "", "daily"));
    let ep = w.server.endpoint.clone();
    let run = s3scope(
        w.home.path(),
        ENV,
        &[
            "--endpoint",
            &ep,
            "buckets",
            "--source",
            "inventory",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let row = |name: &str| {
        rows["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["bucket"] == name)
            .unwrap()
            .clone()
    };
    let scan = w.du(&["s3://src", "--format", "json"]).json();
    let src = row("src");
    assert_eq!(
        (&src["objects"], &src["bytes"]),
        (&scan["objects"], &scan["bytes"]),
        "{src:#}"
    );
    assert_eq!(src["storage_classes"], scan["storage_classes"]);
    assert_eq!(src["source"], "inventory");
    assert_eq!(
        src["as_of"].as_str().unwrap()[..16],
        as_of.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)[..16]
    );
    // A bucket without a report says so on its row.
    assert!(
        row("dest")["error"]
            .as_str()
            .is_some_and(|e| e.contains("no inventory report")),
        "{rows:#}"
    );

    let data = w.home.path().join("data");
    let run = s3scope(
        w.home.path(),
        ENV,
        &[
            "--endpoint",
            &ep,
            "extract",
            "--sources",
            "listing",
            "--from",
            "inventory",
            "--buckets",
            "src",
            "--since",
            "2026-01-01",
            "--until",
            "2026-01-02",
            "--data-dir",
            data.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let listing = report["manifest"]["collectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "listing")
        .unwrap()
        .clone();
    assert_eq!(listing["rows"], scan["objects"], "{report:#}");
    assert_eq!(listing["success"], true);
}
