//! Integration tests of the embedded S3 store: the S3 API it answers, persistence and the demo seed.

#[path = "../support/mod.rs"]
mod support;

mod copy;
mod listing;
mod multipart;
mod persistence;
mod s3;
mod seed;
mod versions;
