//! Terminal front end: an async state machine (event → update → effects) drawn with ratatui.

pub mod app; // entry point, terminal loop, TuiContext, TuiError
pub mod command; // the `:` command language
pub mod effect; // what update asks the runtime to do
pub mod event; // keys, resizes, ticks, effect results
pub mod keymap; // default bindings + config overrides, help text source
pub mod runtime; // runs effects as tasks; the only place that spawns
pub mod sanitize; // untrusted text made safe to draw
pub mod state; // everything on screen, one file per pane
mod terminal; // raw mode / alternate screen guard and panic hook
pub mod theme; // colours, or attributes only under NO_COLOR
pub mod ui; // drawing, one file per pane
pub mod update; // the pure state machine

pub use app::{TuiContext, TuiError, run};
pub use keymap::{Keymap, KeymapError};
