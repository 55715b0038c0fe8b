//! The TUI state machine driven by the real runtime: effects run as tasks, events fed back until a condition holds.
#![allow(dead_code)] // each test binary uses a different part of this module

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use s3scope_tui::event::Event;
use s3scope_tui::runtime::Runtime;
use s3scope_tui::state::State;
use s3scope_tui::theme::Theme;
use s3scope_tui::ui;
use s3scope_tui::update::update;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

/// Only guards against a hang: events, not the clock, drive every wait.
pub const HANG_GUARD: Duration = Duration::from_secs(300);

pub struct Tui {
    pub state: State,
    pub runtime: Runtime,
    pub rx: UnboundedReceiver<Event>,
}

impl Tui {
    /// Feeds `event` to update and runs the effects it asks for.
    pub fn send(&mut self, event: Event) {
        for effect in update(&mut self.state, event) {
            self.runtime.execute(effect, &mut Vec::new()).unwrap();
        }
    }

    pub fn key(&mut self, code: KeyCode) {
        self.send(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    /// Types `:text` and Enter.
    pub fn command(&mut self, text: &str) {
        self.key(KeyCode::Char(':'));
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
        self.key(KeyCode::Enter);
    }

    /// Runs events until `done` holds.
    pub async fn until(&mut self, what: &str, done: impl Fn(&State) -> bool) {
        let deadline = tokio::time::Instant::now() + HANG_GUARD;
        while !done(&self.state) {
            let ev = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .unwrap_or_else(|_| {
                    panic!(
                        "timed out waiting for {what}; phase {:?}",
                        self.state.browse.phase
                    )
                })
                .expect("runtime alive");
            self.send(ev);
        }
    }

    /// The screen at `w`x`h`, without the status message (it may name a time).
    pub fn screen(&mut self, w: u16, h: u16) -> Terminal<TestBackend> {
        self.send(Event::Resize {
            width: w,
            height: h,
        });
        let message = self.state.status.message.take();
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        terminal
            .draw(|f| ui::draw(f, &self.state, Theme::color()))
            .unwrap();
        self.state.status.message = message;
        terminal
    }
}
