//! Browse and the bucket table drawn into ratatui's TestBackend: insta snapshots at 80x24 and
//! 160x48, and cell checks where colour carries meaning (bars, selection, errors, warnings).

use crate::support::screen::{draw, find_row, press as key, press_char as ch, row_text};
use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::KeyCode;
use ratatui::style::Color;
use s3scope_core::job::Snapshot;
use s3scope_core::s3::buckets::BucketInfo;
use s3scope_core::s3::lister::ListedObject;
use s3scope_core::s3::object::ObjectDetails;
use s3scope_core::scan::buckets::{BucketRow, Source};
use s3scope_core::scan::files::FilesPage;
use s3scope_core::scan::report::ClassTotal;
use s3scope_core::scan::snapshot::SnapshotMeta;
use s3scope_core::scan::tree::PrefixTree;
use s3scope_tui::effect::Effect;
use s3scope_tui::event::{Event, FoundSnapshot, RequestId};
use s3scope_tui::keymap::Keymap;
use s3scope_tui::state::browse::SharedTree;
use s3scope_tui::state::{State, Status};
use s3scope_tui::theme::Theme;
use s3scope_tui::update::{start, update};
use std::collections::BTreeMap;
use std::time::Duration;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn at(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, h, 3, 4).unwrap()
}

fn class(objects: u64, bytes: u64) -> ClassTotal {
    ClassTotal { objects, bytes }
}

/// Three buckets with the table in: one big (rgw), one with two classes, one failed.
fn listed(size: (u16, u16)) -> (State, RequestId) {
    let status = Status {
        profile: "prod".into(),
        endpoint: "http://127.0.0.1:9000".into(),
        ..Status::default()
    };
    let mut s = State::new(status, Keymap::defaults().unwrap(), None);
    update(
        &mut s,
        Event::Resize {
            width: size.0,
            height: size.1,
        },
    );
    update(&mut s, Event::Tick { now: at(14) });
    let id = match start(&mut s).as_slice() {
        [Effect::LoadBuckets { id }] => *id,
        other => panic!("{other:?}"),
    };
    let b = |name: &str, day| BucketInfo {
        name: name.into(),
        region: Some("us-east-1".into()),
        created: Some(Utc.with_ymd_and_hms(2023, 1, day, 8, 0, 0).unwrap()),
    };
    let list = vec![b("analytics", 1), b("denied-bucket", 2), b("logs", 3)];
    let tid = match update(
        &mut s,
        Event::BucketsLoaded {
            id,
            result: Ok(list),
            at: at(12),
        },
    )
    .as_slice()
    {
        [Effect::LoadBucketTable { id }] => *id,
        other => panic!("{other:?}"),
    };
    (s, tid)
}

pub(crate) fn with_table(size: (u16, u16)) -> State {
    let (mut s, tid) = listed(size);
    let row = |name: &str, objects: Option<u64>, classes: Vec<(&str, u64, u64)>| BucketRow {
        bucket: name.into(),
        region: Some("us-east-1".into()),
        objects,
        bytes: objects.map(|_| classes.iter().map(|c| c.2).sum()),
        storage_classes: classes
            .iter()
            .map(|(c, o, b)| (c.to_string(), class(*o, *b)))
            .collect(),
        multipart_bytes: None,
        created: None,
        source: Source::Rgw,
        as_of: Some(at(12)),
        error: None,
    };
    let mut denied = row("denied-bucket", None, vec![]);
    denied.error =
        Some("access denied to denied-bucket; the credentials lack the permission".into());
    let rows = vec![
        row(
            "analytics",
            Some(2_400_000),
            vec![
                ("STANDARD", 2_000_000, 900 << 30),
                ("GLACIER", 400_000, 3 << 40),
            ],
        ),
        denied,
        row("logs", Some(1234), vec![("STANDARD", 1234, 5 << 20)]),
    ];
    update(
        &mut s,
        Event::BucketTableLoaded {
            id: tid,
            result: Ok(rows),
            source: Source::Rgw,
            at: at(12),
        },
    );
    s
}

pub(crate) fn tree() -> PrefixTree {
    let mut t = PrefixTree::new("", '/');
    let ts = at(10).timestamp();
    for i in 0..40 {
        t.add(
            &format!("logs/2024/05/{i:02}.gz"),
            30 << 20,
            "STANDARD",
            Some(ts + i),
        );
    }
    for i in 0..8 {
        t.add(
            &format!("logs/2023/{i}.gz"),
            10 << 20,
            "GLACIER",
            Some(ts - 86_400 * 300),
        );
    }
    t.add(
        "media/raw/clip.mov",
        2 << 30,
        "STANDARD_IA",
        Some(ts - 3600),
    );
    t.add("media/thumbs/a.jpg", 40 << 10, "STANDARD", Some(ts));
    t.add("evil\x1b[31m/x", 1, "STANDARD", Some(ts));
    t.add("README.md", 2048, "STANDARD", Some(ts - 60));
    t.add("index.html", 512, "STANDARD", Some(ts - 60));
    t
}

