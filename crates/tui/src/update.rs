//! The pure state machine: one event in, state changed, effects out. No I/O, no clock, no tasks.

mod browse; // Browse pane: open, scan, snapshots, drill in/out, files, details
mod buckets; // Buckets pane: bucket table, sort, filter, units
mod filter; // typing into a table's `/` filter
mod jobs; // Jobs pane: extract/process started from `:`, every long job followed, cancel
mod segregate; // Segregate pane: rule editing, live preview, checks, apply, cancel
mod usage; // Usage pane: summary tree, window, collect with progress, trim after confirmation

use super::command::{self, Command};
use super::effect::Effect;
use super::event::Event;
use super::keymap::Action;
use super::state::buckets::Loaded;
use super::state::jobs as jobs_state;
use super::state::{Help, Pane, State};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

/// The effects to run when the TUI opens.
pub fn start(state: &mut State) -> Vec<Effect> {
    refresh_buckets(state)
}

/// Applies one event. Results tagged with a request id that is no longer awaited are dropped.
/// The Jobs pane follows the job events (progress, end) by id and enters the jobs the effects
/// start.
pub fn update(state: &mut State, event: Event) -> Vec<Effect> {
    let signal = jobs_state::Signal::of(&event);
    let fx = apply(state, event);
    if let Some(signal) = signal {
        jobs_state::follow(state, signal);
    }
    jobs_state::started(state, &fx);
    fx
}

fn apply(state: &mut State, event: Event) -> Vec<Effect> {
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
            segregate::on_tick(state)
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
                        return buckets::table_effect(state);
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
            // The table follows the regions: its lookups then hit the region cache, and
            // CloudWatch needs each bucket's region.
            if state.buckets.merge_regions(id, &resolved, &failures)
                && state.buckets.regions_pending == 0
            {
                return buckets::table_effect(state);
            }
            Vec::new()
        }
        Event::BucketTableLoaded {
            id,
            result,
            source,
            at,
        } => {
            buckets::on_table_loaded(state, id, result, source, at);
            Vec::new()
        }
        Event::SnapshotFound { id, result } => browse::on_snapshot_found(state, id, result),
        Event::InventoryFound { id, result } => {
            browse::on_inventory_found(state, id, result);
            Vec::new()
        }
        Event::InventoryRead {
            id,
            result,
            cancelled,
        } => {
            browse::on_inventory_read(state, id, result, cancelled);
            Vec::new()
        }
        Event::NcduExported { id, result } => {
            browse::on_ncdu_exported(state, id, result);
            Vec::new()
        }
        Event::ScanStarted { id, tree } => {
            browse::on_scan_started(state, id, tree);
            Vec::new()
        }
        Event::ScanProgress { id, counters } => {
            browse::on_scan_progress(state, id, counters);
            Vec::new()
        }
        Event::ScanFinished {
            id,
            result,
            cancelled,
            at,
        } => browse::on_scan_finished(state, id, result, cancelled, at),
        Event::DiffLoaded { id, result } => {
            browse::on_diff_loaded(state, id, result);
            Vec::new()
        }
        Event::SnapshotSaved { id, result } => {
            browse::on_snapshot_saved(state, id, result);
            Vec::new()
        }
        Event::FilesListed { id, result } => {
            browse::on_files_listed(state, id, result);
            Vec::new()
        }
        Event::ObjectHead { id, result } => {
            browse::on_object_head(state, id, result);
            Vec::new()
        }
        Event::Delete(e) => browse::on_delete_event(state, e),
        Event::Cleanup(e) => browse::on_cleanup_event(state, e),
        Event::Segregate(e) => segregate::on_event(state, e),
        Event::Usage(e) => usage::on_event(state, e),
        Event::Jobs(e) => jobs::on_event(state, e),
    }
}

fn on_key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    if !matches!(key.kind, KeyEventKind::Press | KeyEventKind::Repeat) {
        return Vec::new();
    }
    if state.command.is_some() {
        return on_command_key(state, key);
    }
    if let Some(fx) = filter::on_key(state, key) {
        return fx;
    }
    if let Some(fx) = browse::on_delete_key(state, key) {
        return fx;
    }
    if let Some(fx) = browse::on_cleanup_key(state, key) {
        return fx;
    }
    if let Some(fx) = segregate::on_raw_key(state, key) {
        return fx;
    }
    if let Some(fx) = usage::on_raw_key(state, key) {
        return fx;
    }
    state.status.message = None;
    let Some(action) = state.keymap.action(key) else {
        return Vec::new();
    };
    if state.help.is_some() {
        return on_help_key(state, action);
    }
    let global = matches!(
        action,
        Action::Quit
            | Action::Help
            | Action::Command
            | Action::NextPane
            | Action::PrevPane
            | Action::PaneBuckets
            | Action::PaneBrowse
            | Action::PaneUsage
            | Action::PaneSegregate
            | Action::PaneJobs
    );
    if state.pane == Pane::Browse && !global {
        return browse::on_action(state, action);
    }
    if state.pane == Pane::Segregate && !global {
        return segregate::on_action(state, action);
    }
    if state.pane == Pane::Usage && !global {
        return usage::on_action(state, action);
    }
    if state.pane == Pane::Jobs
        && !global
        && let Some(fx) = jobs::on_action(state, action)
    {
        return fx;
    }
    if state.pane == Pane::Buckets
        && let Some(fx) = buckets::on_action(state, action)
    {
        return fx;
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
        Action::Copy if state.pane == Pane::Buckets => copy_bucket(state),
        _ => Vec::new(),
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
        Ok(Some(Command::Browse(loc))) => browse::open(state, &loc.bucket, &loc.key),
        Ok(Some(Command::Extract { data_dir })) => jobs::start_extract(state, data_dir),
        Ok(Some(Command::Process { data_dir, output })) => {
            jobs::start_process(state, data_dir, output)
        }
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
    if pane == Pane::Segregate {
        return segregate::on_show(state);
    }
    if pane == Pane::Usage {
        return usage::on_show(state);
    }
    Vec::new()
}

fn refresh(state: &mut State) -> Vec<Effect> {
    match state.pane {
        Pane::Buckets => refresh_buckets(state),
        Pane::Jobs => {
            state.status.message =
                Some("Jobs: start one with :extract DATA_DIR or :process DATA_DIR OUTPUT".into());
            Vec::new()
        }
        other => {
            state.status.message = Some(format!("{}: nothing to refresh here", other.title()));
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
