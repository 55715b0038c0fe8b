//! Each setting declared once: the [`settings!`](crate::settings!) table gives TOML key, flag, env
//! variable, default, check and doc line; precedence flag > env > file > default lives here, once.
//!
//! A section declared with `settings!` yields four things: the TOML struct of the config file
//! (`Option<raw>` per key, unknown keys refused), the typed layer (`Option<T>` per key, what one
//! source says, checked), the resolved struct (declared defaults filled in), and a static
//! [`Section`] table that front ends read: the CLI turns it into flags, the tests compare
//! config.example.toml with [`Section::example`].

pub mod check;
mod declare;

use std::collections::BTreeMap;
use std::fmt;

/// One setting as declared: everything a front end or a doc needs to know about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    /// Key in the config file.
    pub key: &'static str,
    /// Long command-line flag, without `--`; None: file (and env) only.
    pub flag: Option<&'static str>,
    /// Environment variable; None: none.
    pub env: Option<&'static str>,
    /// Placeholder of the value in `--help`.
    pub value_name: &'static str,
    /// Default as text, parsed by the setting's own check; None: unset unless given.
    pub default: Option<&'static str>,
    /// Default as shown in docs when it is computed rather than a fixed value.
    pub default_doc: Option<&'static str>,
    /// Doc lines: the flag's help and the comment above the key in config.example.toml.
    pub doc: &'static str,
    /// Value written in config.example.toml (TOML syntax).
    pub example: &'static str,
    /// A switch: `--flag` alone means true, `--flag=false` is accepted.
    pub switch: bool,
    /// Shown in `--help` under this heading (None: with the command's own flags).
    pub heading: Option<&'static str>,
    /// The flag is accepted before or after any subcommand.
    pub global: bool,
    /// Not shown in `--help`.
    pub hidden: bool,
}

impl Setting {
    /// What a declaration does not set.
    pub const EMPTY: Self = Self {
        key: "",
        flag: None,
        env: None,
        value_name: "VALUE",
        default: None,
        default_doc: None,
        doc: "",
        example: "",
        switch: false,
        heading: None,
        global: false,
        hidden: false,
    };

    /// The doc lines, trimmed (doc comments carry a leading space).
    pub fn doc_lines(&self) -> impl Iterator<Item = &'static str> {
        self.doc.lines().map(str::trim).filter(|l| !l.is_empty())
    }

    /// The default as docs show it.
    pub fn default_text(&self) -> Option<&'static str> {
        self.default_doc.or(self.default)
    }

    /// `--help` text: the doc lines, then the default and the variable.
    pub fn help(&self) -> String {
        let doc = self.doc_lines().collect::<Vec<_>>().join(" ");
        let mut help = doc.trim_end_matches('.').to_string();
        let mut notes = Vec::new();
        if let Some(d) = self.default_text() {
            notes.push(format!("default {d}"));
        }
        if let Some(env) = self.env {
            notes.push(format!("env ${env}"));
        }
        if !notes.is_empty() {
            help = format!("{help} [{}]", notes.join("; "));
        }
        help
    }
}

/// How errors of a section name where a bad value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// ``s3.max_attempts `0`: why`` / ``--max-attempts `0`: why``.
    Quoted,
    /// `[profiles.ceph.usage] period = "90m": why` for the file, ``--period `90m`: why`` else.
    Assignment,
    /// `[serve] listen: why` / `--listen: why`; the why names the value itself.
    Key,
}

/// A declared section: its table in the config file and its settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// Table in the config file; `NAME` stands for a profile's name.
    pub table: &'static str,
    pub style: Style,
    pub settings: &'static [Setting],
}

impl Section {
    /// The setting with TOML key `key`.
    pub fn get(&self, key: &str) -> Option<&'static Setting> {
        self.settings.iter().find(|s| s.key == key)
    }

    /// The block of config.example.toml for this section: `[table]`, then each key with its
    /// doc lines (the default appended) above it. `table` replaces `NAME` for a profile.
    pub fn example(&self, table: &str) -> String {
        let mut out = format!("[{table}]\n");
        for s in self.settings {
            let mut lines: Vec<String> = s.doc_lines().map(str::to_string).collect();
            if let Some(d) = s.default_text() {
                let default = format!("Default {d}.");
                match lines.last_mut() {
                    Some(last) if last.len() + default.len() < 96 => {
                        last.push(' ');
                        last.push_str(&default);
                    }
                    _ => lines.push(default),
                }
            }
            for l in lines {
                out.push_str(&format!("# {l}\n"));
            }
            out.push_str(&format!("{} = {}\n", s.key, s.example));
        }
        out
    }
}

