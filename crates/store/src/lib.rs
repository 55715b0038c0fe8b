//! `s3scope demo`: an embedded S3 server on 127.0.0.1 and the deterministic data it is seeded with.

mod error;
pub mod seed;
pub mod store;

pub use error::DemoError;
pub use seed::{SeedSummary, seed};
pub use store::{EmbeddedServer, PutOptions, ServerOptions, StorageClass, Store};
