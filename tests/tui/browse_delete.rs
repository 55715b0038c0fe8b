//! Deleting from Browse: `space` marks rows and objects (glyph and colour, the marked set's count
//! and bytes in the status line), `D` previews exactly the plan (bucket name typed for a prefix
//! delete, Enter disabled until it matches, Esc keeps the marks), refusal on read-only profiles,
//! the delete as a job (Jobs pane, cancel), the tree updated from the report without a rescan.
//! Pure `update` tests, snapshots at 80x24 and 160x48, and the real runtime against the
//! embedded store: the marked set is deleted and every unmarked object stays.

use super::browse_render::finished;
use crate::support::driven::Tui;
use crate::support::screen::{buffer, find, find_row, press as key, press_char as ch, row_text};
use crate::support::store;
use crossterm::event::KeyCode;
use ratatui::style::Color;
use s3scope_core::delete::{DeletePlan, DeleteReport, DeleteSet, PlannedObject, VERSIONED_NOTE};
use s3scope_core::s3::client::Clients;
use s3scope_tui::effect::Effect;
use s3scope_tui::event::{Event, RequestId};
use s3scope_tui::keymap::Keymap;
use s3scope_tui::runtime::Runtime;
use s3scope_tui::state::browse::{DeleteEffect, DeleteEvent, DeleteFlow, Phase};
use s3scope_tui::state::jobs::{JobKind, JobStatus};
use s3scope_tui::state::{Pane, State, Status};
use s3scope_tui::theme::Theme;
use s3scope_tui::update::update;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn select(s: &mut State, name: &str) {
    key(s, KeyCode::Home);
    for _ in 0..10 {
        if s.browse.selected_row().unwrap().name == name {
            return;
        }
        key(s, KeyCode::Down);
    }
    panic!("no row {name}");
}

fn obj(key: &str, size: u64, class: &str) -> PlannedObject {
    PlannedObject {
        key: key.into(),
        size,
        storage_class: class.into(),
        etag: Some("\"e\"".into()),
    }
}

/// The plan the core would make for `logs/` and `media/` of the fixture tree (a few objects).
fn plan_of(set: DeleteSet, versioned: bool) -> Box<DeletePlan> {
    let objects: Vec<PlannedObject> = (0..12)
        .map(|i| obj(&format!("logs/2024/05/{i:02}.gz"), 30 << 20, "STANDARD"))
        .chain([
            obj("media/raw/clip.mov", 2 << 30, "STANDARD_IA"),
            obj("media/thumbs/a.jpg", 40 << 10, "STANDARD"),
        ])
        .collect();
    let bytes = objects.iter().map(|o| o.size).sum();
    Box::new(DeletePlan {
        bucket: set.bucket.clone(),
        first_keys: objects.iter().take(10).map(|o| o.key.clone()).collect(),
        count: objects.len() as u64,
        bytes,
        objects,
        missing_keys: Vec::new(),
        versioned,
        needs_typed_confirmation: !set.prefixes.is_empty(),
        calls: 3,
        set,
    })
}

/// Marks media/ and logs/ of the finished fixture; returns the state.
fn marked(size: (u16, u16)) -> State {
    let mut s = finished(size);
    select(&mut s, "media/");
    key(&mut s, KeyCode::Char(' '));
    assert_eq!(
        s.browse.selected_row().unwrap().name,
        "logs/",
        "space moves down"
    );
    key(&mut s, KeyCode::Char(' '));
    s
}

/// `D` on the marks, the plan answered; the preview is on screen.
fn previewed(size: (u16, u16), versioned: bool) -> (State, Box<DeletePlan>) {
    let mut s = marked(size);
    let (id, set) = match ch(&mut s, 'D').as_slice() {
        [Effect::Delete(DeleteEffect::Plan { id, set })] => (*id, set.clone()),
        other => panic!("{other:?}"),
    };
    assert_eq!(set.prefixes, ["logs/", "media/"]);
    assert!(set.keys.is_empty());
    let plan = plan_of(set, versioned);
    update(
        &mut s,
        Event::Delete(DeleteEvent::Planned {
            id,
            result: Ok(plan.clone()),
        }),
    );
    (s, plan)
}

