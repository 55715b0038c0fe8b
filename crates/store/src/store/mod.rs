//! An S3-compatible object store persisted in a directory, with an S3 server in front of it.
//!
//! Built directly on the `s3s` crate: `s3s` parses requests and checks SigV4 signatures,
//! [`Store`] keeps the data. Each bucket's keys live in a `BTreeMap` so that every listing
//! page costs O(log n + page); metadata is journaled per bucket (see `journal`); object bytes
//! are immutable, small ones packed into segment files, large ones in files of their own
//! (see `blobs`).

mod blobs;
mod buckets;
mod index;
mod journal;
mod listing;
mod model;
mod objects;
mod s3;
mod segments;
mod server;
mod uploads;

pub use buckets::{BucketInfo, Store};
pub use model::{StorageClass, Versioning};
pub use objects::{DeleteResult, PutOptions, PutResult};
pub use server::{EmbeddedServer, ServerOptions};
