//! Scan snapshots on disk: round trip, the cache layout, and every way a file can be bad
//! (truncated, newer format, not a snapshot, damaged) as a clear error that names the file.

use chrono::{TimeZone, Utc};
use s3scope_core::scan::report::du_report;
use s3scope_core::scan::snapshot::{
    self, FORMAT_VERSION, KEEP_PER_PREFIX, MAGIC, SnapshotError, SnapshotMeta,
};
use s3scope_core::scan::tree::PrefixTree;

fn meta(prefix: &str, minute: u32) -> SnapshotMeta {
    SnapshotMeta {
        profile: "prod/eu".into(),
        endpoint: "https://s3.example.com".into(),
        bucket: "logs".into(),
        prefix: prefix.into(),
        scanned_at: Utc.with_ymd_and_hms(2024, 5, 1, 12, minute, 0).unwrap(),
        elapsed_secs: 1.5,
        list_calls: 42,
        versions: true,
        multipart: false,
    }
}

fn tree() -> PrefixTree {
    let mut t = PrefixTree::new("", '/');
    for i in 0..300 {
        let class = if i % 3 == 0 { "GLACIER" } else { "STANDARD" };
        t.add(
            &format!("logs/2024/05/{:02}/part-{i}.gz", i % 31),
            1000 + i,
            class,
            Some(1_700_000_000 + i as i64),
        );
    }
    t.add("weird/ key\x1b[2J with %2F+plus/ü.txt", 5, "STANDARD", None);
    t.add_noncurrent("logs/2024/05/01/part-0.gz", 77);
    t.add_delete_marker("logs/old.gz");
    t.add_upload("uploads/big.bin", 5 << 20);
    t
}

#[test]
fn a_snapshot_round_trips_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.s3snap");
    let t = tree();
    let size = snapshot::save(&path, &meta("", 0), &t).unwrap();
    assert_eq!(size, std::fs::metadata(&path).unwrap().len());
    let back = snapshot::load(&path).unwrap();
    assert_eq!(back.meta, meta("", 0));
    // Every prefix with every class, date and hidden cost, and lookups work again.
    assert_eq!(
        du_report(&back.tree, "logs", 9, true, 0, 0.0),
        du_report(&t, "logs", 9, true, 0, 0.0)
    );
    assert!(back.tree.find("logs/2024/05/07/").is_some());
    assert!(back.tree.find("weird/ key\x1b[2J with %2F+plus/").is_some());
    // Compact: well under the tree's own size in memory.
    assert!(size < 8 * 1024, "{size} bytes");
}

#[test]
fn bad_files_are_clear_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = snapshot::encode(&meta("", 0), &tree());
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let err = |p: &std::path::Path| snapshot::load(p).unwrap_err();

    let p = write("cut.s3snap", &good[..good.len() - 10]);
    let e = err(&p);
    assert!(matches!(e, SnapshotError::Truncated { .. }), "{e:?}");
    let m = e.to_string();
    assert!(
        m.contains("cut.s3snap") && m.contains("truncated") && m.contains("scan again"),
        "{m}"
    );

    let p = write("head.s3snap", &good[..12]);
    assert!(matches!(err(&p), SnapshotError::Truncated { .. }));

    let mut newer = good.clone();
    newer[8..10].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    let p = write("newer.s3snap", &newer);
    let m = err(&p).to_string();
    assert!(
        m.contains("newer.s3snap") && m.contains("upgrade s3scope"),
        "{m}"
    );

    let p = write("notes.txt", b"just some text, not a snapshot at all");
    let m = err(&p).to_string();
    assert!(
        m.contains("notes.txt") && m.contains("not an s3scope snapshot"),
        "{m}"
    );

    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0xff;
    let p = write("flipped.s3snap", &flipped);
    let m = err(&p).to_string();
    assert!(m.contains("damaged") && m.contains("checksum"), "{m}");

    let mut longer = good.clone();
    longer.extend_from_slice(b"junk");
    assert!(matches!(
        err(&write("long.s3snap", &longer)),
        SnapshotError::Corrupt { .. }
    ));

    let m = err(&dir.path().join("missing.s3snap")).to_string();
    assert!(
        m.contains("missing.s3snap") && m.contains("cannot read"),
        "{m}"
    );

    // A failed load leaves the file as it was.
    assert_eq!(
        std::fs::read(dir.path().join("cut.s3snap")).unwrap(),
        &good[..good.len() - 10]
    );
    assert_eq!(&good[..8], &MAGIC);
}

#[test]
fn a_tree_that_is_not_one_is_refused() {
    // A checksum-valid file whose tree points outside itself must not panic later.
    let mut t = tree();
    t.nodes[1].children.push(9999);
    let bytes = snapshot::encode(&meta("", 0), &t);
    let e = snapshot::decode(&bytes, std::path::Path::new("x.s3snap")).unwrap_err();
    assert!(e.to_string().contains("bad child"), "{e}");
}

#[test]
fn the_cache_finds_the_newest_and_prunes_old_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let t = tree();
    let mut paths = Vec::new();
    for minute in 0..(KEEP_PER_PREFIX as u32 + 3) {
        paths.push(snapshot::save_cached(root, &meta("", minute), &t).unwrap());
    }
    snapshot::save_cached(root, &meta("logs/", 59), &t).unwrap();
    // The profile name is one safe directory component even with a slash in it.
    assert!(
        paths[0].starts_with(root.join("prod%2Feu").join("logs")),
        "{:?}",
        paths[0]
    );
    let found = snapshot::list_cached(root, "prod/eu", "logs", "").unwrap();
    assert_eq!(found.len(), KEEP_PER_PREFIX);
    assert_eq!(
        found[0].scanned_at,
        meta("", KEEP_PER_PREFIX as u32 + 2).scanned_at
    );
    assert!(!paths[0].exists() && paths.last().unwrap().exists());
    let logs = snapshot::list_cached(root, "prod/eu", "logs", "logs/").unwrap();
    assert_eq!(logs.len(), 1);
    assert!(
        snapshot::list_cached(root, "other", "logs", "")
            .unwrap()
            .is_empty()
    );
}
