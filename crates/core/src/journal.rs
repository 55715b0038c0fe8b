//! Append-only journals of JSON lines with group commit, shared by every write path that must
//! resume after a kill (segregate apply, cleanup, rm): one writer thread, records arriving
//! together share one fsync, a line torn by a crash is closed with a newline on reopening.

use serde::Serialize;
use std::io::{Read, Seek, SeekFrom, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::mpsc as std_mpsc;
use tokio::sync::oneshot;

/// The writer of one journal file; cheap to clone, shared by every worker.
pub struct Journal<R> {
    tx: std_mpsc::Sender<Batch<R>>,
    path: PathBuf,
    kind: PhantomData<fn(R)>,
}

impl<R> Clone for Journal<R> {
    fn clone(&self) -> Self {
        Self {
            tx: self.tx.clone(),
            path: self.path.clone(),
            kind: PhantomData,
        }
    }
}

impl<R: Serialize + Send + 'static> Journal<R> {
    /// Opens `path` for appending (creating it and its directory, mode 0600) and starts the
    /// writer thread. A torn last line is closed with a newline first.
    pub fn open(path: &Path) -> std::io::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::fsutil::create_private_dir_all(dir)?;
        }
        let mut opts = std::fs::OpenOptions::new();
        opts.read(true).append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut file = opts.open(path)?;
        let len = file.metadata()?.len();
        if len > 0 {
            let mut last = [0u8; 1];
            file.seek(SeekFrom::Start(len - 1))?;
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                file.write_all(b"\n")?;
            }
        }
        file.sync_all()?;
        #[cfg(unix)]
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::File::open(dir)?.sync_all()?;
        }
        let (tx, rx) = std_mpsc::channel::<Batch<R>>();
        std::thread::Builder::new()
            .name("journal".into())
            .spawn(move || writer(file, rx))?;
        Ok(Self {
            tx,
            path: path.to_path_buf(),
            kind: PhantomData,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends records and returns once they (and all before them) are on disk.
    pub async fn write(&self, records: Vec<R>) -> Result<(), String> {
        let (ack, done) = oneshot::channel();
        self.tx
            .send(Batch {
                records,
                ack: Some(ack),
            })
            .map_err(|_| "the journal writer stopped".to_string())?;
        done.await
            .map_err(|_| "the journal writer stopped".to_string())?
    }

    /// Appends one record and returns once it is on disk.
    pub async fn write_one(&self, record: R) -> Result<(), String> {
        self.write(vec![record]).await
    }

    /// Queues a record without waiting: it reaches the file at once and the disk with the
    /// next [`Journal::sync`] (or any waited write).
    pub fn append(&self, record: R) -> Result<(), String> {
        self.tx
            .send(Batch {
                records: vec![record],
                ack: None,
            })
            .map_err(|_| "the journal writer stopped".to_string())
    }

    /// Returns once every record queued so far is on disk.
    pub async fn sync(&self) -> Result<(), String> {
        self.write(Vec::new()).await
    }
}

/// Records sent together, and who waits for them to be on disk.
struct Batch<R> {
    records: Vec<R>,
    ack: Option<oneshot::Sender<Result<(), String>>>,
}

/// Writes every batch waiting and hands it to the OS (a killed process loses nothing
/// written); fsyncs once when someone waits, then acknowledges them all.
fn writer<R: Serialize>(file: std::fs::File, rx: std_mpsc::Receiver<Batch<R>>) {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
    let mut failed: Option<String> = None;
    while let Ok(first) = rx.recv() {
        let mut acks = Vec::new();
        let mut pending = vec![first];
        while let Ok(more) = rx.try_recv() {
            pending.push(more);
        }
        for batch in pending {
            for record in batch.records {
                if failed.is_none() {
                    let line = serde_json::to_vec(&record).map_err(|e| e.to_string());
                    let written = line.and_then(|mut l| {
                        l.push(b'\n');
                        out.write_all(&l).map_err(|e| e.to_string())
                    });
                    if let Err(e) = written {
                        failed = Some(e);
                    }
                }
            }
            acks.extend(batch.ack);
        }
        if failed.is_none() {
            let mut done = out.flush();
            if done.is_ok() && !acks.is_empty() {
                done = out.get_ref().sync_data();
            }
            if let Err(e) = done {
                failed = Some(e.to_string());
            }
        }
        let result = failed.clone().map_or(Ok(()), Err);
        for ack in acks {
            let _ = ack.send(result.clone());
        }
    }
}
