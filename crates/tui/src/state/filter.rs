//! A `/` filter of a table: text typed in a tui-input field, matched case-insensitively.

use tui_input::Input;

/// The filter of one table. While `editing`, keys go to the input; the text applies live.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    input: Input,
    pub editing: bool,
}

impl Filter {
    /// Opens the field (keeping the current text).
    pub fn begin(&mut self) {
        self.editing = true;
    }

    /// Closes the field, keeping the text as the filter.
    pub fn accept(&mut self) {
        self.editing = false;
    }

    /// Closes the field and drops the filter.
    pub fn clear(&mut self) {
        self.editing = false;
        self.input = Input::default();
    }

    pub fn input(&self) -> &Input {
        &self.input
    }

    pub fn input_mut(&mut self) -> &mut Input {
        &mut self.input
    }

    pub fn text(&self) -> &str {
        self.input.value()
    }

    pub fn is_active(&self) -> bool {
        !self.input.value().is_empty()
    }

    /// A matcher for the current text; everything matches an empty filter.
    pub fn matcher(&self) -> Matcher {
        Matcher(self.input.value().to_lowercase())
    }
}

/// Case-insensitive substring match, built once per rebuild of a table.
#[derive(Debug, Clone)]
pub struct Matcher(String);

impl Matcher {
    pub fn matches(&self, name: &str) -> bool {
        self.0.is_empty() || name.to_lowercase().contains(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_case_insensitively() {
        let mut f = Filter::default();
        assert!(f.matcher().matches("anything"));
        *f.input_mut() = Input::new("LoG".into());
        assert!(f.matcher().matches("access-logs/"));
        assert!(!f.matcher().matches("data/"));
        f.clear();
        assert!(!f.is_active());
    }
}
