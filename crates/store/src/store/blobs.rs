//! Object and part bytes, immutable once written, under `<dir>/blobs/`.
//!
//! Small blobs are packed into append-only segment files (a file per small object is what
//! makes stores slow), large ones get files of their own. A blob is written completely before
//! the index refers to it, so a crash can only leave unreferenced bytes behind; `sweep`
//! reclaims them when the store opens: unreferenced files, and segments no object refers to
//! any more. Packed blobs are shared by copies and reclaimed with their segment; own files are
//! hard-linked by copies and deleted with their last object.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures::{Stream, StreamExt};
use md5::{Digest, Md5};
use rand::Rng;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use super::model::BlobId;
use super::segments::{Segments, list_dir};
use crate::DemoError;

/// Bodies up to this size are packed into segments; larger ones get a file of their own.
const PACK_LIMIT: usize = 1024 * 1024;
const READ_CHUNK: usize = 64 * 1024;

/// A blob that was just written: where, how long, and its MD5 hex.
#[derive(Debug)]
pub struct WrittenBlob {
    /// `None` for zero bytes, which need no storage.
    pub blob: Option<BlobId>,
    pub size: u64,
    pub md5: String,
}

/// An opened blob: its file, where in it the blob starts, and the path for error messages.
#[derive(Debug)]
pub struct BlobReader {
    file: File,
    start: u64,
    path: PathBuf,
}

#[derive(Debug)]
pub struct Blobs {
    segments: Segments,
    files: PathBuf,
}

impl Blobs {
    /// Opens the blob directories and starts a new segment after the existing ones.
    pub fn new(dir: &Path) -> Result<Self, DemoError> {
        let files = dir.join("files");
        fs::create_dir_all(&files).map_err(DemoError::io("create", &files))?;
        let segments = Segments::open(dir.join("packs"))?;
        Ok(Self { segments, files })
    }

    fn file_path(&self, id: &str) -> PathBuf {
        self.files.join(id.get(..2).unwrap_or_default()).join(id)
    }

    /// A fresh id for a file of its own, and its path (with the directory created).
    fn new_file(&self) -> Result<(String, PathBuf), DemoError> {
        let id = format!("{:032x}", rand::rng().random::<u128>());
        let path = self.file_path(&id);
        let parent = path.parent().unwrap_or(&self.files);
        fs::create_dir_all(parent).map_err(DemoError::io("create", parent))?;
        Ok((id, path))
    }

    pub fn write(&self, data: &[u8]) -> Result<WrittenBlob, DemoError> {
        let md5 = hex::encode(Md5::digest(data));
        let size = data.len() as u64;
        let blob = match data.len() {
            0 => None,
            n if n <= PACK_LIMIT => {
                let (segment, offset) = self.segments.append(data)?;
                Some(BlobId::Packed(segment, offset))
            }
            _ => Some(self.own_file(|file| file.write_all(data))?.0),
        };
        Ok(WrittenBlob { blob, size, md5 })
    }

    /// Writes a new file of its own through `fill`; returns its id and MD5 hex.
    fn own_file(
        &self,
        fill: impl FnOnce(&mut HashingFile) -> io::Result<()>,
    ) -> Result<(BlobId, String), DemoError> {
        let (id, path) = self.new_file()?;
        let file = File::create(&path).map_err(DemoError::io("create", &path))?;
        let mut out = HashingFile {
            file,
            md5: Md5::new(),
        };
        if let Err(err) = fill(&mut out).and_then(|()| out.file.sync_data()) {
            let _ = fs::remove_file(&path);
            return Err(DemoError::io("write", &path)(err));
        }
        Ok((BlobId::File(id), hex::encode(out.md5.finalize())))
    }

