//! One key with its modifiers: parsed from keymap text, matched against terminal key events, shown in help.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::fmt;

/// A key as the keymap names it ("q", "Ctrl-c", "Shift-Tab", "PageDown").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyChord {
    code: ChordCode,
    ctrl: bool,
    alt: bool,
    shift: bool,
}

/// The key itself, with an order so that bindings sort stably.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum ChordCode {
    Char(char),
    F(u8),
    Named(Named),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Named {
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
}

const NAMES: &[(&str, Named)] = &[
    ("Enter", Named::Enter),
    ("Esc", Named::Esc),
    ("Tab", Named::Tab),
    ("Shift-Tab", Named::BackTab),
    ("Backspace", Named::Backspace),
    ("Delete", Named::Delete),
    ("Insert", Named::Insert),
    ("Up", Named::Up),
    ("Down", Named::Down),
    ("Left", Named::Left),
    ("Right", Named::Right),
    ("PageUp", Named::PageUp),
    ("PageDown", Named::PageDown),
    ("Home", Named::Home),
    ("End", Named::End),
];

/// Other spellings accepted when parsing.
const ALIASES: &[(&str, Named)] = &[
    ("return", Named::Enter),
    ("escape", Named::Esc),
    ("backtab", Named::BackTab),
    ("bs", Named::Backspace),
    ("del", Named::Delete),
    ("ins", Named::Insert),
    ("pgup", Named::PageUp),
    ("pgdn", Named::PageDown),
    ("pgdown", Named::PageDown),
];

impl KeyChord {
    /// Parses "q", "G", "?", "Space", "Ctrl-c", "Alt-Enter", "Shift-Tab", "F5".
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("an empty key name".into());
        }
        let (mut ctrl, mut alt, mut shift) = (false, false, false);
        let mut rest = text;
        // A single character is always a key, even "-" or "+".
        while rest.chars().count() > 1 {
            let Some((head, tail)) = rest.split_once('-') else {
                break;
            };
            if tail.is_empty() {
                break;
            }
            match head.to_ascii_lowercase().as_str() {
                "ctrl" | "c" | "control" => ctrl = true,
                "alt" | "a" | "m" | "meta" => alt = true,
                "shift" | "s" => shift = true,
                _ => {
                    return Err(format!(
                        "unknown modifier `{head}` in key `{text}` (use Ctrl-, Alt- or Shift-)"
                    ));
                }
            }
            rest = tail;
        }
        let code = parse_code(rest).ok_or_else(|| {
            format!("unknown key `{text}` (a single character, or a name such as Enter, Esc, Tab, Space, Up, PageDown, F5)")
        })?;
        Ok(Self::normalized(code, ctrl, alt, shift))
    }

    /// Shift is folded into characters ("Shift-g" is "G") and into Tab ("Shift-Tab").
    fn normalized(code: ChordCode, ctrl: bool, alt: bool, shift: bool) -> Self {
        let (code, shift) = match code {
            ChordCode::Char(c) if shift && c.is_ascii_lowercase() => {
                (ChordCode::Char(c.to_ascii_uppercase()), false)
            }
            ChordCode::Char(c) if ctrl && c.is_ascii_uppercase() && !shift => {
                (ChordCode::Char(c.to_ascii_lowercase()), false)
            }
            ChordCode::Char(c) => (ChordCode::Char(c), false),
            ChordCode::Named(Named::Tab) if shift => (ChordCode::Named(Named::BackTab), false),
            ChordCode::Named(Named::BackTab) => (code, false),
            other => (other, shift),
        };
        Self {
            code,
            ctrl,
            alt,
            shift,
        }
    }

    /// The chord of a terminal key event; None for releases and keys the keymap cannot name.
    pub fn from_event(event: &KeyEvent) -> Option<Self> {
        if !matches!(event.kind, KeyEventKind::Press | KeyEventKind::Repeat) {
            return None;
        }
        let named = |n| Some(ChordCode::Named(n));
        let code = match event.code {
            KeyCode::Char(c) => Some(ChordCode::Char(c)),
            KeyCode::F(n) => Some(ChordCode::F(n)),
            KeyCode::Enter => named(Named::Enter),
            KeyCode::Esc => named(Named::Esc),
            KeyCode::Tab => named(Named::Tab),
            KeyCode::BackTab => named(Named::BackTab),
            KeyCode::Backspace => named(Named::Backspace),
            KeyCode::Delete => named(Named::Delete),
            KeyCode::Insert => named(Named::Insert),
            KeyCode::Up => named(Named::Up),
            KeyCode::Down => named(Named::Down),
            KeyCode::Left => named(Named::Left),
            KeyCode::Right => named(Named::Right),
            KeyCode::PageUp => named(Named::PageUp),
            KeyCode::PageDown => named(Named::PageDown),
            KeyCode::Home => named(Named::Home),
            KeyCode::End => named(Named::End),
            _ => None,
        }?;
        let m = event.modifiers;
        Some(Self::normalized(
            code,
            m.contains(KeyModifiers::CONTROL),
            m.contains(KeyModifiers::ALT),
            m.contains(KeyModifiers::SHIFT),
        ))
    }
}

