//! Colours and text attributes of every screen element, with a no-colour variant for NO_COLOR.

use ratatui::style::{Color, Modifier, Style};

/// How screen elements look. Meaning never rests on colour alone: the no-colour variant
/// uses bold, reverse and underline, and error text always says "error".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    color: bool,
}

impl Theme {
    /// Colours.
    pub const fn color() -> Self {
        Self { color: true }
    }

    /// No colours at all, only attributes (https://no-color.org).
    pub const fn no_color() -> Self {
        Self { color: false }
    }

    /// `NO_COLOR` set to anything non-empty selects the no-colour variant.
    pub fn from_env() -> Self {
        match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => Self::no_color(),
            _ => Self::color(),
        }
    }

    pub const fn is_color(self) -> bool {
        self.color
    }

    fn pick(self, color: Style, mono: Style) -> Style {
        if self.color { color } else { mono }
    }

    /// The active tab.
    pub fn tab_active(self) -> Style {
        self.pick(
            Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        )
    }

    /// Application name in the tab bar.
    pub fn brand(self) -> Style {
        self.pick(
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    /// Pane and overlay titles.
    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// Table headers.
    pub fn header(self) -> Style {
        self.pick(
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        )
    }

    /// The selected row of a table.
    pub fn selected(self) -> Style {
        self.pick(
            Style::new()
                .fg(Color::Black)
                .bg(Color::LightBlue)
                .add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        )
    }

    /// Error text.
    pub fn error(self) -> Style {
        self.pick(
            Style::new()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    /// Informational messages (copied, banner).
    pub fn info(self) -> Style {
        self.pick(Style::new().fg(Color::Green), Style::new())
    }

    /// Secondary text: hints, placeholders, missing values.
    pub fn dim(self) -> Style {
        self.pick(Style::new().fg(Color::DarkGray), Style::new())
    }

    /// Key names in hints and help.
    pub fn key(self) -> Style {
        self.pick(
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    /// Escaped control characters inside untrusted text.
    pub fn escaped(self) -> Style {
        self.pick(
            Style::new().fg(Color::Magenta),
            Style::new().add_modifier(Modifier::UNDERLINED),
        )
    }

    /// The read-only badge.
    pub fn read_only(self) -> Style {
        self.pick(
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    /// Size bars (the bar's length carries the meaning; the colour only helps the eye).
    pub fn bar(self) -> Style {
        self.pick(Style::new().fg(Color::Cyan), Style::new())
    }

    /// Costs and states worth a second look: hidden costs, a cancelled (partial) scan.
    pub fn warn(self) -> Style {
        self.pick(
            Style::new().fg(Color::Yellow),
            Style::new().add_modifier(Modifier::ITALIC),
        )
    }

    /// Rows marked for delete (with a `*` glyph, so the mark never rests on colour alone).
    pub fn marked(self) -> Style {
        self.pick(
            Style::new()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        )
    }

    /// Borders of panes and overlays.
    pub fn border(self) -> Style {
        self.pick(Style::new().fg(Color::DarkGray), Style::new())
    }
}
