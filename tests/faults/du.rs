//! `s3scope du` through the fault proxy: exact totals on nested, flat and Hive-partitioned
//! buckets under the fault mix of real S3 (503 SlowDown, 500 after the work, resets), LIST
//! calls that follow the objects rather than the prefixes, and permanent errors that still
//! fail at once.

use crate::support::store as store_support;

use bytes::Bytes;
use faultproxy::{Faults, Proxy};
use s3scope_store::{PutOptions, StorageClass};
use std::path::Path;
use std::process::{Command, Output};

const N: usize = 12_000;

/// The key of object `i` in a layout.
type KeyOf = fn(usize) -> String;

/// The three layouts of bench/scan.sh, N objects each; (bucket, total bytes).
fn seed(server: &s3scope_store::EmbeddedServer) -> Vec<(&'static str, u64)> {
    let store = server.store();
    let classes = [StorageClass::Standard, StorageClass::StandardIa];
    let mut out = Vec::new();
    let layouts: [(&str, KeyOf); 3] = [
        ("nested", |i| {
            format!(
                "team-{:02}/set-{:02}/part-{i:06}.bin",
                i % 20,
                (i / 20) % 10
            )
        }),
        ("flat", |i| format!("flat/obj-{i:07}.bin")),
        // 2,000 leaf prefixes of 6 objects: the shape where a delimiter walk pays a LIST
        // call per prefix.
        ("hive", |i| {
            let leaf = i % 2000;
            format!(
                "events/dt=2023-{:02}-{:02}/hour={:02}/part-{}.parquet",
                1 + leaf / 24 / 28 % 12,
                1 + leaf / 24 % 28,
                leaf % 24,
                i / 2000
            )
        }),
    ];
    for (bucket, key) in layouts {
        store.create_bucket(bucket).unwrap();
        let mut bytes = 0;
        for i in 0..N {
            let size = 1 + i % 97;
            bytes += size as u64;
            let opts = PutOptions {
                storage_class: classes[i % 2],
                ..PutOptions::default()
            };
            store
                .put_object(bucket, &key(i), Bytes::from(vec![b'x'; size]), opts)
                .unwrap();
        }
        out.push((bucket, bytes));
    }
    out
}

fn du(server: &s3scope_store::EmbeddedServer, endpoint: &str, dir: &Path, bucket: &str) -> Output {
    let config = dir.join("config.toml");
    std::fs::write(&config, "").unwrap();
    Command::new(env!("CARGO_BIN_EXE_s3scope"))
        .env_clear()
        .env("HOME", dir)
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("AWS_ACCESS_KEY_ID", &server.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &server.secret_key)
        .env("AWS_REGION", &server.region)
        .arg("--config")
        .arg(&config)
        .args(["--endpoint", endpoint, "--path-style", "--log-file"])
        .arg(dir.join("log"))
        .args(["du", &format!("s3://{bucket}"), "--format", "json"])
        .output()
        .expect("run s3scope du")
}

fn report(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "du failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("du --format json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn du_is_exact_under_faults_and_lists_by_objects() {
    let t = store_support::start().await;
    let sets = seed(&t.server);
    let dir = tempfile::tempdir().unwrap();
    let proxy = Proxy::start(&t.server.endpoint, Faults::default())
        .await
        .unwrap();
    let budget = |n: usize| (1.1 * n.div_ceil(1000) as f64) as u64 + 2 * 32;

    // Without faults: LIST calls follow the objects, whatever the shape of the tree.
    for (bucket, bytes) in &sets {
        proxy.reset_counts();
        let r = report(&du(&t.server, &proxy.endpoint(), dir.path(), bucket));
        assert_eq!(r["objects"], N as u64, "{bucket}");
        assert_eq!(r["bytes"], *bytes, "{bucket}");
        let lists = proxy
            .counts()
            .by_op
            .get("ListObjectsV2")
            .copied()
            .unwrap_or(0);
        assert!(
            lists <= budget(N),
            "{bucket}: {lists} LIST calls for {N} objects (budget {})",
            budget(N)
        );
    }

    // The fault mix of issue 12: every total still exact, in one run.
    proxy.set_faults(Faults {
        slowdown: 0.05,
        error_after: 0.05,
        reset: 0.03,
        seed: 7,
        ..Faults::default()
    });
    for (bucket, bytes) in &sets {
        proxy.reset_counts();
        let r = report(&du(&t.server, &proxy.endpoint(), dir.path(), bucket));
        let c = proxy.counts();
        assert_eq!(r["objects"], N as u64, "{bucket} under faults");
        assert_eq!(r["bytes"], *bytes, "{bucket} under faults");
        assert_eq!(
            r["storage_classes"]["STANDARD_IA"]["objects"],
            (N / 2) as u64,
            "{bucket}"
        );
        eprintln!("{bucket}: {c:?}");
        assert!(
            c.slowdowns + c.errors_after + c.resets > 0,
            "{bucket}: no fault was injected ({c:?})"
        );
    }

    // A permanent error fails at once: one request for the missing bucket, no retries.
    proxy.set_faults(Faults::default());
    proxy.reset_counts();
    let out = du(&t.server, &proxy.endpoint(), dir.path(), "no-such-bucket");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not exist"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let c = proxy.counts();
    let sent: u64 = c.by_op.values().sum();
    assert!(sent <= 2, "a missing bucket was retried: {:?}", c.by_op);
}
