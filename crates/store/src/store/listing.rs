//! Listing pages over a bucket's sorted keys: prefix, delimiter roll-up, markers and page size.
//!
//! One walk serves ListObjects (v1, v2), ListObjectVersions and ListMultipartUploads: each
//! key expands into zero or more items (the current object, every version, every upload).
//! A common prefix is skipped over with one range lookup, so a page costs O(log n + page)
//! however many keys it rolls up.

use std::collections::BTreeMap;
use std::ops::Bound;

/// What to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListQuery<'a> {
    pub prefix: &'a str,
    /// Roll keys up at the first delimiter after the prefix; empty means no delimiter, as in S3.
    pub delimiter: Option<&'a str>,
    /// Start after this key or common prefix (start-after, marker, continuation, key-marker).
    pub key_marker: Option<&'a str>,
    /// With `key_marker`: resume inside that key's items, after the item with this id.
    pub id_marker: Option<&'a str>,
    /// Items plus common prefixes per page.
    pub max: usize,
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPage<T> {
    pub items: Vec<T>,
    pub common_prefixes: Vec<String>,
    pub truncated: bool,
    /// The last key or common prefix returned: where the next page starts.
    pub next_key_marker: Option<String>,
    /// The id of the last item returned (`None` after a common prefix).
    pub next_id_marker: Option<String>,
}

impl<T> Default for ListPage<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            common_prefixes: Vec::new(),
            truncated: false,
            next_key_marker: None,
            next_id_marker: None,
        }
    }
}

/// Lists one page of `map`. `items` expands a key into its listed items in order, each with
/// the id that `id_marker` refers to; a key without items is invisible (e.g. deleted).
pub fn list_page<'m, V, T, I>(
    map: &'m BTreeMap<String, V>,
    query: &ListQuery<'_>,
    items: impl Fn(&'m str, &'m V) -> I,
) -> ListPage<T>
where
    I: Iterator<Item = (&'m str, T)>,
{
    let mut page = ListPage::default();
    if query.max == 0 {
        return page;
    }
    let prefix = query.prefix;
    let delimiter = query.delimiter.filter(|d| !d.is_empty());
    let start = match (query.key_marker, query.id_marker) {
        (Some(marker), Some(_)) => Bound::Included(marker),
        (Some(marker), None) => Bound::Excluded(marker),
        (None, _) => Bound::Unbounded,
    };
    let mut range =
        Some(map.range::<str, _>((tighter(start, Bound::Included(prefix)), Bound::Unbounded)));
    let mut count = 0;
    'keys: while let Some((key, value)) = range.as_mut().and_then(Iterator::next) {
        if !key.starts_with(prefix) {
            break;
        }
        let mut key_items = items(key, value).peekable();
        if key_items.peek().is_none() {
            continue;
        }
        if let Some(delimiter) = delimiter
            && let Some(pos) = key[prefix.len()..].find(delimiter)
        {
            let common = &key[..prefix.len() + pos + delimiter.len()];
            range = prefix_successor(common).map(|next| {
                map.range::<str, _>((Bound::Included(next.as_str()), Bound::Unbounded))
            });
            if query.key_marker.is_some_and(|marker| common <= marker) {
                continue;
            }
            if count == query.max {
                page.truncated = true;
                break;
            }
            count += 1;
            page.common_prefixes.push(common.to_owned());
            page.next_key_marker = Some(common.to_owned());
            page.next_id_marker = None;
            continue;
        }
        if let (Some(marker), Some(id_marker)) = (query.key_marker, query.id_marker)
            && key == marker
        {
            // Drop items up to and including the one the previous page ended with.
            let _ = key_items.by_ref().any(|(id, _)| id == id_marker);
        }
        for (id, item) in key_items {
            if count == query.max {
                page.truncated = true;
                break 'keys;
            }
            count += 1;
            page.items.push(item);
            page.next_key_marker = Some(key.to_owned());
            page.next_id_marker = Some(id.to_owned());
        }
    }
    if !page.truncated {
        page.next_key_marker = None;
        page.next_id_marker = None;
    }
    page
}

/// The greater of two lower bounds.
fn tighter<'a>(a: Bound<&'a str>, b: Bound<&'a str>) -> Bound<&'a str> {
    match (a, b) {
        (Bound::Unbounded, other) | (other, Bound::Unbounded) => other,
        (Bound::Included(x), Bound::Included(y)) => Bound::Included(x.max(y)),
        (Bound::Excluded(x), Bound::Excluded(y)) => Bound::Excluded(x.max(y)),
        (Bound::Included(i), Bound::Excluded(e)) | (Bound::Excluded(e), Bound::Included(i)) => {
            if i > e {
                Bound::Included(i)
            } else {
                Bound::Excluded(e)
            }
        }
    }
}

/// The smallest string greater than every string that starts with `prefix` (`None` if there
/// is none). UTF-8 byte order is code point order, so incrementing the last char that can be
/// incremented does it.
fn prefix_successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last as u32 + 1 {
            0xD800 => Some('\u{E000}'), // skip the surrogate gap
            n => char::from_u32(n),
        };
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(keys: &[&str]) -> BTreeMap<String, ()> {
        keys.iter().map(|k| (k.to_string(), ())).collect()
    }

    fn keys<'m>(key: &'m str, _: &'m ()) -> std::iter::Once<(&'m str, String)> {
        std::iter::once(("", key.to_owned()))
    }

    #[test]
    fn prefix_successor_increments_the_last_char() {
        assert_eq!(prefix_successor("a/").as_deref(), Some("a0"));
        assert_eq!(prefix_successor("\u{D7FF}").as_deref(), Some("\u{E000}"));
        assert_eq!(prefix_successor("x\u{10FFFF}").as_deref(), Some("y"));
        assert_eq!(prefix_successor("\u{10FFFF}"), None);
    }

    #[test]
    fn pages_roll_up_common_prefixes_once() {
        let m = map(&["a/1", "a/2", "a/3", "b", "c/1", "c/2", "d"]);
        let mut marker: Option<String> = None;
        let mut seen = Vec::new();
        loop {
            let query = ListQuery {
                delimiter: Some("/"),
                key_marker: marker.as_deref(),
                max: 2,
                ..ListQuery::default()
            };
            let page = list_page(&m, &query, keys);
            seen.extend(page.items.iter().cloned());
            seen.extend(page.common_prefixes.iter().cloned());
            if !page.truncated {
                break;
            }
            marker = page.next_key_marker;
        }
        seen.sort();
        assert_eq!(seen, ["a/", "b", "c/", "d"]);
    }

    #[test]
    fn empty_delimiter_lists_flat_and_prefix_bounds_the_walk() {
        let m = map(&["a/1", "a/2", "ab", "b"]);
        let query = ListQuery {
            prefix: "a",
            delimiter: Some(""),
            max: 10,
            ..ListQuery::default()
        };
        let page = list_page(&m, &query, keys);
        assert_eq!(page.items, ["a/1", "a/2", "ab"]);
        assert!(page.common_prefixes.is_empty() && !page.truncated);
    }
}
