//! Typing into the `/` filter of the Buckets or Browse table: the rows follow each key.

use super::browse;
use crate::effect::Effect;
use crate::state::{Pane, State};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::backend::crossterm::to_input_request;

/// Handles a key while a filter field is open; None when no field is open.
pub fn on_key(state: &mut State, key: &KeyEvent) -> Option<Vec<Effect>> {
    let filter = match state.pane {
        Pane::Buckets => &mut state.buckets.filter,
        Pane::Browse => &mut state.browse.filter,
        _ => return None,
    };
    if !filter.editing {
        return None;
    }
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    let mut pass_on = false;
    match key.code {
        KeyCode::Esc => filter.clear(),
        _ if ctrl_c => filter.clear(),
        KeyCode::Backspace if filter.text().is_empty() => filter.clear(),
        KeyCode::Enter => filter.accept(),
        // Moving keeps the filter and moves in the filtered rows.
        KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown => {
            filter.accept();
            pass_on = true;
        }
        _ => {
            if let Some(req) = to_input_request(&crossterm::event::Event::Key(*key)) {
                filter.input_mut().handle(req);
            }
        }
    }
    refresh(state);
    if pass_on {
        return None;
    }
    Some(Vec::new())
}

fn refresh(state: &mut State) {
    match state.pane {
        Pane::Buckets => {
            state.buckets.rebuild_view();
            let page = state.page_rows();
            state.buckets.keep_visible(page);
        }
        Pane::Browse => browse::refresh_rows(state),
        _ => {}
    }
}
