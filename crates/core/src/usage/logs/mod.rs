//! The S3 server access log source: finding log objects, parsing their lines, adding them up.

pub mod list; // log objects delivered in a time range, simple and date-partitioned layouts
pub mod parse; // one log line (AWS's 26 fields) → one request, or why it is malformed
pub mod read; // downloading log objects into the model, counting malformed lines