    /// Writes a request body as it arrives, hashing it on the way; memory stays bounded.
    pub async fn write_stream<S, E>(&self, mut body: S) -> Result<WrittenBlob, DemoError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let cut_off =
            |err: E| DemoError::InvalidArgument(format!("the request body was cut off: {err}"));
        let mut head = Vec::new();
        while head.len() <= PACK_LIMIT {
            match body.next().await {
                Some(chunk) => head.extend_from_slice(&chunk.map_err(cut_off)?),
                None => return self.write(&head),
            }
        }
        let (id, path) = self.new_file()?;
        let result = async {
            let mut file = tokio::fs::File::create(&path)
                .await
                .map_err(DemoError::io("create", &path))?;
            let mut md5 = Md5::new();
            let mut size = head.len() as u64;
            md5.update(&head);
            file.write_all(&head)
                .await
                .map_err(DemoError::io("write", &path))?;
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(cut_off)?;
                md5.update(&chunk);
                size += chunk.len() as u64;
                file.write_all(&chunk)
                    .await
                    .map_err(DemoError::io("write", &path))?;
            }
            file.flush().await.map_err(DemoError::io("write", &path))?;
            file.sync_data()
                .await
                .map_err(DemoError::io("sync", &path))?;
            Ok(WrittenBlob {
                blob: Some(BlobId::File(id.clone())),
                size,
                md5: hex::encode(md5.finalize()),
            })
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&path).await;
        }
        result
    }

    /// The same bytes under a second reference: packed blobs are shared as they are, own
    /// files get a hard link (a copy where links are not supported).
    pub fn link(&self, source: &BlobId) -> Result<BlobId, DemoError> {
        let BlobId::File(source_id) = source else {
            return Ok(source.clone());
        };
        let from = self.file_path(source_id);
        let (id, to) = self.new_file()?;
        if fs::hard_link(&from, &to).is_err() {
            fs::copy(&from, &to).map_err(DemoError::io("copy", &from))?;
        }
        Ok(BlobId::File(id))
    }

    /// Opens a blob for reading; an open blob stays readable after it is deleted.
    pub fn open(&self, id: &BlobId) -> Result<BlobReader, DemoError> {
        let (path, start) = match id {
            BlobId::Packed(segment, offset) => (self.segments.path(*segment), *offset),
            BlobId::File(id) => (self.file_path(id), 0),
        };
        let file = File::open(&path).map_err(DemoError::io("open", &path))?;
        Ok(BlobReader { file, start, path })
    }

    /// Copies `range` of an opened blob (`None` is the empty body) into a new blob.
    pub fn write_range(
        &self,
        source: Option<BlobReader>,
        range: Range<u64>,
    ) -> Result<WrittenBlob, DemoError> {
        let Some(source) = source.filter(|_| !range.is_empty()) else {
            return self.write(&[]);
        };
        let len = range.end - range.start;
        let path = source.path.clone();
        let mut reader = source.at(range.start)?.take(len);
        if len <= PACK_LIMIT as u64 {
            let mut data = Vec::new();
            reader
                .read_to_end(&mut data)
                .map_err(DemoError::io("read", &path))?;
            return self.write(&data);
        }
        let (blob, md5) = self.own_file(|out| io::copy(&mut reader, out).map(drop))?;
        Ok(WrittenBlob {
            blob: Some(blob),
            size: len,
            md5,
        })
    }

    /// Concatenates blobs, each given with its size, into a new one (CompleteMultipartUpload).
    pub fn write_concat(
        &self,
        parts: &[(Option<&BlobId>, u64)],
    ) -> Result<Option<BlobId>, DemoError> {
        let mut readers = Vec::with_capacity(parts.len());
        for (blob, size) in parts {
            if let Some(blob) = blob {
                let reader = self.open(blob)?;
                let path = reader.path.clone();
                readers.push((reader.at(0)?.take(*size), path));
            }
        }
        let total: u64 = parts.iter().map(|(_, size)| size).sum();
        if total <= PACK_LIMIT as u64 {
            let mut data = Vec::new();
            for (mut reader, path) in readers {
                reader
                    .read_to_end(&mut data)
                    .map_err(DemoError::io("read", &path))?;
            }
            return Ok(self.write(&data)?.blob);
        }
        let (blob, _) = self.own_file(|out| {
            for (mut reader, _) in readers {
                io::copy(&mut reader, out)?;
            }
            Ok(())
        })?;
        Ok(Some(blob))
    }

    /// Streams `range` of an opened blob (`None` is the empty body).
    pub async fn stream(
        source: Option<BlobReader>,
        range: Range<u64>,
    ) -> Result<impl Stream<Item = Result<Bytes, io::Error>> + Send + Sync + 'static, io::Error>
    {
        let remaining = range.end - range.start;
        let file = match source.filter(|_| remaining > 0) {
            None => None,
            Some(source) => {
                let mut file = tokio::fs::File::from_std(source.file);
                file.seek(SeekFrom::Start(source.start + range.start))
                    .await?;
                Some(file)
            }
        };
        Ok(futures::stream::try_unfold((file, remaining), read_chunk))
    }

    /// Forces packed blobs onto disk (files of their own are synced when written).
    pub fn sync(&self) -> Result<(), DemoError> {
        self.segments.sync()
    }

    /// Deletes blobs nothing refers to any more; packed ones go with their segment.
    pub fn remove<'a>(&self, ids: impl IntoIterator<Item = &'a BlobId>) {
        for id in ids {
            if let BlobId::File(id) = id {
                let path = self.file_path(id);
                if let Err(err) = fs::remove_file(&path) {
                    let path = path.display();
                    tracing::warn!(%path, %err, "cannot delete an unreferenced blob");
                }
            }
        }
    }

    /// Deletes own files and whole segments that no blob in `referenced` lives in.
    pub fn sweep<'a>(
        &self,
        referenced: impl IntoIterator<Item = &'a BlobId>,
    ) -> Result<usize, DemoError> {
        let (mut segments, mut files) = (HashSet::new(), HashSet::new());
        for blob in referenced {
            match blob {
                BlobId::Packed(segment, _) => segments.insert(*segment),
                BlobId::File(id) => files.insert(id.as_str()),
            };
        }
        let current = self.segments.current();
        let mut dead: Vec<PathBuf> = self
            .segments
            .files()?
            .into_iter()
            .filter(|(number, _)| number.is_none_or(|n| n != current && !segments.contains(&n)))
            .map(|(_, path)| path)
            .collect();
        for fan_out in list_dir(&self.files)? {
            let names = list_dir(&fan_out)?;
            dead.extend(names.into_iter().filter(|path| {
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                !files.contains(name)
            }));
        }
        for path in &dead {
            fs::remove_file(path).map_err(DemoError::io("delete", path))?;
        }
        Ok(dead.len())
    }
}

impl BlobReader {
    /// The blob's file, positioned `offset` bytes into the blob.
    fn at(mut self, offset: u64) -> Result<File, DemoError> {
        self.file
            .seek(SeekFrom::Start(self.start + offset))
            .map_err(DemoError::io("read", &self.path))?;
        Ok(self.file)
    }
}

/// A new blob file that hashes what is written to it.
struct HashingFile {
    file: File,
    md5: Md5,
}

impl Write for HashingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.file.write(buf)?;
        self.md5.update(&buf[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

async fn read_chunk(
    (file, remaining): (Option<tokio::fs::File>, u64),
) -> Result<Option<(Bytes, (Option<tokio::fs::File>, u64))>, io::Error> {
    let Some(mut file) = file.filter(|_| remaining > 0) else {
        return Ok(None);
    };
    let want = remaining.min(READ_CHUNK as u64) as usize;
    let mut buf = vec![0; want];
    file.read_exact(&mut buf).await?;
    Ok(Some((
        Bytes::from(buf),
        (Some(file), remaining - want as u64),
    )))
}
