//! Key-space splitting: where to cut the rest of a listing range so idle workers get real work.
//!
//! A range is `(lo, hi]` in UTF-8 binary order (the order S3 lists in). From the last page of
//! a range (its first and last item and how many items it held) the splitter estimates how many
//! keys one step of each character position spans: the page varied at its deepest position `d`
//! over `steps` values, so one step there is about `n / steps` keys, one step a position up
//! about that times the size of the character class below (10 digits, 26 letters), and so on.
//! Cuts are the next values of the same class (`7` after `6`, `q` after `p`) at the deepest
//! position whose step holds at least `min_keys`, then one position up, and so on: close to
//! the listing's front first, growing geometrically, so a guess past the end of the data costs
//! at most a few empty LIST calls. The range above the last cut keeps the old upper bound, so
//! the sub-ranges are disjoint and cover the remainder exactly, whatever the keys look like.

/// Characters one step above `c` within its class, in order (none for punctuation and
/// non-ASCII: the range above the last cut covers them).
fn successors(c: char) -> impl Iterator<Item = char> {
    let (from, to) = match c {
        '0'..='9' => (c as u8 + 1, b'9'),
        'a'..='z' => (c as u8 + 1, b'z'),
        'A'..='Z' => (c as u8 + 1, b'Z'),
        _ => (1, 0),
    };
    (from..=to).map(char::from)
}

/// How many values a position holding `c` takes (the fan-out one position up).
fn class_size(c: char) -> f64 {
    match c {
        '0'..='9' => 10.0,
        'a'..='z' | 'A'..='Z' => 26.0,
        _ => 10.0,
    }
}

/// Steps between two characters of a position (at least 1).
fn steps_between(a: char, b: char) -> f64 {
    let same_class = matches!(
        (a, b),
        ('0'..='9', '0'..='9') | ('a'..='z', 'a'..='z') | ('A'..='Z', 'A'..='Z')
    );
    if same_class {
        f64::from((u32::from(b)).saturating_sub(u32::from(a)).max(1))
    } else {
        1.0
    }
}

/// Number of leading characters `a` and `b` share.
fn common_chars(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// What the splitter knows of a range: its last page and the upper bound.
#[derive(Debug, Clone, Copy)]
pub struct Shape<'a> {
    /// The listing prefix: cuts never fall inside it.
    pub prefix: &'a str,
    /// First and last item of the range's latest page, and how many items it held.
    pub first: &'a str,
    pub last: &'a str,
    pub items: usize,
    /// The range's upper bound (inclusive); None = the end of the prefix.
    pub hi: Option<&'a str>,
}

