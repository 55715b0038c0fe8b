//! Segregate pane state. Date segregation (rule, live preview plan, apply) is not built yet;
//! this type holds nothing until the Segregate issue lands.

/// Nothing yet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SegregateState;