/// Where one value came from; errors name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A command-line flag (without `--`).
    Flag(&'static str),
    /// An environment variable.
    Env(&'static str),
    /// A key of a table of the config file, e.g. `s3` or `profiles.ceph.usage`.
    File { table: String, key: &'static str },
    /// Another spelling of the setting (e.g. the usage collector's `KEY=VALUE` arguments).
    Other(&'static str),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Flag(name) => write!(f, "--{name}"),
            Self::Env(name) => write!(f, "${name}"),
            Self::File { table, key } => write!(f, "{table}.{key}"),
            Self::Other(name) => f.write_str(name),
        }
    }
}

/// One value as given, with where it came from.
#[derive(Debug, Clone)]
pub struct Given<'a> {
    pub origin: Origin,
    pub text: &'a str,
    pub style: Style,
}

impl Given<'_> {
    /// Where the value came from, with the value when the section's style shows it.
    pub fn at(&self) -> String {
        match (&self.origin, self.style) {
            (Origin::File { table, key }, Style::Assignment) => {
                format!("[{table}] {key} = \"{}\"", self.text)
            }
            (Origin::File { table, key }, Style::Key) => format!("[{table}] {key}"),
            (o, Style::Key) => o.to_string(),
            (o, _) => format!("{o} `{}`", self.text),
        }
    }

    /// The one-line error "WHERE: WHY".
    pub fn bad(&self, why: impl fmt::Display) -> String {
        format!("{}: {why}", self.at())
    }
}

/// A check turns a value's text into its typed value, or into a one-line error (see [`Given::bad`]).
pub type Check<T> = fn(&Given) -> Result<T, String>;

/// Values given on the command line, by TOML key; the CLI fills it from its flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlagValues(BTreeMap<&'static str, String>);

impl FlagValues {
    pub fn new() -> Self {
        Self::default()
    }
    /// Records the text given for the setting `key`.
    pub fn set(&mut self, key: &'static str, text: impl Into<String>) {
        self.0.insert(key, text.into());
    }
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }
    /// Keys given, in key order.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.keys().copied()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A value of the config file written back as the text a flag would give.
pub trait RawValue {
    fn to_text(&self) -> String;
}

macro_rules! raw_display {
    ($($t:ty),*) => { $(impl RawValue for $t { fn to_text(&self) -> String { self.to_string() } })* };
}
raw_display!(u16, u32, u64, usize, bool, String);

impl RawValue for std::path::PathBuf {
    fn to_text(&self) -> String {
        self.to_string_lossy().into_owned()
    }
}

/// A list (`profiles = ["a", "b"]`) as the comma-separated text its check splits again.
impl RawValue for Vec<String> {
    fn to_text(&self) -> String {
        self.join(",")
    }
}

/// A field of a TOML struct: the text of its value, when the file gives one.
pub trait RawField {
    fn given(&self) -> Option<String>;
}

impl<T: RawValue> RawField for Option<T> {
    fn given(&self) -> Option<String> {
        self.as_ref().map(RawValue::to_text)
    }
}

/// A required key (`name = ...` of a rule) is always given.
impl RawField for String {
    fn given(&self) -> Option<String> {
        Some(self.clone())
    }
}

/// What the `settings!` macro implements for a section's typed layer.
pub trait Layered: Sized + Default {
    /// The section's TOML struct.
    type File;
    const SECTION: Section;
    /// The values a file table gives (`table` names it in errors), checked.
    fn from_file(file: &Self::File, table: &str) -> Result<Self, String>;
    /// The values a text source gives (flags, environment), checked.
    fn from_texts(
        get: &dyn Fn(&'static Setting) -> Option<(Origin, String)>,
    ) -> Result<Self, String>;
    /// `self` with every value that `top` sets replaced by `top`'s.
    fn overlay(self, top: Self) -> Self;

    /// The command-line values.
    fn from_flags(flags: &FlagValues) -> Result<Self, String> {
        Self::from_texts(&|s| {
            let flag = s.flag?;
            flags
                .get(s.key)
                .map(|t| (Origin::Flag(flag), t.to_string()))
        })
    }

    /// The environment variables of the section (an empty one counts as not set).
    fn from_env() -> Result<Self, String> {
        Self::from_texts(&|s| {
            let env = s.env?;
            let text = std::env::var(env).ok().filter(|t| !t.trim().is_empty())?;
            Some((Origin::Env(env), text))
        })
    }

    /// Precedence, the one place it is written: flags > environment > file tables (the first
    /// wins, e.g. a profile's own keys before `[s3]`). Defaults are filled by the caller.
    fn layered(flags: &FlagValues, files: &[(String, &Self::File)]) -> Result<Self, String> {
        let mut merged = Self::default();
        for (table, file) in files.iter().rev() {
            merged = merged.overlay(Self::from_file(file, table)?);
        }
        Ok(merged
            .overlay(Self::from_env()?)
            .overlay(Self::from_flags(flags)?))
    }
}

/// Checks one value of a section.
pub fn check_given<T>(
    section: &Section,
    origin: Origin,
    text: &str,
    check: Check<T>,
) -> Result<T, String> {
    check(&Given {
        origin,
        text,
        style: section.style,
    })
}

#[cfg(test)]
mod tests;
