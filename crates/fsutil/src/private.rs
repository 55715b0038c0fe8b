//! Files and directories for data only their owner may read: 0600 files in 0700 directories.
//!
//! Snapshots, usage state and summaries, segregate plans, journals and reports, and logs can
//! hold bucket names, keys, user names and traffic: on a shared jump host, nobody else's
//! business. Directories that exist already keep their mode (the user chose it); those created
//! here are 0700. Files created here are 0600 (temporary files of atomic writes already are).

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Mode of the directories s3scope creates for its own files.
pub const PRIVATE_DIR_MODE: u32 = 0o700;
/// Mode of the files s3scope creates that may hold secrets or private data.
pub const PRIVATE_FILE_MODE: u32 = 0o600;

/// `create_dir_all`, each directory it creates with mode 0700.
pub fn create_private_dir_all(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, PRIVATE_DIR_MODE);
    b.create(dir)
}

/// Creates the parent directory of `file` as [`create_private_dir_all`] does.
pub fn create_private_parent(file: &Path) -> io::Result<()> {
    match file.parent() {
        Some(dir) => create_private_dir_all(dir),
        None => Ok(()),
    }
}

/// Opens `path` for appending, creating it with mode 0600 (an existing file keeps its mode).
pub fn open_private_append(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, PRIVATE_FILE_MODE);
    opts.open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn new_dirs_are_0700_and_new_files_0600_existing_ones_untouched() {
        let d = tempfile::tempdir().unwrap();
        std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let deep = d.path().join("a/b/c");
        create_private_dir_all(&deep).unwrap();
        for p in [d.path().join("a"), d.path().join("a/b"), deep.clone()] {
            assert_eq!(mode(&p), 0o700, "{}", p.display());
        }
        assert_eq!(
            mode(d.path()),
            0o755,
            "an existing directory keeps its mode"
        );
        let f = deep.join("log");
        drop(open_private_append(&f).unwrap());
        assert_eq!(mode(&f), 0o600);
        create_private_parent(&d.path().join("x/y.json")).unwrap();
        assert_eq!(mode(&d.path().join("x")), 0o700);
    }
}
