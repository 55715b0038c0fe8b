//! Key bindings: the defaults of assets/keymap.toml with the config's `[keymap]` overrides on top.

mod action; // every action: its config name, help line and help group
mod chord; // one key with modifiers: parsed, displayed, matched

pub use action::{Action, Group};
pub use chord::KeyChord;

use crossterm::event::KeyEvent;
use std::collections::{BTreeMap, HashMap};
use thiserror::Error;

/// The default bindings, compiled in.
const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

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
