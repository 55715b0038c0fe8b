//! Cost and class columns in Buckets and Browse: the Cost/mo column with prices and none without,
//! sort by cost, the one storage-class order at every level, the "+N classes hidden" header and
//! the key that cycles them, the priced LIST-call estimate, and the cursor that stays on top
//! while a scan streams in. Snapshots at 80x24 and 160x48.

use super::browse_render::{finished, scanning, with_table};
use crate::support::screen::{buffer, draw, find, find_row, press as key, press_char as ch};
use crate::support::screen::{row_text, screen_text};
use crossterm::event::KeyCode;
use ratatui::style::Color;
use s3scope_core::job::Snapshot;
use s3scope_core::prices::Prices;
use s3scope_tui::effect::Effect;
use s3scope_tui::event::Event;
use s3scope_tui::state::State;
use s3scope_tui::theme::Theme;
use s3scope_tui::update::update;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn priced(mut s: State) -> State {
    s.set_prices(Some(Prices::aws_defaults()));
    s
}

fn bucket_names(s: &State) -> Vec<&str> {
    let b = &s.buckets;
    b.view.iter().map(|&i| b.buckets[i].name.as_str()).collect()
}

#[test]
fn buckets_with_prices_show_and_sort_by_cost() {
    for size in SIZES {
        crate::snap!("buckets_priced", &priced(with_table(size)));
    }
    let mut s = priced(with_table((160, 48)));
    let buf = buffer(&s, Theme::color());
    // 900 GiB STANDARD at $0.023 + 3 TiB GLACIER at $0.0036, and the total of both buckets.
    let y = find_row(&buf, "analytics");
    assert!(
        row_text(&buf, y).contains("$31.76"),
        "{}",
        screen_text(&buf)
    );
    let y = find_row(&buf, "TOTAL 3 (partial)");
    assert!(row_text(&buf, y).contains("$31.76"));
    // Sort by cost: dearest first, unknown last; again: cheapest first, unknown still last.
    ch(&mut s, 'n');
    assert_eq!(bucket_names(&s), ["analytics", "denied-bucket", "logs"]);
    ch(&mut s, '$');
    assert_eq!(bucket_names(&s), ["analytics", "logs", "denied-bucket"]);
    ch(&mut s, '$');
    assert_eq!(bucket_names(&s), ["logs", "analytics", "denied-bucket"]);
}

#[test]
fn no_prices_no_cost_column_and_the_sort_key_says_why() {
    for size in SIZES {
        let mut s = with_table(size);
        let buf = buffer(&s, Theme::color());
        assert!(!screen_text(&buf).contains("Cost/mo"));
        let before = bucket_names(&s).join(",");
        ch(&mut s, '$');
        assert_eq!(bucket_names(&s).join(","), before);
        let m = s.status.message.clone().unwrap();
        assert!(m.contains("no prices") && m.contains("[prices]"), "{m}");
        let mut s = finished(size);
        let buf = buffer(&s, Theme::color());
        assert!(!screen_text(&buf).contains("Cost/mo"));
        assert!(!screen_text(&buf).contains("/mo"));
        ch(&mut s, '$');
        assert!(s.status.message.as_deref().unwrap().contains("no prices"));
    }
}

#[test]
fn browse_with_prices_shows_cost_per_row_and_total() {
    for size in SIZES {
        let mut s = priced(finished(size));
        crate::snap!("browse_priced", &s);
        // Sort by cost: 1.2 GiB mostly STANDARD (logs/) costs more than 2 GiB STANDARD_IA
        // (media/), though it is smaller.
        ch(&mut s, '$');
        let names: Vec<&str> = s.browse.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names[..2], ["logs/", "media/"]);
        let costs: Vec<f64> = s.browse.rows.iter().map(|r| r.cost.unwrap()).collect();
        assert!(costs.windows(2).all(|w| w[0] >= w[1]), "{costs:?}");
        crate::snap!("browse_priced_by_cost", &s);
    }
    let s = priced(finished((160, 48)));
    let buf = buffer(&s, Theme::color());
    let (x, y) = find(&buf, "Cost/mo");
    assert_eq!(buf[(x, y)].fg, Color::Yellow, "a header cell");
    // The location's cost is in the totals line.
    assert!(row_text(&buf, 2).contains("/mo"), "{}", row_text(&buf, 2));
}

