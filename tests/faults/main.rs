//! Integration tests of the critical paths through the fault proxy: latency, 503 SlowDown, 500 after the work, resets.

#[path = "../support/mod.rs"]
mod support;

mod cloudwatch;
mod du;
mod extract;
mod permanent;
mod quota;
mod read_only;
mod rgw;
mod segregate;
mod usage;
