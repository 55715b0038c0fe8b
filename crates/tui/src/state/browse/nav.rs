//! Moving in Browse: the sort order (a key, reversed by pressing it again), the cursor of a
//! list, and the prefix above another.

/// Sort orders of the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Size,
    Count,
    Name,
    Newest,
    /// Monthly cost (with prices; without, every row costs 0 and the order is by name).
    Cost,
}

/// A sort key and whether it is reversed (pressing the same key again flips it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub reverse: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Self {
            key: SortKey::Size,
            reverse: false,
        }
    }
}

impl Sort {
    /// Selects `key`, or flips the direction when it is already selected.
    pub fn press(&mut self, key: SortKey) {
        if self.key == key {
            self.reverse = !self.reverse;
        } else {
            *self = Self {
                key,
                reverse: false,
            };
        }
    }
}

/// A selection in a list of `len` rows with `page` visible.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    pub selected: usize,
    /// First visible row.
    pub offset: usize,
}

impl Cursor {
    pub fn move_by(&mut self, delta: isize, len: usize, page: usize) {
        if len == 0 {
            *self = Self::default();
            return;
        }
        self.selected = self.selected.saturating_add_signed(delta).min(len - 1);
        self.keep_visible(page);
    }

    pub fn to(&mut self, index: usize, len: usize, page: usize) {
        self.selected = index.min(len.saturating_sub(1));
        self.keep_visible(page);
    }

    pub fn keep_visible(&mut self, page: usize) {
        let page = page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
    }
}

/// The prefix one level above `prefix`, never above `root`: "a/b/" → "a/", "a/" → "".
pub fn parent_prefix<'a>(prefix: &'a str, root: &str) -> &'a str {
    if prefix.len() <= root.len() {
        return prefix;
    }
    let inner = &prefix[..prefix.len() - 1];
    let cut = inner.rfind('/').map_or(0, |i| i + 1).max(root.len());
    &prefix[..cut]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_prefix_stops_at_the_root() {
        assert_eq!(parent_prefix("a/b/", ""), "a/");
        assert_eq!(parent_prefix("a/", ""), "");
        assert_eq!(parent_prefix("data/x/", "data/"), "data/");
        assert_eq!(parent_prefix("data/", "data/"), "data/");
        assert_eq!(parent_prefix("a//", ""), "a/");
    }

    #[test]
    fn sort_press_flips_the_same_key() {
        let mut s = Sort::default();
        s.press(SortKey::Size);
        assert!(s.reverse);
        s.press(SortKey::Name);
        assert_eq!((s.key, s.reverse), (SortKey::Name, false));
    }

    #[test]
    fn cursor_clamps_and_scrolls() {
        let mut c = Cursor::default();
        c.move_by(5, 3, 2);
        assert_eq!((c.selected, c.offset), (2, 1));
        c.move_by(-10, 3, 2);
        assert_eq!((c.selected, c.offset), (0, 0));
        c.move_by(1, 0, 2);
        assert_eq!(c, Cursor::default());
    }
}
