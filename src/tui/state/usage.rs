//! Usage pane state. Request/bandwidth usage (RGW admin API, access logs) is not built yet;
//! this type holds nothing until the Usage issue lands.

/// Nothing yet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsageState;
