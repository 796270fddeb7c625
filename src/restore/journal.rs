//! The record of every restore: one JSON line per event, appended to
//! `journal.jsonl` in lifeboat's data directory. A line is written before
//! COMMIT (outcome `committing`) and another once the outcome is known, so
//! a crash in between still leaves a trace.

use crate::error::{Error, Result};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Serialize)]
pub struct JournalEntry {
    /// RFC 3339, UTC.
    pub time: String,
    /// Ties the lines of one run together.
    pub run: String,
    pub os_user: String,
    /// The database URL with its password redacted.
    pub target: String,
    pub backup: String,
    /// SHA-256 over the backup's files (names and contents); for a database
    /// backup, which has no files, over its redacted address.
    pub backup_sha256: String,
    pub picks: Vec<String>,
    pub options: BTreeMap<String, String>,
    /// Rows per table: planned (`committing`) or written.
    pub tables: BTreeMap<String, TableCount>,
    pub script_sha256: String,
    pub outcome: String,
    pub undo_script: Option<String>,
    pub error: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct TableCount {
    pub inserted: u64,
    pub updated: u64,
}

/// `<data dir>/journal.jsonl`.
pub fn default_path() -> Option<PathBuf> {
    crate::logging::data_dir().map(|d| d.join("journal.jsonl"))
}

/// Append one line (creating the file and its directory as needed).
pub fn append(path: &Path, entry: &JournalEntry) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, &e))?;
    }
    let mut line = serde_json::to_string(entry)
        .map_err(|e| Error::Other(format!("cannot write journal entry: {e}")))?;
    line.push('\n');
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::io(path, &e))?;
    file.write_all(line.as_bytes())
        .and_then(|()| file.sync_data())
        .map_err(|e| Error::io(path, &e))
}

/// The operating-system user running lifeboat.
pub fn os_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .or_else(|| {
            // Services and containers often run without USER set.
            let out = std::process::Command::new("id").arg("-un").output().ok()?;
            let name = String::from_utf8(out.stdout).ok()?.trim().to_owned();
            (out.status.success() && !name.is_empty()).then_some(name)
        })
        .unwrap_or_else(|| "unknown".into())
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// SHA-256 over every file of the backup (a directory: its files in name
/// order, each as relative path, length, content), so the journal says
/// exactly which backup was restored from.
pub fn fingerprint(backup: &Path) -> Result<String> {
    let mut files = Vec::new();
    if backup.is_dir() {
        collect_files(backup, &mut files)?;
        files.sort();
    } else {
        files.push(backup.to_path_buf());
    }
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    for path in files {
        let name = path.strip_prefix(backup).unwrap_or(&path);
        hasher.update(name.to_string_lossy().as_bytes());
        hasher.update([0]);
        let mut f = std::fs::File::open(&path).map_err(|e| Error::io(&path, &e))?;
        let len = f.metadata().map_err(|e| Error::io(&path, &e))?.len();
        hasher.update(len.to_le_bytes());
        loop {
            let n = f.read(&mut buf).map_err(|e| Error::io(&path, &e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
    }
    Ok(hex(&hasher.finalize()))
}

/// A database backup has no files to hash; its address (already redacted)
/// stands in, so the journal still tells which database rows came from.
pub fn fingerprint_address(address: &str) -> String {
    hex(&Sha256::digest(address.as_bytes()))
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, &e))? {
        let path = entry.map_err(|e| Error::io(dir, &e))?.path();
        if path.is_dir() {
            collect_files(&path, out)?;
        } else if path.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