fn parse_code(s: &str) -> Option<ChordCode> {
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return (!c.is_control()).then_some(ChordCode::Char(c));
    }
    let lower = s.to_ascii_lowercase();
    if lower == "space" {
        return Some(ChordCode::Char(' '));
    }
    if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
        return (1..=24).contains(&n).then_some(ChordCode::F(n));
    }
    NAMES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(s))
        .or_else(|| ALIASES.iter().find(|(name, _)| *name == lower))
        .map(|(_, n)| ChordCode::Named(*n))
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        if self.shift {
            f.write_str("Shift-")?;
        }
        match self.code {
            ChordCode::Char(' ') => f.write_str("Space"),
            ChordCode::Char(c) => write!(f, "{c}"),
            ChordCode::F(n) => write!(f, "F{n}"),
            ChordCode::Named(n) => {
                let name = NAMES.iter().find(|(_, x)| *x == n).map_or("?", |(s, _)| s);
                f.write_str(name)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn parses_and_displays_round_trip() {
        for text in [
            "q",
            "?",
            ":",
            "G",
            "-",
            "Ctrl-c",
            "Alt-x",
            "Shift-Tab",
            "Space",
            "PageDown",
            "F5",
            "Shift-Up",
        ] {
            let chord = KeyChord::parse(text).unwrap();
            assert_eq!(chord.to_string(), text, "{text}");
        }
    }

    #[test]
    fn aliases_and_case() {
        assert_eq!(KeyChord::parse("pgdn").unwrap().to_string(), "PageDown");
        assert_eq!(KeyChord::parse("ESCAPE").unwrap().to_string(), "Esc");
        assert_eq!(KeyChord::parse("Shift-g").unwrap().to_string(), "G");
        assert_eq!(KeyChord::parse("ctrl-C").unwrap().to_string(), "Ctrl-c");
        assert_eq!(KeyChord::parse("BackTab").unwrap().to_string(), "Shift-Tab");
    }

    #[test]
    fn bad_keys_are_clear_errors() {
        let e = KeyChord::parse("Hyper-x").unwrap_err();
        assert!(e.contains("unknown modifier `Hyper`"), "{e}");
        let e = KeyChord::parse("Banana").unwrap_err();
        assert!(e.contains("unknown key `Banana`"), "{e}");
        assert!(KeyChord::parse("").is_err());
        assert!(KeyChord::parse("F99").is_err());
    }

    #[test]
    fn events_match_parsed_chords() {
        let shifted = key(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(KeyChord::from_event(&shifted), KeyChord::parse("G").ok());
        let back = key(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(
            KeyChord::from_event(&back),
            KeyChord::parse("Shift-Tab").ok()
        );
        let ctrl = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(KeyChord::from_event(&ctrl), KeyChord::parse("Ctrl-c").ok());
        let question = key(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(KeyChord::from_event(&question), KeyChord::parse("?").ok());
        let mut release = key(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(KeyChord::from_event(&release), None);
    }
}
