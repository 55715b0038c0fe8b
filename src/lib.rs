//! s3scope library: core (s3, scan, usage, segregate, pipeline) and two front ends (cli, tui).

pub mod cli; // headless commands: clap definitions, output formats, exit codes
pub mod config; // profiles: TOML file, layered resolution, validation
pub mod demo; // embedded S3 server and deterministic demo data
pub mod fsutil; // atomic file replacement (temp + fsync + rename)
pub mod logging; // tracing to a log file, never to the terminal
pub mod policy; // least-privilege IAM policies and Ceph caps per feature
pub mod s3; // client factory, errors, bucket listing, RGW admin API
pub mod scan; // prefix tree of a bucket scan
pub mod text; // escaping untrusted text for the terminal
pub mod tui; // terminal front end: state machine, runtime, panes