#[test]
fn marks_show_with_a_glyph_a_colour_and_their_totals() {
    for size in SIZES {
        let s = marked(size);
        crate::snap!("browse_marked", &s);
        let buf = buffer(&s, Theme::color());
        let (x, y) = find(&buf, "* media/");
        assert_eq!(buf[(x, y)].fg, Color::LightRed);
        // The status line: 2 marks, 50 objects, their bytes.
        let y = find_row(&buf, "2 marked");
        assert!(
            row_text(&buf, y).contains("2 marked · 50 objects · 3.2 GiB"),
            "{}",
            row_text(&buf, y)
        );
    }
    let mut s = marked((80, 24));
    select(&mut s, "media/");
    key(&mut s, KeyCode::Char(' '));
    let t = s.browse.marks.totals();
    assert_eq!((t.marks, t.objects), (1, 48), "space again unmarks");
    // The files row is not a prefix: it says how to mark its objects instead.
    select(&mut s, "(files)");
    key(&mut s, KeyCode::Char(' '));
    assert_eq!(s.browse.marks.totals().marks, 1);
    assert!(
        s.status
            .message
            .as_deref()
            .unwrap()
            .contains("mark its objects")
    );
}

#[test]
fn read_only_profiles_are_refused_before_any_dialog() {
    let mut s = marked((80, 24));
    s.status.read_only = true;
    assert!(ch(&mut s, 'D').is_empty());
    assert!(s.browse.delete.is_none());
    let e = s.status.error.clone().unwrap();
    assert!(e.contains("read-only") && !e.contains('\n'), "{e}");
    // Nothing marked: D says how to mark.
    let mut s = finished((80, 24));
    assert!(ch(&mut s, 'D').is_empty());
    assert!(s.status.message.as_deref().unwrap().contains("space marks"));
}

#[test]
fn the_preview_asks_for_the_bucket_name_and_esc_keeps_the_marks() {
    for size in SIZES {
        let (mut s, _) = previewed(size, true);
        crate::snap!("browse_delete_preview", &s);
        let text = format!(
            "{:?}",
            crate::support::screen::draw(&s, Theme::color()).backend()
        );
        assert!(text.contains("Delete 14 objects (2.3 GiB)"), "{text}");
        assert!(text.contains(VERSIONED_NOTE) || size.0 < 100);
        assert!(
            text.contains("logs/2024/05/00.gz") && text.contains(" more"),
            "{text}"
        );
        assert!(text.contains("type the bucket name to confirm"), "{text}");
        // Enter does nothing until the name matches, and reads dimmed until then.
        let buf = buffer(&s, Theme::color());
        let (x, y) = find(&buf, "Enter deletes once the name matches");
        assert_eq!(buf[(x, y)].fg, Color::DarkGray);
        assert!(key(&mut s, KeyCode::Enter).is_empty());
        assert!(matches!(s.browse.delete, Some(DeleteFlow::Preview { .. })));
        for c in "analytic".chars() {
            ch(&mut s, c);
        }
        // Keys typed here are text, not actions: `q` does not quit, `D` does not replan.
        assert!(key(&mut s, KeyCode::Enter).is_empty());
        ch(&mut s, 's');
        crate::snap!("browse_delete_typed", &s);
        let buf = buffer(&s, Theme::color());
        let (x, y) = find(&buf, "Enter deletes · Esc");
        assert_eq!(buf[(x, y)].fg, Color::Cyan, "the key, enabled");
        match key(&mut s, KeyCode::Enter).as_slice() {
            [Effect::Delete(DeleteEffect::Apply { plan, .. })] => assert_eq!(plan.count, 14),
            other => panic!("{other:?}"),
        }
    }
    let (mut s, _) = previewed((80, 24), false);
    ch(&mut s, 'q');
    assert!(!s.quit);
    key(&mut s, KeyCode::Esc);
    assert!(s.browse.delete.is_none());
    assert_eq!(s.browse.marks.totals().marks, 2, "the marks are kept");
}

