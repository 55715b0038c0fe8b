//! One interface over a local directory and `s3://bucket/prefix`: put, get, exists, remove, glob.
//!
//! Names are relative, `/`-separated paths under the root (`dt=2026-11-22/run/manifest.json`).
//! Every write is atomic for readers: a local file is written to a temporary name in the same
//! directory, fsynced and renamed; an S3 object is written with one PutObject, or a multipart
//! upload above [`S3Storage::DEFAULT_MULTIPART_THRESHOLD`]. S3 makes an object visible only
//! when PutObject or CompleteMultipartUpload succeeds, whole, so a temporary key followed by
//! copy + delete would only double the writes (and need multipart copy above 5 GiB).

mod local; // LocalStorage: temp + fsync + rename
mod s3; // S3Storage: PutObject or multipart, ListObjectsV2 for glob

pub use local::LocalStorage;
pub use s3::S3Storage;

use super::PipelineError;
use crate::s3::client::Clients;
use crate::s3::location::S3Location;
use std::path::{Path, PathBuf};
use tokio::io::AsyncRead;

/// A local directory or an S3 prefix.
#[derive(Clone)]
pub enum Storage {
    Local(LocalStorage),
    S3(S3Storage),
}

/// A file read from storage: the original file (local) or a temporary download that is
/// removed when this value is dropped.
pub struct Fetched {
    path: PathBuf,
    _temp: Option<tempfile::TempPath>,
}

impl Fetched {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Storage {
    /// A storage for `location`: `s3://bucket/prefix` (needs `clients`) or a local directory.
    pub async fn open(location: &str, clients: Option<&Clients>) -> Result<Self, PipelineError> {
        if location.starts_with("s3://") {
            let loc: S3Location =
                location
                    .parse()
                    .map_err(|e: crate::s3::location::LocationError| {
                        PipelineError::Usage(e.to_string())
                    })?;
            let clients = clients.ok_or_else(|| {
                PipelineError::Usage(format!(
                    "{location} needs an S3 connection: pass a profile or --endpoint"
                ))
            })?;
            let storage = S3Storage::new(clients, &loc)
                .await
                .map_err(|e| PipelineError::Usage(format!("cannot use {location}: {e}")))?;
            return Ok(Self::S3(storage));
        }
        if location.trim().is_empty() {
            return Err(PipelineError::Usage(
                "the data directory is empty: give a directory or s3://BUCKET/PREFIX".into(),
            ));
        }
        Ok(Self::Local(LocalStorage::new(PathBuf::from(location))))
    }

    /// The storage rooted at the directory `dir` of this one (`site=ceph`): names inside it
    /// are relative to that directory.
    pub fn child(&self, dir: &str) -> Result<Self, PipelineError> {
        check_name(dir)?;
        Ok(match self {
            Self::Local(l) => Self::Local(LocalStorage::new(l.path_of(dir))),
            Self::S3(s) => Self::S3(s.child(dir)),
        })
    }

    /// The full location of `name`, for messages and reports.
    pub fn describe(&self, name: &str) -> String {
        match self {
            Self::Local(l) => l.path_of(name).display().to_string(),
            Self::S3(s) => s.url_of(name),
        }
    }

    /// Refuses early (before any collection) a root that cannot be written.
    pub async fn check_writable(&self) -> Result<(), PipelineError> {
        // A read-only profile: its own message, no probe.
        if let Self::S3(s) = self {
            s.writer()?;
        }
        let probe = format!(".s3scope-probe-{}", std::process::id());
        let root = self.describe("");
        let fail = |e: PipelineError| {
            PipelineError::Usage(format!(
                "the data location {root} is not writable: {e}; choose another --data-dir or fix its permissions"
            ))
        };
        self.put_bytes(&probe, b"probe").await.map_err(&fail)?;
        self.remove(&probe).await.map_err(&fail)
    }

    pub async fn put_bytes(&self, name: &str, data: &[u8]) -> Result<(), PipelineError> {
        check_name(name)?;
        self.put_stream(name, data).await
    }

    pub async fn put_file(&self, name: &str, file: &Path) -> Result<(), PipelineError> {
        check_name(name)?;
        let f = tokio::fs::File::open(file)
            .await
            .map_err(PipelineError::io(format!("cannot read {}", file.display())))?;
        self.put_stream(name, f).await
    }

    /// Writes everything `reader` yields as `name`, atomically.
    pub async fn put_stream<R: AsyncRead + Unpin + Send>(
        &self,
        name: &str,
        reader: R,
    ) -> Result<(), PipelineError> {
        check_name(name)?;
        match self {
            Self::Local(l) => l.put_stream(name, reader).await,
            Self::S3(s) => s.put_stream(name, reader).await,
        }
    }

