//! A killed `cleanup --yes` resumes: the real binary is frozen by the fault proxy at a progress
//! point (inside the batches of DeleteObjects, after an abort was done but before its answer),
//! killed there, then run again: it resumes the journaled plan, skips what the journal says is
//! done, and the bucket ends exactly without the planned items, nothing else.

use crate::cleanup::cleanup_cmd;
use crate::fixture::{plan_entries, seed, seed_many, state};
use crate::support::faults::run;
use crate::support::store as store_support;
use faultproxy::{Faults, Hold, Proxy, S3Op};
use std::collections::BTreeSet;
use std::path::Path;

/// Removed items the journal records.
fn journaled(home: &Path) -> (usize, usize, usize) {
    let dir = home.join("state/s3scope/cleanup");
    let mut ops = (0, 0, 0);
    for f in std::fs::read_dir(dir).unwrap() {
        let path = f.unwrap().path();
        if path.extension().is_some_and(|e| e == "journal") {
            for line in std::fs::read_to_string(path).unwrap().lines() {
                let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                    continue;
                };
                match v["op"].as_str() {
                    Some("start") => ops.0 += 1,
                    Some("removed") => ops.1 += 1,
                    Some("end") => ops.2 += 1,
                    _ => {}
                }
            }
        }
    }
    ops
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_cleanup_resumes_and_neither_redoes_nor_misses() {
    let t = store_support::start().await;
    let s3 = store_support::client(&t.server);
    // A copy of the binary: a build relinking target/ during the test cannot pull it away.
    let bin_dir = tempfile::tempdir().unwrap();
    let points = [
        (
            "second DeleteObjects",
            Hold::new(S3Op::DeleteObjects).skip(1),
        ),
        (
            "abort done, answer lost",
            Hold::new(S3Op::AbortMultipartUpload).after_forward(),
        ),
        (
            "first DeleteObjects done, answer lost",
            Hold::new(S3Op::DeleteObjects).after_forward(),
        ),
    ];
    let _ = bin_dir;
    for (run_no, (name, hold)) in points.into_iter().enumerate() {
        let bucket = format!("act-kill-{run_no}");
        let now = chrono::Utc::now();
        let store = t.server.store();
        let mut goes = seed(&store, &bucket, "", now);
        goes.extend(seed_many(&store, &bucket, "", 1200, now));
        let before = state(&s3, &bucket).await;
        let expected: BTreeSet<String> = before.difference(&goes).cloned().collect();
        let home = tempfile::tempdir().unwrap();
        let location = format!("s3://{bucket}");
        // The preview saves the plan the killed run and its resumption apply.
        let preview = run(cleanup_cmd(
            home.path(),
            &t.server,
            &t.server.endpoint,
            &location,
            &["--format", "json"],
        ))
        .await;
        assert_eq!(preview.code, 0, "{}", preview.stderr);
        let plan: serde_json::Value = serde_json::from_str(&preview.stdout).unwrap();
        assert_eq!(plan_entries(&plan), goes);

        let proxy = Proxy::start(&t.server.endpoint, Faults::default())
            .await
            .unwrap();
        let handle = proxy.hold(hold);
        let mut child = cleanup_cmd(
            home.path(),
            &t.server,
            &proxy.endpoint(),
            &location,
            &["--yes", "--format", "json"],
        )
        .spawn()
        .expect("spawn s3scope");
        tokio::select! {
            () = handle.frozen() => {}
            status = child.wait() => panic!("{name}: cleanup ended ({status:?}) before its hold; {:?}", proxy.counts().by_op),
        }
        child.start_kill().expect("kill");
        let _ = child.wait().await;
        proxy.shutdown().await;
        drop(handle);
        let (starts, removed, ends) = journaled(home.path());
        assert_eq!((starts, ends), (1, 0), "{name}: killed mid-way");
        let mid = state(&s3, &bucket).await;
        assert!(expected.is_subset(&mid), "{name}: nothing unplanned went");
        let gone_now = before.len() - mid.len();
        assert!(
            gone_now >= removed,
            "{name}: every journaled removal happened"
        );

        // The rerun, counted: it resumes the journaled plan.
        let proxy = Proxy::start(&t.server.endpoint, Faults::default())
            .await
            .unwrap();
        let r = run(cleanup_cmd(
            home.path(),
            &t.server,
            &proxy.endpoint(),
            &location,
            &["--yes", "--format", "json"],
        ))
        .await;
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert!(
            r.stderr.contains("resuming an unfinished run"),
            "{name}: {}",
            r.stderr
        );
        let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let done_before = report["already_done"].as_u64().unwrap() as usize;
        assert_eq!(
            done_before, removed,
            "{name}: the journal's removals are skipped"
        );
        let now_removed = ["uploads", "versions", "delete_markers"]
            .iter()
            .map(|k| report[k]["count"].as_u64().unwrap() as usize)
            .sum::<usize>();
        assert_eq!(
            done_before + now_removed,
            goes.len(),
            "{name}: nothing missed"
        );
        let c = proxy.counts();
        assert_eq!(
            c.op(S3Op::ListObjectVersions),
            0,
            "{name}: the plan is not made again"
        );
        if removed > 0 {
            assert_eq!(
                c.op(S3Op::AbortMultipartUpload),
                0,
                "{name}: the journaled abort is not redone"
            );
        }
        assert_eq!(
            state(&s3, &bucket).await,
            expected,
            "{name}: exactly the plan is gone"
        );
        assert_eq!(journaled(home.path()).2, 1, "{name}: the resumed run ends");
    }
}
