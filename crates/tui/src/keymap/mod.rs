//! Key bindings: the defaults of assets/keymap.toml with the config's `[keymap]` overrides on top.

mod chord;

pub use chord::KeyChord;

use crossterm::event::KeyEvent;
use std::collections::{BTreeMap, HashMap};
use thiserror::Error;

/// The default bindings, compiled in.
const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

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
    pub const ALL: [Action; 38] = [
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
        Self::Filter,
        Self::Cancel,
        Self::Hidden,
        Self::Diff,
        Self::Inventory,
        Self::ExportNcdu,
        Self::Units,
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
            | Self::Units => Group::Buckets,
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

/// A `[keymap]` problem; the CLI reports it as a configuration error (exit code 2).
#[derive(Debug, Error, PartialEq)]
pub enum KeymapError {
    #[error("unknown action `{action}`; known actions: {known}")]
    UnknownAction { action: String, known: String },
    #[error("action `{action}`: {message}")]
    BadKey { action: String, message: String },
    #[error("action `{action}` has no key; give at least one")]
    NoKey { action: String },
    #[error("key `{key}` is bound to both `{first}` and `{second}`; give one of them another key")]
    Conflict {
        key: String,
        first: String,
        second: String,
    },
    #[error("the built-in keymap is invalid (a bug): {0}")]
    Builtin(String),
}

/// Action → keys and key → action, built once at start.
#[derive(Debug, Clone)]
pub struct Keymap {
    keys: BTreeMap<Action, Vec<KeyChord>>,
    lookup: HashMap<KeyChord, Action>,
}

impl Keymap {
    /// The built-in bindings of assets/keymap.toml.
    pub fn defaults() -> Result<Self, KeymapError> {
        Self::from_config(&BTreeMap::new())
    }

    /// The defaults with the config file's `[keymap]` on top: `action = "key key2 ..."`
    /// replaces that action's keys. Unknown actions, unparseable keys and a key bound to
    /// two actions are errors.
    pub fn from_config(overrides: &BTreeMap<String, String>) -> Result<Self, KeymapError> {
        let mut keys = parse_defaults()?;
        for (name, text) in overrides {
            let action = Action::from_name(name.trim()).ok_or_else(|| unknown(name))?;
            let chords = text
                .split_whitespace()
                .map(|k| KeyChord::parse(k).map_err(|message| bad_key(action, message)))
                .collect::<Result<Vec<_>, _>>()?;
            if chords.is_empty() {
                return Err(KeymapError::NoKey {
                    action: action.name().into(),
                });
            }
            keys.insert(action, chords);
        }
        let mut lookup = HashMap::new();
        for (action, chords) in &keys {
            for chord in chords {
                if let Some(first) = lookup.insert(*chord, *action) {
                    return Err(KeymapError::Conflict {
                        key: chord.to_string(),
                        first: first.name().into(),
                        second: action.name().into(),
                    });
                }
            }
        }
        Ok(Self { keys, lookup })
    }

    /// The action bound to a key event, if any.
    pub fn action(&self, event: &KeyEvent) -> Option<Action> {
        KeyChord::from_event(event).and_then(|c| self.lookup.get(&c).copied())
    }

    /// The keys of an action, in keymap order.
    pub fn keys(&self, action: Action) -> &[KeyChord] {
        self.keys.get(&action).map_or(&[], Vec::as_slice)
    }

    /// The keys of an action as text, "Up/k".
    pub fn describe(&self, action: Action) -> String {
        let keys: Vec<String> = self.keys(action).iter().map(ToString::to_string).collect();
        if keys.is_empty() {
            "(unbound)".into()
        } else {
            keys.join("/")
        }
    }

    /// The first key of an action, for short hints.
    pub fn first(&self, action: Action) -> String {
        self.keys(action)
            .first()
            .map_or_else(|| "(unbound)".into(), ToString::to_string)
    }
}

fn unknown(name: &str) -> KeymapError {
    let known: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
    KeymapError::UnknownAction {
        action: name.to_string(),
        known: known.join(", "),
    }
}

fn bad_key(action: Action, message: String) -> KeymapError {
    KeymapError::BadKey {
        action: action.name().into(),
        message,
    }
}

/// Parses the compiled-in keymap; every action must have an entry.
fn parse_defaults() -> Result<BTreeMap<Action, Vec<KeyChord>>, KeymapError> {
    let table: BTreeMap<String, Vec<String>> = toml::from_str(DEFAULT_KEYMAP)
        .map_err(|e| KeymapError::Builtin(e.message().to_string()))?;
    let mut keys = BTreeMap::new();
    for (name, texts) in table {
        let action = Action::from_name(&name)
            .ok_or_else(|| KeymapError::Builtin(format!("unknown action `{name}`")))?;
        let chords = texts
            .iter()
            .map(|t| KeyChord::parse(t).map_err(|m| KeymapError::Builtin(format!("{name}: {m}"))))
            .collect::<Result<Vec<_>, _>>()?;
        keys.insert(action, chords);
    }
    if let Some(missing) = Action::ALL.iter().find(|a| !keys.contains_key(a)) {
        return Err(KeymapError::Builtin(format!(
            "no entry for `{}`",
            missing.name()
        )));
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn overrides(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, k)| (a.to_string(), k.to_string()))
            .collect()
    }

    #[test]
    fn defaults_cover_every_action() {
        let km = Keymap::defaults().unwrap();
        for a in Action::ALL {
            assert!(!km.keys(a).is_empty(), "{a:?} unbound");
        }
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(km.action(&q), Some(Action::Quit));
        assert_eq!(km.describe(Action::Down), "Down/j");
    }

    #[test]
    fn override_replaces_keys() {
        let km = Keymap::from_config(&overrides(&[("quit", "x Ctrl-q")])).unwrap();
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        let x = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
        assert_eq!(km.action(&q), None);
        assert_eq!(km.action(&x), Some(Action::Quit));
        assert_eq!(km.describe(Action::Quit), "x/Ctrl-q");
    }

    #[test]
    fn errors_name_the_problem() {
        let e = Keymap::from_config(&overrides(&[("qiut", "x")])).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("unknown action `qiut`; known actions: quit, help"),
            "{e}"
        );
        let e = Keymap::from_config(&overrides(&[("quit", "Ctrl-Banana")])).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("action `quit`: unknown key `Ctrl-Banana`"),
            "{e}"
        );
        let e = Keymap::from_config(&overrides(&[("copy", "q")])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "key `q` is bound to both `quit` and `copy`; give one of them another key"
        );
        let e = Keymap::from_config(&overrides(&[("copy", "  ")])).unwrap_err();
        assert_eq!(
            e,
            KeymapError::NoKey {
                action: "copy".into()
            }
        );
    }
}
