//! The pure state machine: one event in, state changed, effects out. No I/O, no clock, no tasks.

use super::command::{self, Command};
use super::effect::Effect;
use super::event::Event;
use super::keymap::Action;
use super::state::buckets::Loaded;
use super::state::{Help, Pane, State};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

/// The effects to run when the TUI opens.
pub fn start(state: &mut State) -> Vec<Effect> {
    refresh_buckets(state)
}

/// Applies one event. Results tagged with a request id that is no longer awaited are dropped.
pub fn update(state: &mut State, event: Event) -> Vec<Effect> {
    match event {
        Event::Key(key) => on_key(state, &key),
        Event::Resize { width, height } => {
            state.size = (width, height);
            let page = state.page_rows();
            state.buckets.move_by(0, page);
            Vec::new()
        }
        Event::Tick { now } => {
            state.now = Some(now);
            state.frame = state.frame.wrapping_add(1);
            Vec::new()
        }
        Event::BucketsLoaded { id, result, at } => {
            match state.buckets.finish_load(id, result, at) {
                Loaded::Stale => Vec::new(),
                Loaded::Failed(message) => {
                    state.status.error = Some(message);
                    Vec::new()
                }
                Loaded::Ok { unresolved } => {
                    if unresolved.is_empty() {
                        return Vec::new();
                    }
                    let id = state.next_request();
                    state.buckets.begin_regions(id, unresolved.len());
                    vec![Effect::ResolveRegions {
                        id,
                        buckets: unresolved,
                    }]
                }
            }
        }
        Event::RegionsResolved {
            id,
            resolved,
            failures,
        } => {
            state.buckets.merge_regions(id, &resolved, &failures);
            Vec::new()
        }
    }
}

fn on_key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    if !matches!(key.kind, KeyEventKind::Press | KeyEventKind::Repeat) {
        return Vec::new();
    }
    if state.command.is_some() {
        return on_command_key(state, key);
    }
    state.status.message = None;
    let Some(action) = state.keymap.action(key) else {
        return Vec::new();
    };
    if state.help.is_some() {
        return on_help_key(state, action);
    }
    match action {
        Action::Quit => quit(state),
        Action::Help => {
            state.help = Some(Help::default());
            Vec::new()
        }
        Action::Command => {
            state.command = Some(Input::default());
            Vec::new()
        }
        Action::Refresh => refresh(state),
        Action::Close => {
            state.status.error = None;
            Vec::new()
        }
        Action::NextPane => show(state, state.pane.next()),
        Action::PrevPane => show(state, state.pane.prev()),
        Action::PaneBuckets => show(state, Pane::Buckets),
        Action::PaneBrowse => show(state, Pane::Browse),
        Action::PaneUsage => show(state, Pane::Usage),
        Action::PaneSegregate => show(state, Pane::Segregate),
        Action::PaneJobs => show(state, Pane::Jobs),
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => {
            if state.pane == Pane::Buckets {
                navigate_buckets(state, action);
            }
            Vec::new()
        }
        Action::Open if state.pane == Pane::Buckets => open_bucket(state),
        Action::Copy if state.pane == Pane::Buckets => copy_bucket(state),
        Action::Open | Action::Copy => Vec::new(),
    }
}

fn on_help_key(state: &mut State, action: Action) -> Vec<Effect> {
    if action == Action::Quit {
        return quit(state);
    }
    let page = u16::try_from(state.page_rows()).unwrap_or(u16::MAX);
    // The help has fewer lines than this; the view clamps to its real length.
    let max = u16::try_from(Action::ALL.len() + command::COMMANDS.len() + 12).unwrap_or(u16::MAX);
    if let Some(help) = state.help.as_mut() {
        match action {
            Action::Close | Action::Help => state.help = None,
            Action::Up => help.scroll = help.scroll.saturating_sub(1),
            Action::Down => help.scroll = help.scroll.saturating_add(1).min(max),
            Action::PageUp => help.scroll = help.scroll.saturating_sub(page),
            Action::PageDown => help.scroll = help.scroll.saturating_add(page).min(max),
            Action::Top => help.scroll = 0,
            _ => {}
        }
    }
    Vec::new()
}

fn on_command_key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    let Some(input) = state.command.as_mut() else {
        return Vec::new();
    };
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => state.command = None,
        _ if ctrl_c => state.command = None,
        KeyCode::Backspace if input.value().is_empty() => state.command = None,
        KeyCode::Enter => {
            let line = input.value().to_string();
            state.command = None;
            return run_command(state, &line);
        }
        _ => {
            if let Some(req) = to_input_request(&crossterm::event::Event::Key(*key)) {
                input.handle(req);
            }
        }
    }
    Vec::new()
}

fn run_command(state: &mut State, line: &str) -> Vec<Effect> {
    match command::parse(line) {
        Ok(None) => Vec::new(),
        Ok(Some(Command::Quit)) => quit(state),
        Ok(Some(Command::Show(pane))) => show(state, pane),
        Ok(Some(Command::Help)) => {
            state.help = Some(Help::default());
            Vec::new()
        }
        Ok(Some(Command::Refresh)) => refresh(state),
        Err(message) => {
            state.status.error = Some(message);
            Vec::new()
        }
    }
}

fn quit(state: &mut State) -> Vec<Effect> {
    state.quit = true;
    vec![Effect::Quit]
}

fn show(state: &mut State, pane: Pane) -> Vec<Effect> {
    state.pane = pane;
    Vec::new()
}

fn refresh(state: &mut State) -> Vec<Effect> {
    match state.pane {
        Pane::Buckets => refresh_buckets(state),
        other => {
            state.status.message = Some(format!(
                "{}: nothing to refresh, this pane is not built yet",
                other.title()
            ));
            Vec::new()
        }
    }
}

fn refresh_buckets(state: &mut State) -> Vec<Effect> {
    let id = state.next_request();
    state.buckets.begin_load(id);
    state.status.error = None;
    vec![Effect::LoadBuckets { id }]
}

fn navigate_buckets(state: &mut State, action: Action) {
    let page = state.page_rows();
    let b = &mut state.buckets;
    let step = isize::try_from(page).unwrap_or(isize::MAX);
    match action {
        Action::Up => b.move_by(-1, page),
        Action::Down => b.move_by(1, page),
        Action::PageUp => b.move_by(-step, page),
        Action::PageDown => b.move_by(step, page),
        Action::Top => b.select_first(page),
        Action::Bottom => b.select_last(page),
        _ => {}
    }
}

fn open_bucket(state: &mut State) -> Vec<Effect> {
    if let Some(name) = state.buckets.selected_bucket().map(|b| b.name.clone()) {
        state.browse.bucket = Some(name);
        state.pane = Pane::Browse;
    }
    Vec::new()
}

fn copy_bucket(state: &mut State) -> Vec<Effect> {
    let Some(name) = state.buckets.selected_bucket().map(|b| b.name.clone()) else {
        return Vec::new();
    };
    let url = format!("s3://{name}");
    state.status.message = Some(format!(
        "copied {} to the clipboard (OSC 52; needs a terminal that allows it)",
        super::sanitize::sanitize(&url)
    ));
    vec![Effect::CopyToClipboard(url)]
}
