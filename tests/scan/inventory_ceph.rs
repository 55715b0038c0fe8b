//! `du --source inventory` against the real Ceph RGW (scripts/ceph-rgw.sh): reports generated
//! from a real listing of an RGW bucket (plain and versioned) and stored on the RGW itself give
//! the tree the listing gives, class by class, hidden costs included; a damaged data file is a
//! one-line error naming it.

use crate::support;
use crate::support::inventory as inventory_support;

use chrono::Utc;
use inventory_support::{Run, store_report, tree_of};
use s3scope_core::scan::inventory::manifest::FileFormat;
use std::path::Path;
use support::rgw::s3_client;
use support::servers::{self, RgwEnv, unique_bucket};

fn du(dir: &Path, env: &RgwEnv, args: &[&str]) -> Run {
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.ceph]\nendpoint = \"{}\"\nregion = \"us-east-1\"\npath_style = true\n\
             access_key_id = \"{}\"\nsecret_access_key = \"{}\"\n",
            env.endpoint, env.access_key, env.secret_key
        ),
    )
    .unwrap();
    let mut all = vec![
        "--config",
        config.to_str().unwrap(),
        "--profile",
        "ceph",
        "du",
    ];
    all.extend_from_slice(args);
    inventory_support::s3scope(dir, &[], &all)
}

async fn put(s3: &aws_sdk_s3::Client, bucket: &str, key: &str, size: usize) {
    s3.put_object()
        .bucket(bucket)
        .key(key)
        .body(vec![b'x'; size].into())
        .send()
        .await
        .expect("PutObject");
}

#[test]
fn inventory_on_rgw_equals_the_listing() {
    let Some(env) = servers::rgw() else { return };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s3 = s3_client(&env);
    let (src, ver, dest) = (
        unique_bucket("inv-src"),
        unique_bucket("inv-ver"),
        unique_bucket("inv-dest"),
    );
    let home = tempfile::tempdir().unwrap();
    rt.block_on(async {
        for b in [&src, &ver, &dest] {
            s3.create_bucket()
                .bucket(b.as_str())
                .send()
                .await
                .expect("CreateBucket");
        }
        for i in 0..30 {
            put(&s3, &src, &format!("logs/{}/part {i}+%.gz", i % 4), 100 + i).await;
        }
        put(&s3, &src, "top", 5).await;
        put(&s3, &src, "ключ/ü", 7).await;
        use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};
        s3.put_bucket_versioning()
            .bucket(&ver)
            .versioning_configuration(
                VersioningConfiguration::builder()
                    .status(BucketVersioningStatus::Enabled)
                    .build(),
            )
            .send()
            .await
            .expect("PutBucketVersioning");
        for size in [10, 20, 30] {
            put(&s3, &ver, "cfg/a", size).await;
        }
        put(&s3, &ver, "cfg/b", 4).await;
        s3.delete_object()
            .bucket(&ver)
            .key("cfg/b")
            .send()
            .await
            .expect("DeleteObject");
    });
    for format in [FileFormat::Csv, FileFormat::Parquet] {
        let (root, manifest) = rt.block_on(store_report(
            &s3,
            &src,
            &dest,
            format.as_str(),
            format,
            false,
            Utc::now(),
            |s| {
                s.extra_column = true;
            },
        ));
        let scan = du(
            home.path(),
            &env,
            &[&format!("s3://{src}"), "--format", "json", "--depth", "5"],
        )
        .json();
        let run = du(
            home.path(),
            &env,
            &[
                &format!("s3://{src}"),
                "--source",
                "inventory",
                "--inventory",
                &root,
                "--format",
                "json",
                "--depth",
                "5",
            ],
        );
        let inv = run.json();
        assert_eq!(tree_of(&inv), tree_of(&scan), "{root}");
        assert_eq!(
            inv["inventory"]["manifest"],
            format!("s3://{dest}/{manifest}")
        );
        assert!(run.stderr.contains("inventory as of"), "{}", run.stderr);

        let (root, _) = rt.block_on(store_report(
            &s3,
            &ver,
            &dest,
            &format!("v-{}", format.as_str()),
            format,
            true,
            Utc::now(),
            |_| {},
        ));
        let scan = du(
            home.path(),
            &env,
            &[&format!("s3://{ver}"), "--versions", "--format", "json"],
        )
        .json();
        let inv = du(
            home.path(),
            &env,
            &[
                &format!("s3://{ver}"),
                "--source",
                "inventory",
                "--inventory",
                &root,
                "--format",
                "json",
            ],
        )
        .json();
        assert_eq!(tree_of(&inv), tree_of(&scan), "{root}");
        assert_eq!(inv["hidden"]["noncurrent_versions"], 3, "{inv:#}"); // cfg/a twice, cfg/b once
        assert_eq!(inv["hidden"]["delete_markers"], 1, "{inv:#}");
    }

    // A data file of the report damaged on the RGW: one line naming it.
    let (root, manifest) = rt.block_on(store_report(
        &s3,
        &src,
        &dest,
        "damaged",
        FileFormat::Csv,
        false,
        Utc::now(),
        |_| {},
    ));
    let victim = rt.block_on(async {
        let body = s3
            .get_object()
            .bucket(&dest)
            .key(&manifest)
            .send()
            .await
            .unwrap()
            .body
            .collect()
            .await
            .unwrap();
        let m: serde_json::Value = serde_json::from_slice(&body.into_bytes()).unwrap();
        let key = m["files"][0]["key"].as_str().unwrap().to_string();
        put(&s3, &dest, &key, 10).await;
        key
    });
    let run = du(
        home.path(),
        &env,
        &[
            &format!("s3://{src}"),
            "--source",
            "inventory",
            "--inventory",
            &root,
        ],
    );
    let line = run.one_line_error();
    assert!(line.contains(&victim), "{line}");
}