impl Shape<'_> {
    /// Keys per step at every position of `last`, from the page's density.
    fn keys_per_step(&self) -> Vec<f64> {
        let chars: Vec<char> = self.last.chars().collect();
        let first: Vec<char> = self.first.chars().collect();
        if chars.is_empty() {
            return Vec::new();
        }
        let d = common_chars(self.first, self.last).min(chars.len() - 1);
        let at_d = first.get(d).copied().unwrap_or('\0');
        let mut out = vec![0.0; chars.len()];
        out[d] = self.items.max(1) as f64 / steps_between(at_d, chars[d]);
        for p in (0..d).rev() {
            out[p] = out[p + 1] * class_size(chars[p + 1]);
        }
        for p in d + 1..chars.len() {
            out[p] = out[p - 1] / class_size(chars[p]);
        }
        out
    }

    /// Estimated keys left in `(last, hi]`; None when unbounded (hi is the end of the prefix).
    pub fn remaining(&self) -> Option<f64> {
        let hi = self.hi?;
        let i = common_chars(self.last, hi);
        let kps = self.keys_per_step();
        let (Some(a), Some(b)) = (self.last.chars().nth(i), hi.chars().nth(i)) else {
            return Some(0.0);
        };
        Some(kps.get(i).copied().unwrap_or(0.0) * steps_between(a, b))
    }

    /// Up to `want` strictly increasing cut points in `(last, hi)`, each range between two of
    /// them expected to hold at least `min_keys` keys. Empty when no useful cut exists.
    pub fn cuts(&self, want: usize, min_keys: f64) -> Vec<String> {
        let chars: Vec<char> = self.last.chars().collect();
        let min_pos = self.prefix.chars().count();
        let kps = self.keys_per_step();
        let mut out: Vec<String> = Vec::new();
        if want == 0 || chars.len() <= min_pos {
            return out;
        }
        // A bounded range is first cut between `last` and `hi` where they differ: those
        // boundaries lie between real keys (`dataset-01`..`dataset-05` below `dataset-06`),
        // while density says nothing about where a leaf ends.
        if let Some(h) = self.hi {
            let i = common_chars(self.last, h);
            if let (Some(&a), Some(b)) = (chars.get(i), h.chars().nth(i))
                && i >= min_pos
                && kps.get(i).is_some_and(|k| *k >= min_keys)
            {
                let head: String = chars[..i].iter().collect();
                let between: Vec<char> = successors(a).filter(|c| *c < b).collect();
                let stride = between.len().div_ceil(want).max(1);
                out.extend(
                    between
                        .iter()
                        .skip(stride - 1)
                        .step_by(stride)
                        .map(|c| format!("{head}{c}")),
                );
                if !out.is_empty() {
                    return out;
                }
            }
        }
        for p in (min_pos..chars.len()).rev() {
            if kps[p] < min_keys {
                continue;
            }
            let head: String = chars[..p].iter().collect();
            for c in successors(chars[p]) {
                let cut = format!("{head}{c}");
                if self.hi.is_some_and(|h| cut.as_str() >= h) {
                    break;
                }
                out.push(cut);
                if out.len() == want {
                    return out;
                }
            }
        }
        debug_assert!(out.windows(2).all(|w| w[0] < w[1]));
        debug_assert!(out.iter().all(|b| b.as_str() > self.last));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape<'a>(first: &'a str, last: &'a str, hi: Option<&'a str>) -> Shape<'a> {
        Shape {
            prefix: "",
            first,
            last,
            items: 1000,
            hi,
        }
    }

    #[test]
    fn flat_numbers_are_cut_where_a_step_holds_several_pages() {
        let s = shape("file-000000", "file-000999", None);
        let cuts = s.cuts(12, 2000.0);
        // One step of the thousands digit is ~1000 keys (one page): too small; the ten
        // thousands digit holds ~10,000 keys a step.
        assert_eq!(cuts[0], "file-01", "{cuts:?}");
        assert_eq!(cuts[8], "file-09", "{cuts:?}");
        assert_eq!(cuts[9], "file-1", "{cuts:?}");
        assert_eq!(cuts.len(), 12);
        assert!(cuts.windows(2).all(|w| w[0] < w[1]));
        assert!(cuts.iter().all(|x| x.as_str() > "file-000999"));
    }

    #[test]
    fn cuts_stay_below_hi_and_outside_the_prefix() {
        let s = Shape {
            prefix: "p/",
            ..shape("p/a1x", "p/a1y", Some("p/a5"))
        };
        assert_eq!(s.cuts(10, 1.0), ["p/a2", "p/a3", "p/a4"]);
        assert_eq!(s.cuts(2, 1.0), ["p/a3"], "spread when fewer are wanted");
        let tiny = shape("p/a1", "p/a5", Some("p/a8"));
        assert!(
            tiny.cuts(10, 2000.0).is_empty(),
            "a range this small is not cut"
        );
        let s = Shape {
            prefix: "p/",
            ..shape("p/", "p/", None)
        };
        assert!(s.cuts(4, 1.0).is_empty());
        let s = Shape {
            prefix: "p/",
            ..shape("p/é", "p/日本", None)
        };
        for x in s.cuts(50, 0.0) {
            assert!(x.starts_with("p/") && x.as_str() > "p/日本", "{x}");
        }
    }

    #[test]
    fn hive_partitions_cut_at_days_then_months() {
        let s = shape(
            "events/dt=2023-01-01/hour=00/part-0000.parquet",
            "events/dt=2023-01-02/hour=19/part-0011.parquet",
            None,
        );
        let cuts = s.cuts(40, 2000.0);
        assert!(
            cuts.contains(&"events/dt=2023-01-1".to_string()),
            "{cuts:?}"
        );
        assert!(cuts.contains(&"events/dt=2023-02".to_string()), "{cuts:?}");
        assert!(cuts.contains(&"events/dt=2024".to_string()), "{cuts:?}");
        assert!(cuts.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_bounded_range_is_cut_between_last_and_hi_not_by_density() {
        // The page covered a whole leaf: density would guess `part-1`.. (all empty).
        let s = shape(
            "team-00/dataset-00/part-0000000.bin",
            "team-00/dataset-00/part-0199800.bin",
            Some("team-00/dataset-06/"),
        );
        assert_eq!(
            s.cuts(10, 2000.0),
            [
                "team-00/dataset-01",
                "team-00/dataset-02",
                "team-00/dataset-03",
                "team-00/dataset-04",
                "team-00/dataset-05"
            ]
        );
    }

    #[test]
    fn remaining_follows_the_distance_to_hi() {
        let near = shape("k-0000", "k-0999", Some("k-1000"));
        let far = shape("k-0000", "k-0999", Some("k-9000"));
        assert!(near.remaining().unwrap() < far.remaining().unwrap());
        assert!(shape("a", "b", None).remaining().is_none());
    }
}
