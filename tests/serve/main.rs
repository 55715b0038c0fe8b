//! Integration tests of the read-only HTTP endpoint: bucket table, usage, metrics, tokens and limits.

#[path = "../support/mod.rs"]
mod support;

mod ceph;
mod cli;
mod embedded;
mod metrics;
mod seed;
mod usage;