/// Browse of `analytics` with a scan running (counters at 48 objects).
pub(crate) fn scanning(size: (u16, u16)) -> (State, RequestId) {
    let mut s = with_table(size);
    let find = match key(&mut s, KeyCode::Enter).as_slice() {
        [
            Effect::FindSnapshot { id, .. },
            Effect::FindInventory { .. },
        ] => *id,
        other => panic!("{other:?}"),
    };
    // 2.4M objects is a big scan: it waits for Enter.
    update(
        &mut s,
        Event::SnapshotFound {
            id: find,
            result: Ok(None),
        },
    );
    let id = match key(&mut s, KeyCode::Enter).as_slice() {
        [Effect::StartScan { id, .. }] => *id,
        other => panic!("{other:?}"),
    };
    update(
        &mut s,
        Event::ScanStarted {
            id,
            tree: SharedTree::new(tree()),
        },
    );
    let c = Snapshot {
        done: 48_000,
        bytes: 1 << 40,
        calls: 52,
        elapsed: Duration::from_secs(75),
        ..Snapshot::default()
    };
    update(&mut s, Event::ScanProgress { id, counters: c });
    (s, id)
}

pub(crate) fn finished(size: (u16, u16)) -> State {
    let (mut s, id) = scanning(size);
    let c = Snapshot {
        done: 52,
        bytes: 3 << 30,
        calls: 9,
        elapsed: Duration::from_secs(4),
        ..Snapshot::default()
    };
    let save = match update(
        &mut s,
        Event::ScanFinished {
            id,
            result: Ok(c),
            cancelled: false,
            at: at(13),
        },
    )
    .as_slice()
    {
        [Effect::SaveSnapshot { id, .. }] => *id,
        other => panic!("{other:?}"),
    };
    update(
        &mut s,
        Event::SnapshotSaved {
            id: save,
            result: Ok("/home/u/.cache/x.s3snap".into()),
        },
    );
    s
}

#[test]
fn buckets_with_the_table() {
    for size in SIZES {
        crate::snap!("buckets_table", &with_table(size));
    }
}

#[test]
fn buckets_table_loading_keeps_the_list() {
    let (s, _) = listed((80, 24));
    crate::snap!("buckets_table_loading", &s);
}

#[test]
fn browse_confirm_then_scanning() {
    for size in SIZES {
        let mut s = with_table(size);
        let find = match key(&mut s, KeyCode::Enter).as_slice() {
            [
                Effect::FindSnapshot { id, .. },
                Effect::FindInventory { .. },
            ] => *id,
            other => panic!("{other:?}"),
        };
        update(
            &mut s,
            Event::SnapshotFound {
                id: find,
                result: Ok(None),
            },
        );
        crate::snap!("browse_confirm", &s);
        crate::snap!("browse_scanning", &scanning(size).0);
    }
}

#[test]
fn browse_finished_tree() {
    for size in SIZES {
        crate::snap!("browse_finished", &finished(size));
    }
}

#[test]
fn browse_drilled_in_and_filtered() {
    for size in SIZES {
        let mut s = finished(size);
        key(&mut s, KeyCode::Enter);
        crate::snap!("browse_logs", &s);
        key(&mut s, KeyCode::Backspace);
        ch(&mut s, '/');
        for c in "med".chars() {
            ch(&mut s, c);
        }
        crate::snap!("browse_filter", &s);
    }
}

fn files(s: &mut State) {
    for _ in 0..10 {
        if s.browse
            .selected_row()
            .is_some_and(|r| r.kind == s3scope_tui::state::browse::RowKind::Files)
        {
            break;
        }
        key(s, KeyCode::Down);
    }
    let id = match key(s, KeyCode::Enter).as_slice() {
        [Effect::ListFiles { id, .. }] => *id,
        other => panic!("{other:?}"),
    };
    let o = |k: &str, size| ListedObject {
        key: k.into(),
        size,
        last_modified: Some(at(9)),
        storage_class: "STANDARD".into(),
        etag: Some("\"e\"".into()),
    };
    let page = FilesPage {
        bucket: "analytics".into(),
        prefix: String::new(),
        objects: vec![o("README.md", 2048), o("index.html", 512)],
        truncated: false,
        list_calls: 1,
    };
    update(
        s,
        Event::FilesListed {
            id,
            result: Ok(page),
        },
    );
}

