//! Integration tests of the command line as a user meets it: one-line errors, exit codes, config.example.toml.

#[path = "../support/mod.rs"]
mod support;

mod completions;
mod config_example;
mod errors;
mod portable;
mod proxy;
mod secrets_perms;
