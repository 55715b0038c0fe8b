//! Benchmark (prints figures, asserts nothing): the Segregate pane's live preview over 100,000
//! listed keys, computed by the TUI's own `update` and drawn by its own view at 160x48, when
//! the listing lands and then at each keystroke of a regex edit.
//!
//! Run: `cargo run --release --example segregate_preview` (or bench/segregate.sh). Target: under 1 s.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use s3scope_core::config::SegregateRuleFile;
use s3scope_core::s3::lister::ListedObject;
use s3scope_core::segregate::plan::Existing;
use s3scope_tui::effect::Effect;
use s3scope_tui::event::Event;
use s3scope_tui::keymap::Keymap;
use s3scope_tui::state::segregate::{SegregateEffect, SegregateEvent, SegregateState};
use s3scope_tui::state::{State, Status};
use s3scope_tui::theme::Theme;
use s3scope_tui::{ui, update::update};
use std::time::{Duration, Instant};

const KEYS: usize = 100_000;

fn objects() -> Vec<ListedObject> {
    let nodes = [
        "4008-BRCCNH-CCNCDR44",
        "4008-BRCCNH-CCNCDR45",
        "4011-SPOCNH-CCNCDR12",
    ];
    (0..KEYS)
        .map(|i| {
            let day = 24 + i % 14;
            let (y, m, d) = if day > 31 {
                (2023, 1, day - 31)
            } else {
                (2022, 12, day)
            };
            let name = if i % 20 == 7 {
                format!("manifest-{y}{m:02}{d:02}-{i}.json")
            } else {
                format!(
                    "CHARGINGCDR_{}-01-Blk0Blk-{:04}-{y}{m:02}{d:02}-{:02}{:02}{:02}-{:02}.ccn",
                    nodes[i % 3],
                    i % 10_000,
                    i % 24,
                    i % 60,
                    (i / 7) % 60,
                    i % 100
                )
            };
            ListedObject {
                key: format!("incoming/{name}"),
                size: 600 + (i as u64 * 7919) % 24_000,
                last_modified: None,
                storage_class: "STANDARD".into(),
                etag: Some(format!("\"{i:032x}\"")),
            }
        })
        .collect()
}

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn draw(terminal: &mut Terminal<TestBackend>, s: &State) -> Duration {
    let t = Instant::now();
    terminal
        .draw(|f| ui::draw(f, s, Theme::color()))
        .expect("draw");
    t.elapsed()
}

/// Answers the destination checks (nothing at the destinations).
fn answer(s: &mut State, effects: Vec<Effect>) {
    for e in effects {
        if let Effect::Segregate(SegregateEffect::Check {
            id,
            bucket,
            prefixes,
        }) = e
        {
            let result: Result<Vec<(String, Existing)>, _> = Ok(Vec::new());
            let more = update(
                s,
                Event::Segregate(SegregateEvent::Checked {
                    id,
                    bucket,
                    prefixes,
                    result,
                }),
            );
            answer(s, more);
        }
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let rule = SegregateRuleFile {
        name: "cdr".into(),
        bucket: "mediation".into(),
        source_prefix: "incoming/".into(),
        match_pattern: Some(r"^CHARGINGCDR_.*-(\d{8})-?(\d{2}).*".into()),
        datetime_format: Some("%Y%m%d%H".into()),
        target: "segregated/%Y/%m/%d/".into(),
        error_prefix: "errors/".into(),
        ..SegregateRuleFile::default()
    };
    let status = Status {
        profile: "bench".into(),
        endpoint: "http://127.0.0.1:9000".into(),
        ..Status::default()
    };
    let mut s = State::new(status, Keymap::defaults().expect("keymap"), None);
    s.segregate = SegregateState::with_rules(&[rule]);
    update(
        &mut s,
        Event::Resize {
            width: 160,
            height: 48,
        },
    );
    update(
        &mut s,
        Event::Tick {
            now: chrono::Utc::now(),
        },
    );
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    let fx = key(&mut s, KeyCode::Char('4'));
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Segregate(SegregateEffect::List { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("list effect");
    let all = objects();

    // The listing lands in batches as the runtime sends them, the last one completes it.
    let t = Instant::now();
    let mut batches = all.chunks(5000).peekable();
    while let Some(batch) = batches.next() {
        let done = batches.peek().is_none().then_some(Ok(true));
        let fx = update(
            &mut s,
            Event::Segregate(SegregateEvent::Listed {
                id,
                objects: batch.to_vec(),
                list_calls: 100,
                done,
            }),
        );
        answer(&mut s, fx);
    }
    let computed = t.elapsed();
    let drawn = draw(&mut terminal, &s);
    let sum = &s.segregate.preview.summary;
    println!(
        "preview of {} listed keys: computed in {} (incl. destination checks), drawn in {}: {} total",
        s.segregate.listing.objects.len(),
        ms(computed),
        ms(drawn),
        ms(computed + drawn)
    );
    println!(
        "  move {} · error {} (no match {}, unparseable {}) · {} target days",
        sum.moves.objects,
        sum.error.objects,
        sum.no_match,
        sum.unparseable,
        sum.days.len()
    );

    // A regex edit: delete `-?(\d{2}).*` and type it again, one key at a time; each key
    // recomputes the whole preview and draws a frame.
    key(&mut s, KeyCode::Char('e'));
    key(&mut s, KeyCode::End);
    let edit = "-?(\\d{2}).*";
    let mut times = Vec::new();
    for _ in 0..edit.chars().count() {
        let t = Instant::now();
        let fx = key(&mut s, KeyCode::Backspace);
        answer(&mut s, fx);
        draw(&mut terminal, &s);
        times.push(t.elapsed());
    }
    for c in edit.chars() {
        let t = Instant::now();
        let fx = key(&mut s, KeyCode::Char(c));
        answer(&mut s, fx);
        draw(&mut terminal, &s);
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "each keystroke of a regex edit ({} keys, 100,000 keys recomputed and drawn): median {}, max {}",
        times.len(),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    );
    let target = Duration::from_secs(1);
    let worst = (computed + drawn).max(times[times.len() - 1]);
    println!(
        "target < 1 s: {}",
        if worst < target { "met" } else { "NOT met" }
    );
}