#[test]
fn the_delete_runs_as_a_job_and_the_tree_loses_what_it_deleted() {
    let (mut s, plan) = previewed((80, 24), false);
    for c in "analytics".chars() {
        ch(&mut s, c);
    }
    let id = match key(&mut s, KeyCode::Enter).as_slice() {
        [Effect::Delete(DeleteEffect::Apply { id, .. })] => *id,
        other => panic!("{other:?}"),
    };
    // The Jobs pane has it, with its progress.
    let job = s.jobs.active.iter().find(|j| j.id == id).unwrap();
    assert_eq!(job.kind, JobKind::Delete);
    let mut p = s3scope_core::job::Snapshot {
        done: 5,
        total: Some(14),
        ..Default::default()
    };
    p.stage = "deleting".into();
    update(
        &mut s,
        Event::Delete(DeleteEvent::Progress {
            id,
            progress: p.clone(),
        }),
    );
    crate::snap!("browse_deleting", &s);
    // The cancel key stops it between batches.
    assert_eq!(
        ch(&mut s, 'c'),
        [Effect::Delete(DeleteEffect::Cancel { id })]
    );
    let before = s.browse.totals.clone();
    let report = DeleteReport {
        bucket: "analytics".into(),
        deleted: plan.objects.clone(),
        count: plan.count,
        bytes: plan.bytes,
        ..DeleteReport::default()
    };
    let fx = update(
        &mut s,
        Event::Delete(DeleteEvent::Applied {
            id,
            result: Ok(Box::new(report)),
        }),
    );
    assert!(fx.is_empty(), "no rescan: {fx:?}");
    assert!(matches!(s.browse.phase, Phase::Done { .. }));
    assert_eq!(s.browse.totals.objects, before.objects - 14);
    assert_eq!(s.browse.totals.bytes, before.bytes - plan.bytes);
    let names: Vec<&str> = s.browse.rows.iter().map(|r| r.name.as_str()).collect();
    assert!(!names.contains(&"media/"), "{names:?}");
    assert!(
        names.contains(&"logs/"),
        "logs/2023 and the rest of 2024/05 stay"
    );
    assert!(s.browse.marks.is_empty());
    assert!(
        s.status
            .message
            .as_deref()
            .unwrap()
            .starts_with("deleted 14 objects")
    );
    let done = s.jobs.history.iter().find(|j| j.id == id).unwrap();
    assert!(matches!(done.status, JobStatus::Done { .. }), "{done:?}");
    // A stale answer is dropped.
    update(
        &mut s,
        Event::Delete(DeleteEvent::Applied {
            id: RequestId(9999),
            result: Err("x".into()),
        }),
    );
    assert!(s.status.error.is_none());
}

#[test]
fn a_partial_delete_keeps_the_marks_and_says_what_stayed() {
    let (mut s, plan) = previewed((80, 24), false);
    for c in "analytics".chars() {
        ch(&mut s, c);
    }
    let id = match key(&mut s, KeyCode::Enter).as_slice() {
        [Effect::Delete(DeleteEffect::Apply { id, .. })] => *id,
        other => panic!("{other:?}"),
    };
    let report = DeleteReport {
        bucket: "analytics".into(),
        deleted: plan.objects[..1].to_vec(),
        count: 1,
        bytes: plan.objects[0].size,
        failed: vec![s3scope_core::delete::KeyError {
            key: "media/raw/clip.mov".into(),
            error: "PreconditionFailed: rewritten since the plan".into(),
        }],
        ..DeleteReport::default()
    };
    update(
        &mut s,
        Event::Delete(DeleteEvent::Applied {
            id,
            result: Ok(Box::new(report)),
        }),
    );
    assert_eq!(s.browse.marks.totals().marks, 2);
    let e = s.status.error.clone().unwrap();
    assert!(
        e.contains("1 not deleted") && e.contains("media/raw/clip.mov"),
        "{e}"
    );
    let job = s.jobs.history.iter().find(|j| j.id == id).unwrap();
    assert!(matches!(job.status, JobStatus::Failed(_)));
}

