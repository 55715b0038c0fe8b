//! Key-space splitting: cut the rest of a listing range into disjoint StartAfter ranges.
//!
//! A range is `(lo, hi]` in UTF-8 binary order (the order S3 lists in). Given the items of the
//! first page of a range, the remainder `(last, hi]` is cut at boundaries built from the last
//! item: `last[..p] + c` for a character `c` greater than `last[p]`, at the deepest positions
//! where the page's keys varied. Boundaries are strictly increasing, so the sub-ranges
//! `(last, b1], (b1, b2], ..., (bn, hi]` are disjoint and cover the remainder exactly.

/// Characters that start a new class above any given character: coarse boundaries that
/// cover whole classes (punctuation, digits, upper case, lower case, non-ASCII).
const CLASS_STARTS: [char; 12] = [
    '-', '.', '/', '0', ':', 'A', '[', '_', 'a', '{', '\u{80}', '\u{3000}',
];

/// How many character positions (from the deepest varying one upward) get boundaries.
const POSITIONS: usize = 4;

/// Boundaries at one position: finer (same class) characters after `c`, then class starts.
fn next_chars(c: char) -> Vec<char> {
    let mut out: Vec<char> = match c {
        '0'..='9' => (c as u8 + 1..=b'9').map(char::from).collect(),
        'a'..='z' => (c as u8 + 1..=b'z').map(char::from).collect(),
        'A'..='Z' => (c as u8 + 1..=b'Z').map(char::from).collect(),
        _ => Vec::new(),
    };
    out.extend(CLASS_STARTS.iter().copied().filter(|s| *s > c));
    out.sort_unstable();
    out.dedup();
    out
}

/// Number of leading characters `a` and `b` share.
fn common_chars(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// Boundaries that cut `(last, hi]` into sub-ranges, given the first item of the page (`first`)
/// and the listing prefix (boundaries never cut inside it). Empty when no cut is possible.
///
/// `last` must be the greatest item returned so far in the range, `first` its first item.
pub fn boundaries(prefix: &str, first: &str, last: &str, hi: Option<&str>) -> Vec<String> {
    let chars: Vec<char> = last.chars().collect();
    let min_pos = prefix.chars().count();
    if chars.len() <= min_pos {
        return Vec::new();
    }
    // The deepest position that varied within the page; never past the last character.
    // The page spans `steps` values of that position, so one step there is about 1/steps of
    // a page, and one position up about 36/steps pages. Ranges of a page or less waste a
    // LIST call on the page that overshoots their end: cut where a step is several pages.
    let deepest = common_chars(first, last).clamp(min_pos, chars.len() - 1);
    let first_char = first.chars().nth(deepest).unwrap_or('\0');
    let steps = u32::from(chars[deepest]).saturating_sub(u32::from(first_char));
    let up = if steps >= 4 { 2 } else { 1 };
    let top = deepest.saturating_sub(up).max(min_pos);
    let lowest = top.saturating_sub(POSITIONS - 1).max(min_pos);
    let mut out = Vec::new();
    for p in (lowest..=top).rev() {
        let head: String = chars[..p].iter().collect();
        for c in next_chars(chars[p]) {
            let b = format!("{head}{c}");
            if hi.is_none_or(|h| b.as_str() < h) {
                out.push(b);
            }
        }
    }
    debug_assert!(out.windows(2).all(|w| w[0] < w[1]));
    debug_assert!(out.iter().all(|b| b.as_str() > last));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_are_increasing_and_above_last() {
        let b = boundaries("", "file-000001", "file-001000", None);
        assert!(b.len() > 10);
        assert_eq!(b[0], "file-01", "ranges of about one page are not cut");
        assert!(b.contains(&"file-02".to_string()));
        // A page spanning ten steps of its deepest position: cut two positions up.
        let b = boundaries("", "file-000000", "file-000999", None);
        assert_eq!(b[0], "file-01", "{b:?}");
        assert!(b.contains(&"file-1".to_string()));
        assert!(b.windows(2).all(|w| w[0] < w[1]));
        assert!(b.iter().all(|x| x.as_str() > "file-001000"));
    }

    #[test]
    fn boundaries_respect_hi_and_prefix() {
        let b = boundaries("p/", "p/a1", "p/a5", Some("p/a8"));
        assert!(b.is_empty(), "a range this small is not cut: {b:?}");
        let b = boundaries("p/", "p/a1x", "p/a1y", Some("p/a5"));
        assert_eq!(b, ["p/a2", "p/a3", "p/a4"]);
        assert!(boundaries("p/", "p/", "p/", None).is_empty());
        for x in boundaries("p/", "p/é", "p/日本", None) {
            assert!(x.starts_with("p/") && x.as_str() > "p/日本");
        }
    }
}
