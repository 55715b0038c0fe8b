//! Object and part bytes as immutable files under `<dir>/blobs/`, named by random ids.
//!
//! A blob is written completely before the index refers to it and is never modified, so a
//! crash can only leave unreferenced files behind; `sweep` removes them when the store opens.
//! Copies are hard links, so copying an object costs no space.

use std::collections::HashSet;
use std::fs;
use std::io::{Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures::{Stream, StreamExt};
use md5::{Digest, Md5};
use rand::Rng;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use super::model::BlobId;
use crate::demo::DemoError;

const READ_CHUNK: usize = 64 * 1024;

/// A blob that was just written: where, how long, and its MD5 hex.
#[derive(Debug)]
pub struct WrittenBlob {
    /// `None` for zero bytes, which need no file.
    pub blob: Option<BlobId>,
    pub size: u64,
    pub md5: String,
}

#[derive(Debug)]
pub struct Blobs {
    dir: PathBuf,
}

impl Blobs {
    pub fn new(dir: PathBuf) -> Result<Self, DemoError> {
        fs::create_dir_all(&dir).map_err(DemoError::io("create", &dir))?;
        Ok(Self { dir })
    }

    fn path(&self, id: &BlobId) -> PathBuf {
        self.dir.join(&id.0[..2]).join(&id.0)
    }

    /// A fresh id and its file path, with the fan-out directory created.
    fn allocate(&self) -> Result<(BlobId, PathBuf), DemoError> {
        let id = BlobId(format!("{:032x}", rand::rng().random::<u128>()));
        let path = self.path(&id);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(DemoError::io("create", parent))?;
        }
        Ok((id, path))
    }

    pub fn write(&self, data: &[u8]) -> Result<WrittenBlob, DemoError> {
        let md5 = hex::encode(Md5::digest(data));
        let size = data.len() as u64;
        if data.is_empty() {
            return Ok(WrittenBlob { blob: None, size, md5 });
        }
        let (id, path) = self.allocate()?;
        fs::write(&path, data).map_err(DemoError::io("write", &path))?;
        Ok(WrittenBlob {
            blob: Some(id),
            size,
            md5,
        })
    }

    /// Writes a request body as it arrives, hashing it on the way.
    pub async fn write_stream<S, E>(&self, body: S) -> Result<WrittenBlob, DemoError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let (id, path) = self.allocate()?;
        let result = write_hashed(&path, body).await;
        match result {
            Ok((size, md5)) if size > 0 => Ok(WrittenBlob {
                blob: Some(id),
                size,
                md5,
            }),
            Ok((size, md5)) => {
                self.remove([&id]);
                Ok(WrittenBlob { blob: None, size, md5 })
            }
            Err(err) => {
                self.remove([&id]);
                Err(err)
            }
        }
    }

    /// A second name for the same immutable bytes (a copy when hard links are unavailable).
    pub fn link(&self, source: &BlobId) -> Result<BlobId, DemoError> {
        let from = self.path(source);
        let (id, to) = self.allocate()?;
        if fs::hard_link(&from, &to).is_err() {
            fs::copy(&from, &to).map_err(DemoError::io("copy", &from))?;
        }
        Ok(id)
    }

    /// Opens a blob for reading; an open file stays readable after the blob is deleted.
    pub fn open(&self, id: &BlobId) -> Result<fs::File, DemoError> {
        let path = self.path(id);
        fs::File::open(&path).map_err(DemoError::io("open", &path))
    }

    /// Copies `range` of an opened blob (`None` is the empty body) into a new blob.
    pub fn write_range(&self, source: Option<fs::File>, range: Range<u64>) -> Result<WrittenBlob, DemoError> {
        let Some(mut source) = source.filter(|_| !range.is_empty()) else {
            return self.write(&[]);
        };
        let mut data = Vec::new();
        source
            .seek(SeekFrom::Start(range.start))
            .and_then(|_| source.take(range.end - range.start).read_to_end(&mut data))
            .map_err(DemoError::io("read", &self.dir))?;
        self.write(&data)
    }

    /// Concatenates blobs into a new one (CompleteMultipartUpload).
    pub fn write_concat<'a>(&self, sources: impl IntoIterator<Item = &'a BlobId>) -> Result<Option<BlobId>, DemoError> {
        let mut sources = sources.into_iter().peekable();
        if sources.peek().is_none() {
            return Ok(None);
        }
        let (id, to) = self.allocate()?;
        let result = (|| {
            let mut out = fs::File::create(&to).map_err(DemoError::io("create", &to))?;
            for source in sources {
                let from = self.path(source);
                let mut input = fs::File::open(&from).map_err(DemoError::io("open", &from))?;
                std::io::copy(&mut input, &mut out).map_err(DemoError::io("write", &to))?;
            }
            out.flush().map_err(DemoError::io("write", &to))
        })();
        match result {
            Ok(()) => Ok(Some(id)),
            Err(err) => {
                self.remove([&id]);
                Err(err)
            }
        }
    }

    /// Streams `range` of an opened blob (`None` is the empty body).
    pub async fn stream(
        source: Option<fs::File>,
        range: Range<u64>,
    ) -> Result<impl Stream<Item = Result<Bytes, std::io::Error>> + Send + Sync + 'static, std::io::Error> {
        let remaining = range.end - range.start;
        let file = match source.filter(|_| remaining > 0) {
            None => None,
            Some(file) => {
                let mut file = tokio::fs::File::from_std(file);
                file.seek(SeekFrom::Start(range.start)).await?;
                Some(file)
            }
        };
        Ok(futures::stream::try_unfold((file, remaining), read_chunk))
    }

    /// Deletes blobs no longer referenced; a failure only leaves a file for the next sweep.
    pub fn remove<'a>(&self, ids: impl IntoIterator<Item = &'a BlobId>) {
        for id in ids {
            let path = self.path(id);
            if let Err(err) = fs::remove_file(&path) {
                tracing::warn!(path = %path.display(), %err, "cannot delete an unreferenced blob");
            }
        }
    }

    /// Deletes every blob file whose id is not in `referenced` (leftovers of a crash).
    pub fn sweep(&self, referenced: &HashSet<&str>) -> Result<usize, DemoError> {
        let mut removed = 0;
        for fan_out in read_dir(&self.dir)? {
            for file in read_dir(&fan_out)? {
                let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                if !referenced.contains(name) {
                    fs::remove_file(&file).map_err(DemoError::io("delete", &file))?;
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, DemoError> {
    fs::read_dir(dir)
        .and_then(|entries| entries.map(|e| e.map(|e| e.path())).collect())
        .map_err(DemoError::io("list", dir))
}

async fn write_hashed<S, E>(path: &Path, mut body: S) -> Result<(u64, String), DemoError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(DemoError::io("create", path))?;
    let mut hasher = Md5::new();
    let mut size = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|err| DemoError::InvalidArgument(format!("the request body was cut off: {err}")))?;
        hasher.update(&chunk);
        size += chunk.len() as u64;
        file.write_all(&chunk).await.map_err(DemoError::io("write", path))?;
    }
    file.flush().await.map_err(DemoError::io("write", path))?;
    Ok((size, hex::encode(hasher.finalize())))
}

async fn read_chunk(
    (file, remaining): (Option<tokio::fs::File>, u64),
) -> Result<Option<(Bytes, (Option<tokio::fs::File>, u64))>, std::io::Error> {
    let Some(mut file) = file.filter(|_| remaining > 0) else {
        return Ok(None);
    };
    let want = remaining.min(READ_CHUNK as u64) as usize;
    let mut buf = vec![0; want];
    file.read_exact(&mut buf).await?;
    Ok(Some((Bytes::from(buf), (Some(file), remaining - want as u64))))
}
