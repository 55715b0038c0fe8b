//! Integration tests of the TUI: pure update(), the runtime, screens (insta snapshots) and the binary in a pty.

#[path = "../support/mod.rs"]
mod support;

mod browse_buckets;
mod browse_cleanup;
mod browse_delete;
mod browse_diff;
mod browse_inventory;
mod browse_render;
mod browse_update;
mod cost_render;
mod jobs;
mod jobs_render;
mod jobs_runtime;
mod keys;
mod pty;
mod pty_demo;
mod render;
mod runtime;
mod segregate_render;
mod segregate_tui;
mod update;
mod usage_tui;
mod usage_tui_render;