    /// `name` as a local file, downloaded to a temporary file when the storage is S3.
    pub async fn get(&self, name: &str) -> Result<Fetched, PipelineError> {
        check_name(name)?;
        match self {
            Self::Local(l) => {
                let path = l.path_of(name);
                if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
                    return Err(PipelineError::Other(format!(
                        "{} is missing",
                        path.display()
                    )));
                }
                Ok(Fetched { path, _temp: None })
            }
            Self::S3(s) => {
                let temp = s.get(name).await?;
                Ok(Fetched {
                    path: temp.to_path_buf(),
                    _temp: Some(temp),
                })
            }
        }
    }

    pub async fn exists(&self, name: &str) -> Result<bool, PipelineError> {
        check_name(name)?;
        match self {
            Self::Local(l) => Ok(tokio::fs::try_exists(l.path_of(name))
                .await
                .unwrap_or(false)),
            Self::S3(s) => s.exists(name).await,
        }
    }

    /// Removes `name`; a name that does not exist is not an error.
    pub async fn remove(&self, name: &str) -> Result<(), PipelineError> {
        check_name(name)?;
        match self {
            Self::Local(l) => l.remove(name).await,
            Self::S3(s) => s.remove(name).await,
        }
    }

    /// The names matching `pattern` (`*` and `?` stay within one path segment, `**` crosses
    /// them), sorted. Temporary files of writes in progress are never listed.
    pub async fn glob(&self, pattern: &str) -> Result<Vec<String>, PipelineError> {
        let matcher = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| PipelineError::Usage(format!("bad pattern `{pattern}`: {e}")))?
            .compile_matcher();
        let literal = literal_prefix(pattern);
        let mut names = match self {
            Self::Local(l) => l.list(&literal).await?,
            Self::S3(s) => s.list(&literal).await?,
        };
        names.retain(|n| matcher.is_match(n) && !is_temporary(n));
        names.sort();
        Ok(names)
    }
}

/// The part of a glob before its first wildcard, cut back to a whole directory.
fn literal_prefix(pattern: &str) -> String {
    let end = pattern.find(['*', '?', '[', '{']).unwrap_or(pattern.len());
    match pattern[..end].rfind('/') {
        Some(i) => pattern[..=i].to_string(),
        None => String::new(),
    }
}

fn is_temporary(name: &str) -> bool {
    name.rsplit('/')
        .next()
        .is_some_and(|base| base.starts_with(".s3scope-"))
}

/// Names are relative paths without `.`/`..` segments: nothing escapes the root.
fn check_name(name: &str) -> Result<(), PipelineError> {
    let bad = name.is_empty()
        || name.starts_with('/')
        || name.contains('\\')
        || name
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..");
    if bad {
        return Err(PipelineError::Other(format!(
            "`{}` is not a relative file name inside the storage",
            crate::text::escape_control(name)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_names() {
        assert_eq!(literal_prefix("dt=*/x/manifest.json"), "");
        assert_eq!(literal_prefix("a/b/dt=*/m.json"), "a/b/");
        assert_eq!(literal_prefix("a/b/c.json"), "a/b/");
        assert!(check_name("a/b.json").is_ok());
        for bad in ["", "/a", "a//b", "a/../b", "./a", "a\\b"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        assert!(is_temporary("a/.s3scope-tmp-x"));
    }

    #[tokio::test]
    async fn local_roundtrip_and_glob() {
        let d = tempfile::tempdir().unwrap();
        let s = Storage::open(d.path().to_str().unwrap(), None)
            .await
            .unwrap();
        s.check_writable().await.unwrap();
        s.put_bytes("dt=2026-01-01/r1/manifest.json", b"{}")
            .await
            .unwrap();
        s.put_bytes("dt=2026-01-02/r2/manifest.json", b"[]")
            .await
            .unwrap();
        s.put_bytes("dt=2026-01-02/r2/data.parquet", b"x")
            .await
            .unwrap();
        let found = s.glob("dt=*/*/manifest.json").await.unwrap();
        assert_eq!(
            found,
            [
                "dt=2026-01-01/r1/manifest.json",
                "dt=2026-01-02/r2/manifest.json"
            ]
        );
        assert!(s.exists("dt=2026-01-02/r2/data.parquet").await.unwrap());
        let got = s.get("dt=2026-01-02/r2/manifest.json").await.unwrap();
        assert_eq!(std::fs::read(got.path()).unwrap(), b"[]");
        s.remove("dt=2026-01-02/r2/data.parquet").await.unwrap();
        s.remove("dt=2026-01-02/r2/data.parquet").await.unwrap();
        assert!(!s.exists("dt=2026-01-02/r2/data.parquet").await.unwrap());
        assert!(s.get("nope.json").await.is_err());
        let site = s.child("site=a").unwrap();
        site.put_bytes("dt=2026-01-03/r3/manifest.json", b"{}")
            .await
            .unwrap();
        assert_eq!(
            s.glob("site=*/dt=*/*/manifest.json").await.unwrap(),
            ["site=a/dt=2026-01-03/r3/manifest.json"]
        );
        assert_eq!(site.glob("dt=*/*/manifest.json").await.unwrap().len(), 1);
        assert!(s.child("../x").is_err());
    }
}
