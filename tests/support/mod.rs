//! Helpers shared by the integration tests (each test binary compiles the modules it declares).

pub mod rgw;
pub mod servers;
pub mod tui_table;
