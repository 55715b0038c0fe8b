//! s3scope-core: everything s3scope does, without a terminal; the TUI and the CLI are front ends over it.
#![doc = include_str!("../GUIDE.md")]

pub mod cleanup; // hidden costs removed: stale uploads, old noncurrent versions, delete markers; journaled
pub mod config; // profiles: TOML file, layered resolution, validation
pub mod delete; // deleting marked prefixes and keys: plan (exactly what goes), batched apply, report
pub use fsutil; // atomic file replacement (temp + fsync + rename)
pub mod instants; // UTC windows [since, until): parsing and this_hour/last_day/days_ago helpers
pub mod job;
pub mod journal; // append-only JSON-lines journals with group commit, so killed writes resume // the one job model: typed progress (stage, items, bytes, rate, errors) and cancellation
pub mod lifecycle; // the lifecycle rule that keeps a bucket clean: AWS JSON and RGW XML
pub mod logging; // tracing to a log file, never to the terminal
pub mod pipeline; // extract raw snapshots into packages; process them into Parquet rollups
pub mod policy; // least-privilege IAM policies and Ceph caps per feature
pub mod prices; // monthly cost from bytes per storage class and a price table
pub mod s3; // client factory, errors, bucket listing, RGW admin API
pub mod scan; // prefix tree of a bucket scan
pub mod segregate; // date segregation: rule, plan, apply with journal
pub mod serve; // read-only HTTP endpoint: Prometheus metrics and the bucket table
pub mod settings; // each setting declared once: key, flag, env, default, check, doc
pub mod text; // escaping untrusted text for the terminal
pub mod units; // byte units of table columns
pub mod usage; // request/bandwidth usage: model, sources, crash-safe summaries
