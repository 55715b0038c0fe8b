//! What a key can do: each action's name in keymap.toml and `[keymap]`, its help line, its group.

/// What a key can do. The order here is the order of the help screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Quit,
    Help,
    Command,
    Refresh,
    Close,
    NextPane,
    PrevPane,
    PaneBuckets,
    PaneBrowse,
    PaneUsage,
    PaneSegregate,
    PaneJobs,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Copy,
    Back,
    SortSize,
    SortCount,
    SortName,
    SortNewest,
    Filter,
    Cancel,
    Hidden,
    Diff,
    Inventory,
    ExportNcdu,
    Units,
    EditRule,
    PickRule,
    StatusFilter,
    ApplyPlan,
    UsageWindow,
    Trim,
    SortCost,
    Classes,
    Mark,
    Delete,
    Cleanup,
}

/// Where an action applies; the help screen groups by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Global,
    Navigation,
    Buckets,
    Segregate,
    Usage,
}

impl Group {
    pub fn title(self) -> &'static str {
        match self {
            Self::Global => "Everywhere",
            Self::Navigation => "Lists and help",
            Self::Buckets => "Buckets and Browse panes",
            Self::Segregate => "Segregate pane",
            Self::Usage => "Usage pane",
        }
    }
}

impl Action {
    pub const ALL: [Action; 43] = [
        Self::Quit,
        Self::Help,
        Self::Command,
        Self::Refresh,
        Self::Close,
        Self::NextPane,
        Self::PrevPane,
        Self::PaneBuckets,
        Self::PaneBrowse,
        Self::PaneUsage,
        Self::PaneSegregate,
        Self::PaneJobs,
        Self::Up,
        Self::Down,
        Self::PageUp,
        Self::PageDown,
        Self::Top,
        Self::Bottom,
        Self::Open,
        Self::Copy,
        Self::Back,
        Self::SortSize,
        Self::SortCount,
        Self::SortName,
        Self::SortNewest,
        Self::SortCost,
        Self::Filter,
        Self::Cancel,
        Self::Hidden,
        Self::Diff,
        Self::Inventory,
        Self::ExportNcdu,
        Self::Units,
        Self::Classes,
        Self::Mark,
        Self::Delete,
        Self::Cleanup,
        Self::EditRule,
        Self::PickRule,
        Self::StatusFilter,
        Self::ApplyPlan,
        Self::UsageWindow,
        Self::Trim,
    ];

    /// The name used in keymap.toml and in `[keymap]` of the config file.
    pub fn name(self) -> &'static str {
        match self {
            Self::Quit => "quit",
            Self::Help => "help",
            Self::Command => "command",
            Self::Refresh => "refresh",
            Self::Close => "close",
            Self::NextPane => "next_pane",
            Self::PrevPane => "prev_pane",
            Self::PaneBuckets => "pane_buckets",
            Self::PaneBrowse => "pane_browse",
            Self::PaneUsage => "pane_usage",
            Self::PaneSegregate => "pane_segregate",
            Self::PaneJobs => "pane_jobs",
            Self::Up => "up",
            Self::Down => "down",
            Self::PageUp => "page_up",
            Self::PageDown => "page_down",
            Self::Top => "top",
            Self::Bottom => "bottom",
            Self::Open => "open",
            Self::Copy => "copy",
            Self::Back => "back",
            Self::SortSize => "sort_size",
            Self::SortCount => "sort_count",
            Self::SortName => "sort_name",
            Self::SortNewest => "sort_newest",
            Self::Filter => "filter",
            Self::Cancel => "cancel",
            Self::Hidden => "hidden_costs",
            Self::Diff => "diff",
            Self::Inventory => "inventory",
            Self::ExportNcdu => "export_ncdu",
            Self::Units => "units",
            Self::EditRule => "edit_rule",
            Self::PickRule => "pick_rule",
            Self::StatusFilter => "status_filter",
            Self::ApplyPlan => "apply_plan",
            Self::UsageWindow => "usage_window",
            Self::Trim => "trim",
            Self::SortCost => "sort_cost",
            Self::Classes => "classes",
            Self::Mark => "mark",
            Self::Delete => "delete",
            Self::Cleanup => "cleanup",
        }
    }

    /// One line for the help screen.
    pub fn description(self) -> &'static str {
        match self {
            Self::Quit => "quit s3scope",
            Self::Help => "this help",
            Self::Command => "command line",
            Self::Refresh => "reload this pane",
            Self::Close => "close overlay/error",
            Self::NextPane => "next pane",
            Self::PrevPane => "previous pane",
            Self::PaneBuckets => "Buckets pane",
            Self::PaneBrowse => "Browse pane",
            Self::PaneUsage => "Usage pane",
            Self::PaneSegregate => "Segregate pane",
            Self::PaneJobs => "Jobs pane",
            Self::Up => "up",
            Self::Down => "down",
            Self::PageUp => "page up",
            Self::PageDown => "page down",
            Self::Top => "first row",
            Self::Bottom => "last row",
            Self::Open => "open: bucket, prefix, files, object",
            Self::Copy => "copy the s3:// path",
            Self::Back => "up one prefix / back",
            Self::SortSize => "sort by size (again: reverse)",
            Self::SortCount => "sort by object count",
            Self::SortName => "sort by name",
            Self::SortNewest => "sort by newest change",
            Self::Filter => "filter rows by name",
            Self::Cancel => "cancel the running scan, or stop an apply safely",
            Self::Hidden => "hidden costs (rescan with versions, uploads)",
            Self::Diff => "growth since the previous snapshot, by prefix",
            Self::Inventory => "read the bucket's S3 Inventory report instead of listing",
            Self::ExportNcdu => "export the tree as ncdu JSON (ncdu -f, gdu -f)",
            Self::Units => "byte unit: auto, B, KiB ... TiB",
            Self::EditRule => "edit the rule (Tab: next field, Enter: done)",
            Self::PickRule => "next rule of the config file",
            Self::StatusFilter => "show one status: move, error, conflict, already there",
            Self::ApplyPlan => "apply the plan (asks first)",
            Self::UsageWindow => "next window: last 1h, 24h, 7d",
            Self::Trim => "collect, then trim the source (asks first)",
            Self::SortCost => "sort by monthly cost (needs prices)",
            Self::Classes => "next storage-class columns, when some are hidden",
            Self::Mark => "mark/unmark the row for delete, then down",
            Self::Delete => "delete the marked rows (preview, asks first)",
            Self::Cleanup => "clean up hidden costs: old uploads, noncurrent (preview)",
        }
    }

    pub fn group(self) -> Group {
        match self {
            Self::Up | Self::Down | Self::PageUp | Self::PageDown | Self::Top | Self::Bottom => {
                Group::Navigation
            }
            Self::Open
            | Self::Copy
            | Self::Back
            | Self::SortSize
            | Self::SortCount
            | Self::SortName
            | Self::SortNewest
            | Self::Filter
            | Self::Cancel
            | Self::Hidden
            | Self::Diff
            | Self::Inventory
            | Self::ExportNcdu
            | Self::Units
            | Self::SortCost
            | Self::Classes
            | Self::Mark
            | Self::Delete
            | Self::Cleanup => Group::Buckets,
            Self::EditRule | Self::PickRule | Self::StatusFilter | Self::ApplyPlan => {
                Group::Segregate
            }
            Self::UsageWindow | Self::Trim => Group::Usage,
            _ => Group::Global,
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }
}
