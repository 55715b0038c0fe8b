//! Everything `update` reacts to: keys, resizes, ticks and the results of effects.

use crate::s3::buckets::BucketInfo;
use crate::s3::error::S3Error;
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

/// Tags an effect and its results; a result whose id is no longer awaited is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// One input to the state machine.
#[derive(Debug, Clone)]
pub enum Event {
    /// A key press (or repeat) from the terminal.
    Key(KeyEvent),
    /// The terminal has a new size.
    Resize { width: u16, height: u16 },
    /// A frame tick; the only way the clock reaches `update`.
    Tick { now: DateTime<Utc> },
    /// ListBuckets finished.
    BucketsLoaded {
        id: RequestId,
        result: Result<Vec<BucketInfo>, S3Error>,
        at: DateTime<Utc>,
    },
    /// Some buckets' regions are known (a batch; more may follow with the same id).
    RegionsResolved {
        id: RequestId,
        resolved: Vec<BucketInfo>,
        failures: Vec<(String, S3Error)>,
    },
}

impl Event {
    /// The event for a terminal event; None for those the TUI ignores (mouse, focus, paste).
    pub fn from_terminal(event: crossterm::event::Event) -> Option<Self> {
        match event {
            crossterm::event::Event::Key(k) => Some(Self::Key(k)),
            crossterm::event::Event::Resize(width, height) => Some(Self::Resize { width, height }),
            _ => None,
        }
    }
}
