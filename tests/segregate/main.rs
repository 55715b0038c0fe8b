//! Integration tests of date segregation: plans, apply with journal and resume, kills at progress points, Ceph.

#[path = "../support/mod.rs"]
mod support;

mod apply;
mod bound;
mod ceph;
mod cli;
mod inflight;
mod kill;
mod plan;
mod seed001;
