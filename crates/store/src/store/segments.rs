//! Append-only segment files (`<dir>/blobs/packs/NNNNNNNN.pack`) that pack small blobs together.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use crate::DemoError;

/// A segment stops growing past this size, so that whole dead segments can be reclaimed.
const SEGMENT_LIMIT: u64 = 256 * 1024 * 1024;

/// The segment being appended to.
#[derive(Debug)]
struct Segment {
    number: u32,
    file: File,
    len: u64,
}

#[derive(Debug)]
pub struct Segments {
    dir: PathBuf,
    current: Mutex<Segment>,
}

impl Segments {
    /// Opens the segment directory and starts a new segment after the existing ones.
    pub fn open(dir: PathBuf) -> Result<Self, DemoError> {
        fs::create_dir_all(&dir).map_err(DemoError::io("create", &dir))?;
        let last = list_dir(&dir)?
            .iter()
            .filter_map(|path| number_of(path))
            .max();
        let current = open_segment(&dir, last.map_or(1, |n| n + 1))?;
        Ok(Self {
            dir,
            current: Mutex::new(current),
        })
    }

    pub fn path(&self, number: u32) -> PathBuf {
        path_of(&self.dir, number)
    }

    /// The number of the segment being appended to.
    pub fn current(&self) -> u32 {
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .number
    }

    /// Appends `data`; returns the segment number and the offset it starts at.
    pub fn append(&self, data: &[u8]) -> Result<(u32, u64), DemoError> {
        let mut segment = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if segment.len > 0 && segment.len + data.len() as u64 > SEGMENT_LIMIT {
            segment
                .file
                .sync_data()
                .map_err(DemoError::io("sync", self.path(segment.number)))?;
            *segment = open_segment(&self.dir, segment.number + 1)?;
        }
        let offset = segment.len;
        if let Err(err) = segment.file.write_all(data) {
            // Cut a partial append off so the next blob starts where the index expects it.
            let _ = segment.file.set_len(offset);
            return Err(DemoError::io("write", self.path(segment.number))(err));
        }
        segment.len += data.len() as u64;
        Ok((segment.number, offset))
    }

    /// Forces the segment being appended to onto disk (full ones were when they filled up).
    pub fn sync(&self) -> Result<(), DemoError> {
        let segment = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        segment
            .file
            .sync_data()
            .map_err(DemoError::io("sync", self.path(segment.number)))
    }

    /// Every file in the segment directory, with its segment number if it is a segment.
    pub fn files(&self) -> Result<Vec<(Option<u32>, PathBuf)>, DemoError> {
        Ok(list_dir(&self.dir)?
            .into_iter()
            .map(|path| (number_of(&path), path))
            .collect())
    }
}

fn path_of(dir: &Path, number: u32) -> PathBuf {
    dir.join(format!("{number:08}.pack"))
}

fn number_of(path: &Path) -> Option<u32> {
    path.file_name()?
        .to_str()?
        .strip_suffix(".pack")?
        .parse()
        .ok()
}

fn open_segment(dir: &Path, number: u32) -> Result<Segment, DemoError> {
    let path = path_of(dir, number);
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(DemoError::io("create", &path))?;
    let len = file.metadata().map_err(DemoError::io("read", &path))?.len();
    Ok(Segment { number, file, len })
}

pub fn list_dir(dir: &Path) -> Result<Vec<PathBuf>, DemoError> {
    fs::read_dir(dir)
        .and_then(|entries| entries.map(|e| e.map(|e| e.path())).collect())
        .map_err(DemoError::io("list", dir))
}
