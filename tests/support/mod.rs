//! Helpers shared by the integration tests (each test binary compiles the modules it declares).

pub mod browse;
pub mod buckets; // a TUI state with a bucket list loaded through update()
pub mod clients; // the clients of a test profile with static keys
pub mod cmd;
pub mod driven; // the TUI state machine driven by the real runtime until a condition holds // the binary isolated from this machine's AWS and s3scope setup // a TUI state on the Browse pane with a scanned tree
pub mod faults; // the fault proxy in front of a server, and request counts
pub mod inventory;
pub mod pipeline; // extract/process harness: data dirs, packages, DuckDB
pub mod rgw;
pub mod screen; // keys as events, states drawn on a TestBackend, text found on it
pub mod segregate; // segregate harness: seeded buckets, rules, plans
pub mod servers;
pub mod store; // the embedded store: a server on 127.0.0.1 over a temp dir
pub mod tui_table;
pub mod usage; // usage harness: access-log servers, fixtures, a Usage pane state // S3 Inventory reports generated from a real listing
