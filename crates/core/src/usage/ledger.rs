//! What is known of each collected hour, split by whether the source can still be read again.
//!
//! `settled` rows will never be read from the source again: RGW usage that was trimmed, and
//! the requests of log objects already read (each object is read once). `live` rows are the
//! last read of what the RGW still holds; reading an hour again replaces them, trimming a
//! user moves them to `settled`. The total of an hour is `settled + live`, so re-reading or
//! re-running never counts twice, and trimming never loses what was read.

use super::model::{Counters, Hours, RowKey, Rows, merge_rows};
use crate::instants::Window;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// One hour of the ledger.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourLedger {
    #[serde(
        default,
        skip_serializing_if = "Rows::is_empty",
        with = "rows_as_arrays"
    )]
    pub settled: Rows,
    #[serde(
        default,
        skip_serializing_if = "Rows::is_empty",
        with = "rows_as_arrays"
    )]
    pub live: Rows,
}

impl HourLedger {
    pub fn is_empty(&self) -> bool {
        self.settled.is_empty() && self.live.is_empty()
    }

    /// Everything known of the hour.
    pub fn total(&self) -> Rows {
        let mut rows = self.settled.clone();
        merge_rows(&mut rows, &self.live);
        rows
    }
}

/// Hours by their start.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ledger {
    hours: BTreeMap<DateTime<Utc>, HourLedger>,
}

impl Ledger {
    /// A fresh read of the RGW for every hour of `window`: `read` replaces the live rows of
    /// those hours (an hour missing from `read` holds nothing on the server any more).
    pub fn replace_live(&mut self, window: &Window, mut read: Hours) {
        for hour in window.hours() {
            let live = read.remove(&hour).unwrap_or_default();
            let entry = self.hours.entry(hour).or_default();
            entry.live = live;
            if entry.is_empty() {
                self.hours.remove(&hour);
            }
        }
    }

    /// Rows that can never be read again (log objects read once): added to `settled`.
    pub fn add_settled(&mut self, read: &Hours) {
        for (hour, rows) in read {
            merge_rows(&mut self.hours.entry(*hour).or_default().settled, rows);
        }
    }

    /// After the RGW trimmed `user`'s usage in `window`: their live rows become settled.
    pub fn settle_user(&mut self, window: &Window, user: &str) {
        for hour in window.hours() {
            let Some(h) = self.hours.get_mut(&hour) else {
                continue;
            };
            let moved: Vec<RowKey> = h.live.keys().filter(|k| k.user == user).cloned().collect();
            for key in moved {
                if let Some(c) = h.live.remove(&key) {
                    *h.settled.entry(key).or_default() += &c;
                }
            }
        }
    }

    /// The users with live rows in `window`: whose usage a trim of the window removes.
    pub fn live_users(&self, window: &Window) -> Vec<String> {
        let mut users: Vec<String> = self
            .hours
            .range(window.since..window.until)
            .flat_map(|(_, h)| h.live.keys().map(|k| k.user.clone()))
            .collect();
        users.sort();
        users.dedup();
        users
    }

    /// Everything known of the hours of `window`.
    pub fn window(&self, window: &Window) -> Hours {
        self.hours
            .range(window.since..window.until)
            .map(|(hour, h)| (*hour, h.total()))
            .filter(|(_, rows)| !rows.is_empty())
            .collect()
    }

    /// Drops hours before `cutoff` except those of `keep`; true when any was dropped.
    pub fn prune_before(&mut self, cutoff: DateTime<Utc>, keep: Option<&Window>) -> bool {
        let before = self.hours.len();
        self.hours
            .retain(|hour, _| *hour >= cutoff || keep.is_some_and(|w| w.contains(*hour)));
        self.hours.len() != before
    }

    pub fn hour_count(&self) -> usize {
        self.hours.len()
    }
}

/// Rows as `[user, bucket, category, ops, successful_ops, bytes_sent, bytes_received]`:
/// compact enough for state files of millions of rows, readable with `jq`.
mod rows_as_arrays {
    use super::*;

    type Flat = (String, String, String, u64, u64, u64, u64);

    pub fn serialize<S: Serializer>(rows: &Rows, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(rows.iter().map(|(k, c)| {
            (
                &k.user,
                &k.bucket,
                &k.category,
                c.ops,
                c.successful_ops,
                c.bytes_sent,
                c.bytes_received,
            )
        }))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Rows, D::Error> {
        let flat: Vec<Flat> = Vec::deserialize(d)?;
        let mut rows = Rows::new();
        for (user, bucket, category, ops, successful_ops, bytes_sent, bytes_received) in flat {
            let c = Counters {
                ops,
                successful_ops,
                bytes_sent,
                bytes_received,
            };
            *rows
                .entry(RowKey {
                    user,
                    bucket,
                    category,
                })
                .or_default() += &c;
        }
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn h(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, 10, hour, 0, 0).unwrap()
    }

    fn rows(items: &[(&str, u64)]) -> Rows {
        items
            .iter()
            .map(|(user, ops)| {
                let c = Counters {
                    ops: *ops,
                    successful_ops: *ops,
                    ..Default::default()
                };
                (RowKey::new(user, "b", "get_obj"), c)
            })
            .collect()
    }

    fn ops(l: &Ledger, w: &Window) -> u64 {
        l.window(w)
            .values()
            .flat_map(|r| r.values())
            .map(|c| c.ops)
            .sum()
    }

    #[test]
    fn rereading_replaces_and_trimming_settles() {
        let w = Window::new(h(9), h(11)).unwrap();
        let mut l = Ledger::default();
        l.replace_live(&w, Hours::from([(h(9), rows(&[("alice", 3), ("bob", 1)]))]));
        assert_eq!(ops(&l, &w), 4);
        // Reading again (a few late requests arrived) replaces: no double count.
        l.replace_live(&w, Hours::from([(h(9), rows(&[("alice", 4), ("bob", 1)]))]));
        assert_eq!(ops(&l, &w), 5);
        assert_eq!(l.live_users(&w), ["alice", "bob"]);
        // alice is trimmed; the server then holds only bob's rows and alice's late ones.
        l.settle_user(&w, "alice");
        l.replace_live(
            &w,
            Hours::from([
                (h(9), rows(&[("alice", 1), ("bob", 1)])),
                (h(10), rows(&[("bob", 2)])),
            ]),
        );
        assert_eq!(ops(&l, &w), 4 + 1 + 1 + 2);
        // Serialized and read back, the same.
        let text = serde_json::to_string(&l).unwrap();
        assert!(
            text.contains(r#"["alice","b","get_obj",4,4,0,0]"#),
            "{text}"
        );
        let back: Ledger = serde_json::from_str(&text).unwrap();
        assert_eq!(back, l);
    }

    #[test]
    fn settled_rows_add_up_and_pruning_keeps_the_window() {
        let w = Window::new(h(9), h(10)).unwrap();
        let mut l = Ledger::default();
        l.add_settled(&Hours::from([
            (h(8), rows(&[("a", 1)])),
            (h(9), rows(&[("a", 2)])),
        ]));
        l.add_settled(&Hours::from([(h(9), rows(&[("a", 3)]))]));
        assert_eq!(ops(&l, &w), 5);
        assert!(l.prune_before(h(10), Some(&w)));
        assert_eq!(l.hour_count(), 1);
        assert_eq!(ops(&l, &w), 5);
        // An empty read of an hour that held only live rows removes it.
        let mut m = Ledger::default();
        m.replace_live(&w, Hours::from([(h(9), rows(&[("a", 1)]))]));
        m.replace_live(&w, Hours::new());
        assert_eq!(m.hour_count(), 0);
    }
}