#[test]
fn the_class_columns_keep_one_order_and_cycle_when_narrow() {
    // Wide: every class, hot to cold, at the root and inside media/.
    let mut s = finished((160, 48));
    let order =
        |s: &State| -> Vec<String> { s.browse.classes.iter().map(|c| c.name.clone()).collect() };
    assert_eq!(order(&s), ["STANDARD", "STANDARD_IA", "GLACIER"]);
    let buf = buffer(&s, Theme::color());
    let y = find_row(&buf, "Objects");
    let header = row_text(&buf, y);
    let at = |n: &str| header.find(n).unwrap();
    assert!(at(" STANDARD ") < at("STD_IA") && at("STD_IA") < at("GLACIER"));
    assert!(
        !screen_text(&buf).contains("classes hidden"),
        "all classes fit"
    );
    while s.browse.selected_row().unwrap().name != "media/" {
        key(&mut s, KeyCode::Down);
    }
    key(&mut s, KeyCode::Enter);
    assert_eq!(order(&s), ["STANDARD", "STANDARD_IA"]);
    // Narrow: one class column at a time; the header says how many are hidden and the key
    // that cycles them, in the warning colour.
    let mut s = finished((80, 24));
    let shown = |s: &State| {
        let buf = buffer(s, Theme::color());
        let y = find_row(&buf, "Objects");
        let h = row_text(&buf, y);
        ["STANDARD", "STD_IA", "GLACIER"]
            .into_iter()
            .filter(|c| h.contains(&format!(" {c} ")))
            .map(String::from)
            .collect::<Vec<_>>()
    };
    let buf = buffer(&s, Theme::color());
    let (x, y) = find(&buf, "+2 classes hidden · ] cycles");
    assert_eq!(y, 1, "in the pane's top border");
    assert_eq!(buf[(x + 1, y)].fg, Color::Yellow);
    let mut seen = Vec::new();
    for _ in 0..4 {
        seen.extend(shown(&s));
        ch(&mut s, ']');
    }
    assert_eq!(seen, ["STANDARD", "STD_IA", "GLACIER", "STANDARD"]);
    // The Buckets pane at 80 columns hides GLACIER the same way and cycles to it.
    let mut s = with_table((80, 24));
    let buf = buffer(&s, Theme::color());
    assert!(
        row_text(&buf, 1).contains("+1 hidden · ]"),
        "{}",
        row_text(&buf, 1)
    );
    let y = find_row(&buf, "Objects");
    assert!(row_text(&buf, y).contains("STANDARD"));
    ch(&mut s, ']');
    let buf = buffer(&s, Theme::color());
    let y = find_row(&buf, "Objects");
    assert!(
        row_text(&buf, y).contains("GLACIER"),
        "{}",
        screen_text(&buf)
    );
}

#[test]
fn the_big_scan_estimate_prices_its_list_calls() {
    for size in SIZES {
        let mut s = priced(with_table(size));
        let find_id = match key(&mut s, KeyCode::Enter).as_slice() {
            [
                Effect::FindSnapshot { id, .. },
                Effect::FindInventory { .. },
            ] => *id,
            other => panic!("{other:?}"),
        };
        update(
            &mut s,
            Event::SnapshotFound {
                id: find_id,
                result: Ok(None),
            },
        );
        crate::snap!("browse_confirm_priced", &s);
        let text = screen_text(draw(&s, Theme::color()).backend().buffer());
        // 2.4M objects: 2,400 LIST calls at $0.005 per 1,000.
        assert!(text.contains("2,400"), "{text}");
        assert!(text.contains("$0.01"), "{text}");
    }
}

#[test]
fn counts_read_naturally() {
    let mut s = finished((160, 48));
    // media/ holds one object in each of two prefixes; its raw/ prefix holds exactly one.
    while s.browse.selected_row().unwrap().name != "media/" {
        key(&mut s, KeyCode::Down);
    }
    key(&mut s, KeyCode::Enter);
    let text = screen_text(&buffer(&s, Theme::color()));
    assert!(text.contains("in 2 objects · 2 classes"), "{text}");
    key(&mut s, KeyCode::Enter);
    let text = screen_text(&buffer(&s, Theme::color()));
    assert!(text.contains("in 1 object · 1 class "), "{text}");
    assert!(text.contains("(1 object here)"), "{text}");
    assert!(!text.contains("1 objects") && !text.contains("1 classes"));
}

#[test]
fn the_cursor_stays_on_top_while_the_scan_reorders_rows() {
    let (mut s, id) = scanning((80, 24));
    assert_eq!(s.browse.cursor.selected, 0);
    let top = s.browse.selected_row().unwrap().name.clone();
    assert_eq!(top, "media/");
    // The scan finds a lot under logs/: it overtakes media/.
    let tree = s.browse.tree.clone().unwrap();
    {
        let mut t = tree.0.write().unwrap();
        for i in 0..100 {
            t.add(&format!("logs/more/{i}"), 1 << 30, "STANDARD", None);
        }
    }
    let progress = |s: &mut State| {
        update(
            s,
            Event::ScanProgress {
                id,
                counters: Snapshot::default(),
            },
        )
    };
    progress(&mut s);
    assert_eq!(
        s.browse.cursor.selected, 0,
        "the cursor did not follow media/"
    );
    assert_eq!(s.browse.selected_row().unwrap().name, "logs/");
    // Once the user has moved, their row is kept as the order changes.
    key(&mut s, KeyCode::Down);
    assert_eq!(s.browse.selected_row().unwrap().name, "media/");
    {
        let mut t = tree.0.write().unwrap();
        for i in 0..300 {
            t.add(&format!("media/more/{i}"), 1 << 30, "STANDARD", None);
        }
    }
    progress(&mut s);
    assert_eq!(s.browse.selected_row().unwrap().name, "media/");
    assert_eq!(s.browse.cursor.selected, 0);
}