const AK: &str = "BRDELAK";
const SK: &str = "browse-delete-secret";

async fn clients(endpoint: &str) -> Clients {
    crate::support::clients::clients(endpoint, AK, SK).await
}

async fn keys_in(client: &aws_sdk_s3::Client, bucket: &str) -> Vec<String> {
    let out = client
        .list_objects_v2()
        .bucket(bucket)
        .send()
        .await
        .unwrap();
    let mut keys: Vec<String> = out
        .contents()
        .iter()
        .filter_map(|o| o.key().map(String::from))
        .collect();
    keys.sort();
    keys
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_marked_set_is_deleted_through_the_runtime_and_the_rest_stays() {
    let dir = tempfile::tempdir().unwrap();
    let server = s3scope_store::store::EmbeddedServer::start(s3scope_store::store::ServerOptions {
        dir: dir.path().join("store"),
        port: 0,
        access_key: AK.into(),
        secret_key: SK.into(),
        region: "us-east-1".into(),
    })
    .await
    .unwrap();
    let client = store::client_for(&server.endpoint, AK, SK, "us-east-1");
    let bucket = "trash";
    store::create_bucket(&client, bucket).await;
    let all = [
        "keep/a.txt",
        "keep/b.txt",
        "logs/2023/x.gz",
        "logs/2024/1.gz",
        "logs/2024/2.gz",
        "logs/2024-notes.txt",
        "media/clip.mov",
        "other.txt",
        "top.txt",
    ];
    for k in all {
        store::put(&client, bucket, k, k.as_bytes()).await;
    }
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let runtime =
        Runtime::new(clients(&server.endpoint).await, tx).with_snapshot_dir(dir.path().join("c"));
    let status = Status {
        profile: "test".into(),
        endpoint: server.endpoint.clone(),
        ..Status::default()
    };
    let mut tui = Tui {
        state: State::new(status, Keymap::defaults().unwrap(), None),
        runtime,
        rx,
    };
    tui.send(Event::Resize {
        width: 80,
        height: 24,
    });
    tui.command(&format!("browse s3://{bucket}"));
    tui.until("the scan", |s| matches!(s.browse.phase, Phase::Done { .. }))
        .await;
    assert_eq!(tui.state.browse.totals.objects, 9);
    // Mark logs/2024/ (not logs/2024-notes.txt beside it) and media/, and top.txt from the
    // files of the root.
    let go = |tui: &mut Tui, name: &str| {
        tui.key(KeyCode::Home);
        for _ in 0..20 {
            if tui
                .state
                .browse
                .selected_row()
                .is_some_and(|r| r.name == name)
            {
                return;
            }
            tui.key(KeyCode::Down);
        }
        panic!("no row {name}");
    };
    tui.key(KeyCode::Char('n')); // by name: a stable order
    go(&mut tui, "logs/");
    tui.key(KeyCode::Enter);
    go(&mut tui, "2024/");
    tui.key(KeyCode::Char(' '));
    tui.key(KeyCode::Backspace);
    go(&mut tui, "media/");
    tui.key(KeyCode::Char(' '));
    go(&mut tui, "(files)");
    tui.key(KeyCode::Enter);
    tui.until("the files", |s| {
        s.browse.files.as_ref().is_some_and(|f| f.page.is_some())
    })
    .await;
    while tui
        .state
        .browse
        .files
        .as_ref()
        .unwrap()
        .selected()
        .unwrap()
        .key
        != "top.txt"
    {
        tui.key(KeyCode::Down);
    }
    tui.key(KeyCode::Char(' '));
    assert_eq!(tui.state.browse.marks.totals().marks, 3);
    tui.key(KeyCode::Char('D'));
    tui.until("the plan", |s| {
        matches!(s.browse.delete, Some(DeleteFlow::Preview { .. }))
    })
    .await;
    let Some(DeleteFlow::Preview { plan, .. }) = &tui.state.browse.delete else {
        unreachable!()
    };
    assert_eq!(
        plan.first_keys,
        [
            "logs/2024/1.gz",
            "logs/2024/2.gz",
            "media/clip.mov",
            "top.txt"
        ]
    );
    assert!(plan.needs_typed_confirmation && !plan.versioned);
    for c in bucket.chars() {
        tui.key(KeyCode::Char(c));
    }
    tui.key(KeyCode::Enter);
    assert!(
        tui.state
            .jobs
            .active
            .iter()
            .any(|j| j.kind == JobKind::Delete)
    );
    tui.until("the delete", |s| s.browse.delete.is_none()).await;
    assert!(
        tui.state.status.error.is_none(),
        "{:?}",
        tui.state.status.error
    );
    // Exactly the marked objects are gone; every unmarked object stays.
    assert_eq!(
        keys_in(&client, bucket).await,
        [
            "keep/a.txt",
            "keep/b.txt",
            "logs/2023/x.gz",
            "logs/2024-notes.txt",
            "other.txt"
        ]
    );
    // The tree followed without a rescan: the files view lost top.txt, the root its prefixes.
    assert!(matches!(tui.state.browse.phase, Phase::Done { .. }));
    let f = tui.state.browse.files.as_ref().unwrap();
    let left: Vec<&str> = f.objects().map(|o| o.key.as_str()).collect();
    assert_eq!(left, ["other.txt"]);
    tui.key(KeyCode::Backspace);
    assert_eq!(tui.state.browse.totals.objects, 5);
    let names: Vec<&str> = tui
        .state
        .browse
        .rows
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(names, ["(files)", "keep/", "logs/"]);
    assert_eq!(tui.state.pane, Pane::Browse);
    let done = tui
        .state
        .jobs
        .history
        .iter()
        .find(|j| j.kind == JobKind::Delete);
    assert!(matches!(
        done.map(|j| &j.status),
        Some(JobStatus::Done { .. })
    ));
    server.shutdown().await;
}

#[test]
fn long_keys_are_cut_to_one_row_so_the_confirmation_stays_on_screen() {
    let mut s = marked((80, 24));
    let (id, set) = match ch(&mut s, 'D').as_slice() {
        [Effect::Delete(DeleteEffect::Plan { id, set })] => (*id, set.clone()),
        other => panic!("{other:?}"),
    };
    let mut plan = plan_of(set, false);
    let long = |i: usize| {
        format!("logs/2024/05/day=06/part-{i:05}-db44ff9e-4e46-caa9-c0b3-6783c7d8022c.snappy.orc")
    };
    plan.first_keys = (0..10).map(long).collect();
    update(
        &mut s,
        Event::Delete(DeleteEvent::Planned {
            id,
            result: Ok(plan),
        }),
    );
    let buf = buffer(&s, Theme::color());
    let y = find_row(&buf, "part-00000");
    let first = row_text(&buf, y);
    assert!(first.contains('…'), "cut with an ellipsis: {first}");
    assert!(
        !row_text(&buf, y + 1).contains("snappy.orc"),
        "no wrapped remainder"
    );
    let (_, confirm) = find(&buf, "type the bucket name to confirm");
    find(&buf, "Enter deletes once the name matches");
    assert!(confirm < 23, "the confirmation is above the status line");
}
