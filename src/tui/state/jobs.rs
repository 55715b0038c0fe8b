//! Jobs pane state. Extract/process jobs with progress and cancel are not built yet; this type
//! holds nothing until the Extract and process issue lands.

/// Nothing yet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobsState;
