//! Request and bandwidth usage (C4): one model fed by the Ceph RGW admin API or S3 access logs,
//! crash-safe summaries compatible with the usage collector's layout, and exact trimming.
//!
//! ```no_run
//! # async fn demo(clients: s3scope::s3::client::Clients) -> Result<(), s3scope::usage::UsageError> {
//! use s3scope::instants::{Period, WindowRequest};
//! use s3scope::job::Progress;
//! use s3scope::usage::{CollectRequest, UsageSettings, collect};
//! let settings = UsageSettings::default();
//! let window = WindowRequest::default().resolve(Period::HOUR, chrono::Utc::now())?;
//! let source = settings.source(clients.profile())?;
//! let request = CollectRequest { settings, source, window, trim: false, trim_current_hour: false, concurrency: 16 };
//! let report = collect(&clients, &request, &Progress::default()).await?;
//! println!("{} requests", report.summary.totals.ops);
//! # Ok(()) }
//! ```

mod collect; // one run: recover, read, commit, save, trim
mod error; // UsageError
pub mod files; // run and backup names, raw chunks, writability checks
pub mod hooks; // named steps of a run where crash tests stop it (installed by tests only)
pub mod ledger; // per-hour rows: settled (never readable again) and live (RGW's last read)
pub mod legacy; // the usage collector's KEY=VALUE arguments
pub mod logs; // S3 server access logs: list, parse, read
pub mod model; // counters per (hour, user, bucket, category)
pub mod progress; // the stages and progress line of a collection, over the one job model
pub mod rgw; // Ceph RGW admin usage: read and trim
pub mod settings; // [profiles.NAME.usage] + flags + KEY=VALUE → settings and source
pub mod state; // the state file: ledger, read log objects, the pending run
pub mod summary; // summarized_data.json
mod trim; // save, trim and finish (also for interrupted runs)
pub mod view; // rows grouped, filtered and sorted; hourly series of a row

pub use collect::{CollectReport, CollectRequest, Trimmed, collect, source_id};
pub use error::UsageError;
pub use progress::Phase;
pub use settings::{Source, SourceKind, UsageOptions, UsageSection, UsageSettings, UsageValues};
pub use summary::Summary;