#[test]
fn browse_files_and_object_details() {
    for size in SIZES {
        let mut s = finished(size);
        files(&mut s);
        crate::snap!("browse_files", &s);
        let id = match key(&mut s, KeyCode::Enter).as_slice() {
            [Effect::HeadObject { id, .. }] => *id,
            other => panic!("{other:?}"),
        };
        let d = ObjectDetails {
            bucket: "analytics".into(),
            key: "README.md".into(),
            size: 2048,
            storage_class: "STANDARD".into(),
            etag: Some("\"9b2cf535f27731c974343645a3985328\"".into()),
            content_type: Some("text/markdown".into()),
            last_modified: Some(at(9)),
            version_id: None,
            metadata: BTreeMap::from([
                ("owner".into(), "data-team".into()),
                ("evil".into(), "\x1b]52;c;bad\x07".into()),
            ]),
            tag_count: Some(2),
        };
        update(&mut s, Event::ObjectHead { id, result: Ok(d) });
        crate::snap!("browse_object", &s);
    }
}

#[test]
fn browse_snapshot_with_hidden_costs() {
    for size in SIZES {
        let (mut s, _) = listed(size);
        key(&mut s, KeyCode::Down);
        key(&mut s, KeyCode::Down);
        let find = match key(&mut s, KeyCode::Enter).as_slice() {
            [
                Effect::FindSnapshot { id, .. },
                Effect::FindInventory { .. },
            ] => *id,
            other => panic!("{other:?}"),
        };
        let mut t = tree();
        t.add_noncurrent("logs/2024/05/01.gz", 30 << 20);
        t.add_noncurrent("logs/2024/05/02.gz", 30 << 20);
        t.add_delete_marker("media/raw/old.mov");
        t.add_upload("media/raw/big.mov", 5 << 30);
        let found = FoundSnapshot {
            path: "/home/u/.cache/s3scope/snapshots/prod/logs/x.s3snap".into(),
            meta: SnapshotMeta {
                profile: "prod".into(),
                endpoint: "http://127.0.0.1:9000".into(),
                bucket: "logs".into(),
                prefix: String::new(),
                scanned_at: at(12),
                elapsed_secs: 3.5,
                list_calls: 17,
                versions: true,
                multipart: true,
            },
            tree: SharedTree::new(t),
        };
        update(
            &mut s,
            Event::SnapshotFound {
                id: find,
                result: Ok(Some(found)),
            },
        );
        ch(&mut s, 'v');
        crate::snap!("browse_hidden", &s);
    }
}

#[test]
fn colours_carry_meaning() {
    let s = finished((160, 48));
    let buf = draw(&s, Theme::color()).backend().buffer().clone();
    // The selected row (the biggest, media/) is highlighted across the table.
    let y = find_row(&buf, "│> ");
    assert!(row_text(&buf, y).contains("media/"));
    for x in 2..150 {
        assert_eq!(buf[(x, y)].bg, Color::LightBlue, "x={x}");
    }
    // Bars are drawn in the bar colour on unselected rows.
    let y2 = find_row(&buf, "logs/");
    assert_ne!(buf[(3, y2)].bg, Color::LightBlue);
    let x = row_text(&buf, y2).chars().position(|c| c == '█').unwrap();
    assert_eq!(buf[(u16::try_from(x).unwrap(), y2)].fg, Color::Cyan);
    // The escape in a key is escaped, and coloured as an escape.
    let y3 = find_row(&buf, "evil\\x1b[31m/");
    let x = row_text(&buf, y3).find("\\x1b").unwrap();
    let x = u16::try_from(row_text(&buf, y3)[..x].chars().count()).unwrap();
    assert_eq!(buf[(x, y3)].fg, Color::Magenta);
    for cell in buf.content() {
        assert!(
            !cell.symbol().chars().any(char::is_control),
            "raw control character"
        );
    }
    // An error row of the bucket table is marked in the error colour.
    let s = with_table((80, 24));
    let buf = draw(&s, Theme::color()).backend().buffer().clone();
    let y = find_row(&buf, "denied-bucket");
    let x = row_text(&buf, y).find("error").unwrap();
    let x = u16::try_from(row_text(&buf, y)[..x].chars().count()).unwrap();
    assert_eq!(buf[(x, y)].fg, Color::LightRed);
}

#[test]
fn no_color_keeps_bars_and_selection() {
    let s = finished((80, 24));
    let buf = draw(&s, Theme::no_color()).backend().buffer().clone();
    assert!(
        buf.content()
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
    );
    let y = find_row(&buf, "> ");
    assert!(row_text(&buf, y).contains('█'));
}
