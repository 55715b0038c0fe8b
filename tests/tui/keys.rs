//! The TUI state machine without a terminal or tokio: panes, the command line, help, quitting.

use crate::support::buckets::{at, loaded, new_state};
use crate::support::screen::{ch, key};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use s3scope_tui::effect::Effect;
use s3scope_tui::event::Event;
use s3scope_tui::keymap::Keymap;
use s3scope_tui::state::{Pane, State, Status};
use s3scope_tui::update::update;
use std::collections::BTreeMap;

fn type_command(s: &mut State, text: &str) -> Vec<Effect> {
    assert!(update(s, ch(':')).is_empty());
    for c in text.chars() {
        update(s, ch(c));
    }
    update(s, key(KeyCode::Enter))
}

#[test]
fn panes_switch_with_digits_and_tab() {
    let mut s = new_state();
    for (c, pane) in [
        ('2', Pane::Browse),
        ('3', Pane::Usage),
        ('4', Pane::Segregate),
        ('5', Pane::Jobs),
        ('1', Pane::Buckets),
    ] {
        update(&mut s, ch(c));
        assert_eq!(s.pane, pane);
    }
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.pane, Pane::Browse);
    update(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
    );
    update(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
    );
    assert_eq!(s.pane, Pane::Jobs);
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.pane, Pane::Buckets);
}

#[test]
fn enter_opens_browse_with_the_bucket_and_y_copies() {
    let (mut s, _) = loaded(&["alpha", "beta"]);
    update(&mut s, ch('j'));
    let fx = update(&mut s, ch('y'));
    assert_eq!(fx, vec![Effect::CopyToClipboard("s3://beta".into())]);
    assert!(
        s.status
            .message
            .as_deref()
            .unwrap()
            .contains("copied s3://beta")
    );
    // Enter opens Browse and looks for a snapshot of the bucket first.
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(
        matches!(fx.as_slice(), [Effect::FindSnapshot { bucket, .. }, Effect::FindInventory { .. }] if bucket == "beta"),
        "{fx:?}"
    );
    assert_eq!(s.pane, Pane::Browse);
    assert_eq!(s.browse.bucket.as_deref(), Some("beta"));
    // y in Browse copies the selected row; with no tree yet there is nothing to copy.
    assert!(update(&mut s, ch('y')).is_empty());
}

#[test]
fn enter_and_y_without_buckets_do_nothing() {
    let (mut s, _) = loaded(&[]);
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert!(update(&mut s, ch('y')).is_empty());
    assert_eq!(s.pane, Pane::Buckets);
}

#[test]
fn q_quits_and_ctrl_c_too() {
    let mut s = new_state();
    assert_eq!(update(&mut s, ch('q')), vec![Effect::Quit]);
    assert!(s.quit);
    let mut s = new_state();
    let ctrl_c = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert_eq!(update(&mut s, ctrl_c), vec![Effect::Quit]);
}

#[test]
fn command_line_switches_panes_and_quits() {
    let mut s = new_state();
    assert!(type_command(&mut s, "usage").is_empty());
    assert_eq!(s.pane, Pane::Usage);
    assert!(s.command.is_none());
    type_command(&mut s, "jobs");
    assert_eq!(s.pane, Pane::Jobs);
    type_command(&mut s, "help");
    assert!(s.help.is_some());
    update(&mut s, key(KeyCode::Esc));
    type_command(&mut s, "buckets");
    let fx = type_command(&mut s, "refresh");
    assert!(matches!(fx.as_slice(), [Effect::LoadBuckets { .. }]));
    assert_eq!(type_command(&mut s, "q"), vec![Effect::Quit]);
}

#[test]
fn unknown_command_is_an_error_in_the_status_bar() {
    let mut s = new_state();
    assert!(type_command(&mut s, "frobnicate").is_empty());
    assert_eq!(
        s.status.error.as_deref(),
        Some("unknown command `:frobnicate`; :help lists the commands")
    );
    // Esc clears it.
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.status.error, None);
}

#[test]
fn command_line_keys_do_not_trigger_actions() {
    let mut s = new_state();
    update(&mut s, ch(':'));
    assert!(update(&mut s, ch('q')).is_empty());
    assert!(update(&mut s, ch('2')).is_empty());
    assert!(!s.quit);
    assert_eq!(s.pane, Pane::Buckets);
    assert_eq!(s.command.as_ref().unwrap().value(), "q2");
    update(&mut s, key(KeyCode::Backspace));
    update(&mut s, key(KeyCode::Backspace));
    assert!(s.command.is_some());
    // Backspace on an empty line closes it, like vi.
    update(&mut s, key(KeyCode::Backspace));
    assert!(s.command.is_none());
    update(&mut s, ch(':'));
    update(&mut s, ch('x'));
    update(&mut s, key(KeyCode::Esc));
    assert!(s.command.is_none());
    assert_eq!(s.status.error, None);
}

#[test]
fn help_opens_scrolls_closes_and_q_still_quits() {
    let mut s = new_state();
    update(&mut s, ch('?'));
    assert!(s.help.is_some());
    update(&mut s, ch('j'));
    update(&mut s, ch('j'));
    assert_eq!(s.help.as_ref().unwrap().scroll, 2);
    update(&mut s, ch('k'));
    assert_eq!(s.help.as_ref().unwrap().scroll, 1);
    // Pane keys are inert while help is open.
    update(&mut s, ch('3'));
    assert_eq!(s.pane, Pane::Buckets);
    update(&mut s, key(KeyCode::Esc));
    assert!(s.help.is_none());
    update(&mut s, ch('?'));
    update(&mut s, ch('?'));
    assert!(s.help.is_none());
    update(&mut s, ch('?'));
    assert_eq!(update(&mut s, ch('q')), vec![Effect::Quit]);
}

#[test]
fn refresh_in_the_jobs_pane_says_how_to_start_a_job() {
    let mut s = new_state();
    update(&mut s, ch('5'));
    assert!(update(&mut s, ch('r')).is_empty());
    assert!(
        s.status
            .message
            .as_deref()
            .unwrap()
            .contains(":extract DATA_DIR")
    );
    // The next key clears an info message.
    update(&mut s, ch('j'));
    assert_eq!(s.status.message, None);
}

#[test]
fn keymap_overrides_apply() {
    let overrides: BTreeMap<String, String> = [("quit".to_string(), "x".to_string())].into();
    let mut s = State::new(
        Status::default(),
        Keymap::from_config(&overrides).unwrap(),
        None,
    );
    assert!(update(&mut s, ch('q')).is_empty());
    assert_eq!(update(&mut s, ch('x')), vec![Effect::Quit]);
}

#[test]
fn ticks_bring_the_clock_and_resizes_the_size() {
    let mut s = new_state();
    update(&mut s, Event::Tick { now: at() });
    update(&mut s, Event::Tick { now: at() });
    assert_eq!((s.frame, s.now), (2, Some(at())));
    update(
        &mut s,
        Event::Resize {
            width: 160,
            height: 48,
        },
    );
    assert_eq!(s.size, (160, 48));
    assert_eq!(s.page_rows(), 40);
}

#[test]
fn banner_is_the_first_message() {
    let s = State::new(
        Status::default(),
        Keymap::defaults().unwrap(),
        Some("demo: embedded S3".into()),
    );
    assert_eq!(s.status.message.as_deref(), Some("demo: embedded S3"));
    assert_eq!(s.banner.as_deref(), Some("demo: embedded S3"));
}
