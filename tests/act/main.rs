//! Acting on what s3scope finds: `rm` and the delete API, `cleanup` of hidden costs (preview,
//! apply, kill and resume, faults, read-only), `print-lifecycle`; embedded store and Ceph RGW.

#[path = "../support/mod.rs"]
mod support;

mod ceph;
mod cleanup;
mod fixture;
mod kill;
mod lifecycle;
mod rm;
