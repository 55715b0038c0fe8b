//! Local directory storage: each write goes to a temporary file beside its target, is fsynced,
//! then renamed over it (and the directory fsynced), so readers see old or new, never half.

use crate::pipeline::PipelineError;
use std::path::{Path, PathBuf};
use tokio::io::{AsyncRead, AsyncWriteExt};

#[derive(Debug, Clone)]
pub struct LocalStorage {
    root: PathBuf,
}

impl LocalStorage {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    pub fn path_of(&self, name: &str) -> PathBuf {
        if name.is_empty() {
            return self.root.clone();
        }
        name.split('/').fold(self.root.clone(), |p, s| p.join(s))
    }

    pub(super) async fn put_stream<R: AsyncRead + Unpin + Send>(
        &self,
        name: &str,
        mut reader: R,
    ) -> Result<(), PipelineError> {
        let path = self.path_of(name);
        let dir = path.parent().unwrap_or(&self.root).to_path_buf();
        let shown = path.display().to_string();
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(PipelineError::io(format!(
                "cannot create {}",
                dir.display()
            )))?;
        let tmp = tempfile::Builder::new()
            .prefix(".s3scope-tmp-")
            .tempfile_in(&dir)
            .map_err(PipelineError::io(format!(
                "cannot write in {}",
                dir.display()
            )))?;
        let std_file = tmp
            .as_file()
            .try_clone()
            .map_err(PipelineError::io(format!("cannot write {shown}")))?;
        let mut f = tokio::fs::File::from_std(std_file);
        tokio::io::copy(&mut reader, &mut f)
            .await
            .map_err(PipelineError::io(format!("cannot write {shown}")))?;
        f.flush()
            .await
            .map_err(PipelineError::io(format!("cannot write {shown}")))?;
        f.sync_all()
            .await
            .map_err(PipelineError::io(format!("cannot sync {shown}")))?;
        drop(f);
        tokio::task::spawn_blocking(move || persist(tmp, &path, &dir))
            .await
            .map_err(|e| PipelineError::Other(format!("writing {shown} stopped: {e}")))?
    }

    pub(super) async fn remove(&self, name: &str) -> Result<(), PipelineError> {
        let path = self.path_of(name);
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(PipelineError::Io {
                what: format!("cannot remove {}", path.display()),
                source: e,
            }),
        }
    }

    /// Every file under the directory `prefix` (relative names, `/`-separated).
    pub(super) async fn list(&self, prefix: &str) -> Result<Vec<String>, PipelineError> {
        let start = self.path_of(prefix.trim_end_matches('/'));
        let prefix = prefix.to_string();
        tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            walk(&start, &prefix, &mut out)?;
            Ok(out)
        })
        .await
        .map_err(|e| PipelineError::Other(format!("listing stopped: {e}")))?
    }
}

fn persist(tmp: tempfile::NamedTempFile, path: &Path, dir: &Path) -> Result<(), PipelineError> {
    tmp.persist(path).map_err(|e| PipelineError::Io {
        what: format!("cannot rename into {}", path.display()),
        source: e.error,
    })?;
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(PipelineError::io(format!("cannot sync {}", dir.display())))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) -> Result<(), PipelineError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(PipelineError::Io {
                what: format!("cannot list {}", dir.display()),
                source: e,
            });
        }
    };
    for entry in entries {
        let entry = entry.map_err(PipelineError::io(format!("cannot list {}", dir.display())))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel_name = format!("{rel}{name}");
        let kind = entry
            .file_type()
            .map_err(PipelineError::io(format!("cannot list {}", dir.display())))?;
        if kind.is_dir() {
            walk(&entry.path(), &format!("{rel_name}/"), out)?;
        } else if kind.is_file() {
            out.push(rel_name);
        }
    }
    Ok(())
}
