//! Integration tests of request usage: collect from RGW and access logs, crash-safe summaries, trim, the CLI.

#[path = "../support/mod.rs"]
mod support;

mod cli;
mod kill;
mod logs;
mod logs_cli;
mod rgw;
