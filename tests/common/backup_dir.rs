//! Backup directories written for a test into a fresh temporary directory.

use std::path::Path;
use tempfile::TempDir;

/// Write `files` (name, content) into a new temporary directory named like
/// a real timestamped backup; the directory is removed when the TempDir drops.
pub fn write_backup(files: &[(&str, String)]) -> TempDir {
    let dir = tempfile::Builder::new()
        .prefix("lifeboat-backup-")
        .tempdir()
        .expect("create temp dir");
    for (name, content) in files {
        write_file(dir.path(), name, content.as_bytes());
    }
    dir
}

pub fn write_file(dir: &Path, name: &str, content: &[u8]) {
    std::fs::write(dir.join(name), content).unwrap_or_else(|e| panic!("write {name}: {e}"));
}
