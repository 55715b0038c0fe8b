//! Cleanup from Browse's hidden-cost view: `X` plans the prefix on screen with the TUI's ages
//! (only from the hidden-cost view, refused on read-only profiles), the preview shows counts,
//! bytes and the monthly saving (snapshots at 80x24 and 160x48), Enter runs it as a job.

use super::browse_render::finished;
use crate::support::screen::{buffer, find, press as key, press_char as ch, screen_text};
use chrono::{TimeZone, Utc};
use crossterm::event::KeyCode;
use ratatui::style::Color;
use s3scope_core::cleanup::{Age, CleanupItem, CleanupPlan, CleanupReport, Tally};
use s3scope_core::prices::Prices;
use s3scope_tui::effect::Effect;
use s3scope_tui::event::Event;
use s3scope_tui::state::State;
use s3scope_tui::state::browse::{CleanupEffect, CleanupEvent, CleanupFlow};
use s3scope_tui::state::jobs::{JobKind, JobStatus};
use s3scope_tui::theme::Theme;
use s3scope_tui::update::update;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn hidden_view(size: (u16, u16)) -> State {
    let mut s = finished(size);
    s.set_prices(Some(Prices::aws_defaults()));
    // X outside the hidden-cost view says where it works.
    assert!(ch(&mut s, 'X').is_empty());
    assert!(
        s.status
            .message
            .as_deref()
            .unwrap()
            .contains("hidden-cost view")
    );
    s.browse.tree_has_hidden = true;
    ch(&mut s, 'v');
    assert!(s.browse.show_hidden);
    s
}

fn planned(size: (u16, u16)) -> (State, Box<CleanupPlan>) {
    let mut s = hidden_view(size);
    let (id, spec) = match ch(&mut s, 'X').as_slice() {
        [Effect::Cleanup(CleanupEffect::Plan { id, spec, .. })] => (*id, spec.clone()),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        (spec.bucket.as_str(), spec.prefix.as_str()),
        ("analytics", "")
    );
    assert_eq!(spec.uploads_older_than, Some(Age::from_days(7)));
    assert_eq!(spec.noncurrent_older_than, Some(Age::from_days(30)));
    assert!(spec.delete_markers);
    let t = Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap();
    let plan = Box::new(CleanupPlan {
        id: "p1".into(),
        spec,
        uploads: Tally {
            count: 1,
            bytes: 5 << 30,
        },
        versions: Tally {
            count: 2,
            bytes: 60 << 20,
        },
        delete_markers: Tally { count: 1, bytes: 0 },
        monthly_saving_usd: Some(0.1164),
        calls: 4,
        items: vec![
            CleanupItem::Upload {
                key: "media/raw/big.mov".into(),
                upload_id: "u1".into(),
                initiated: t,
                parts: 3,
                bytes: 5 << 30,
            },
            CleanupItem::Version {
                key: "logs/2024/05/01.gz".into(),
                version_id: "v1".into(),
                size: 30 << 20,
                storage_class: "STANDARD".into(),
                noncurrent_since: t,
            },
        ],
    });
    update(
        &mut s,
        Event::Cleanup(CleanupEvent::Planned {
            id,
            result: Ok(plan.clone()),
        }),
    );
    (s, plan)
}

#[test]
fn the_preview_shows_what_goes_and_what_it_saves() {
    for size in SIZES {
        let (s, _) = planned(size);
        crate::snap!("browse_cleanup_preview", &s);
        let buf = buffer(&s, Theme::color());
        let text = screen_text(&buf);
        assert!(text.contains("1 incomplete upload") && text.contains("2 noncurrent versions"));
        assert!(text.contains("      1 delete marker"), "{text}");
        let (x, y) = find(&buf, "saves $0.12/mo");
        assert_eq!(buf[(x, y)].fg, Color::Yellow);
    }
}

#[test]
fn enter_runs_it_as_a_job_and_esc_does_not() {
    let (mut s, _) = planned((80, 24));
    key(&mut s, KeyCode::Esc);
    assert!(s.browse.cleanup.is_none());
    let (mut s, plan) = planned((80, 24));
    let id = match key(&mut s, KeyCode::Enter).as_slice() {
        [Effect::Cleanup(CleanupEffect::Apply { id, plan: p, .. })] => {
            assert_eq!(p, &plan);
            *id
        }
        other => panic!("{other:?}"),
    };
    assert!(matches!(
        s.browse.cleanup,
        Some(CleanupFlow::Running { .. })
    ));
    assert!(
        s.jobs
            .active
            .iter()
            .any(|j| j.id == id && j.kind == JobKind::Cleanup)
    );
    assert_eq!(
        ch(&mut s, 'c'),
        [Effect::Cleanup(CleanupEffect::Cancel { id })]
    );
    let report = CleanupReport {
        bucket: "analytics".into(),
        uploads: plan.uploads,
        versions: plan.versions,
        delete_markers: plan.delete_markers,
        bytes_by_class: [("STANDARD".to_string(), (5u64 << 30) + (60 << 20))].into(),
        ..CleanupReport::default()
    };
    update(
        &mut s,
        Event::Cleanup(CleanupEvent::Applied {
            id,
            result: Ok(Box::new(report)),
        }),
    );
    let m = s.status.message.clone().unwrap();
    assert!(
        m.starts_with("cleaned up 1 upload, 2 noncurrent versions, 1 delete marker"),
        "{m}"
    );
    assert!(m.contains("saving $0.12/mo"), "{m}");
    let job = s.jobs.history.iter().find(|j| j.id == id).unwrap();
    assert!(matches!(job.status, JobStatus::Done { .. }));
}

#[test]
fn read_only_profiles_are_refused_first() {
    let mut s = hidden_view((80, 24));
    s.status.read_only = true;
    assert!(ch(&mut s, 'X').is_empty());
    assert!(s.browse.cleanup.is_none());
    assert!(s.status.error.as_deref().unwrap().contains("read-only"));
}
