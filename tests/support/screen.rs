//! The TUI in tests without a terminal: keys as events, a state drawn on a TestBackend, rows and text found on it.
#![allow(dead_code)] // each test binary uses a different part of this module

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use s3scope_tui::effect::Effect;
use s3scope_tui::event::Event;
use s3scope_tui::state::State;
use s3scope_tui::theme::Theme;
use s3scope_tui::ui;
use s3scope_tui::update::update;

/// A key press without modifiers.
pub fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// A character key press.
pub fn ch(c: char) -> Event {
    key(KeyCode::Char(c))
}

/// Presses `code` on `s`; the effects it asks for.
pub fn press(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, key(code))
}

/// Types `c` on `s`; the effects it asks for.
pub fn press_char(s: &mut State, c: char) -> Vec<Effect> {
    update(s, ch(c))
}

/// Types `:line` and Enter; the effects of the Enter.
pub fn command(s: &mut State, line: &str) -> Vec<Effect> {
    press(s, KeyCode::Char(':'));
    for c in line.chars() {
        press(s, KeyCode::Char(c));
    }
    press(s, KeyCode::Enter)
}

/// `state` drawn at `w`x`h` in `theme`.
pub fn draw_in(state: &State, w: u16, h: u16, theme: Theme) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::draw(f, state, theme)).unwrap();
    t
}

/// `state` drawn at its own size in `theme`.
pub fn draw(state: &State, theme: Theme) -> Terminal<TestBackend> {
    draw_in(state, state.size.0, state.size.1, theme)
}

/// `state` drawn at `w`x`h` in colour.
pub fn draw_at(state: &State, w: u16, h: u16) -> Terminal<TestBackend> {
    draw_in(state, w, h, Theme::color())
}

/// The cells of `state` drawn at its own size in `theme`.
pub fn buffer(state: &State, theme: Theme) -> Buffer {
    draw(state, theme).backend().buffer().clone()
}

/// Row `y` of the screen as text.
pub fn row_text(buf: &Buffer, y: u16) -> String {
    (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
}

/// The whole screen as text, a line per row.
pub fn screen_text(buf: &Buffer) -> String {
    (0..buf.area.height)
        .map(|y| row_text(buf, y))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first row holding `needle`.
pub fn find_row(buf: &Buffer, needle: &str) -> u16 {
    (0..buf.area.height)
        .find(|y| row_text(buf, *y).contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` not on screen:\n{}", screen_text(buf)))
}

/// The cell (column, row) where the first `needle` on screen starts; columns, not bytes.
pub fn find(buf: &Buffer, needle: &str) -> (u16, u16) {
    for y in 0..buf.area.height {
        let row: Vec<&str> = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        let text: String = row.concat();
        if let Some(byte) = text.find(needle) {
            let mut seen = 0;
            let col = row.iter().take_while(|s| {
                let before = seen < byte;
                seen += s.len();
                before
            });
            return (u16::try_from(col.count()).unwrap(), y);
        }
    }
    panic!("`{needle}` not on screen:\n{}", screen_text(buf))
}

/// Snapshot of `state` drawn in colour at its own size, named `NAME_WxH`.
#[macro_export]
macro_rules! snap {
    ($name:expr, $state:expr) => {{
        let state: &s3scope_tui::state::State = $state;
        let terminal = $crate::support::screen::draw(state, s3scope_tui::theme::Theme::color());
        let (w, h) = state.size;
        insta::assert_snapshot!(format!("{}_{w}x{h}", $name), terminal.backend());
    }};
}
