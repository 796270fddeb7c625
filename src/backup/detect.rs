//! What a backup path holds, decided from its first bytes rather than its
//! name: `nightly.dump`, `backup.sql.gz`, `snapshot.bin` are all common, and
//! a wrong extension must not make lifeboat misread a file.

use crate::error::{Error, Result};
use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// How many leading bytes are enough to tell the formats apart.
const SNIFF_BYTES: usize = 8 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Detected {
    /// A directory of per-table files (JSON, JSON lines, CSV).
    JsonDirectory,
    /// A `pg_dump` custom, directory or tar archive, as the archive reader
    /// itself recognises them (`pgdump::archive::detect`).
    PgArchive,
    /// One JSON document (`{"table": [rows]}` or a single table's array).
    Json,
    /// SQL text: a plain `pg_dump`, possibly gzipped.
    PgDumpPlain,
    /// A SQLite database file.
    Sqlite,
}

pub(crate) fn detect(path: &Path) -> Result<Detected> {
    // One recogniser for archives: the reader's own, which also knows a
    // directory archive's toc.dat given by itself.
    if super::pgdump::archive::detect(path)?.is_some() {
        return Ok(Detected::PgArchive);
    }
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, &e))?;
    if meta.is_dir() {
        return Ok(Detected::JsonDirectory);
    }
    if !meta.is_file() {
        return Err(Error::Io {
            path: path.to_path_buf(),
            message: "not a file or directory".into(),
        });
    }
    let raw = head(File::open(path).map_err(|e| Error::io(path, &e))?, path)?;
    if raw.starts_with(b"SQLite format 3\0") {
        return Ok(Detected::Sqlite);
    }
    let text = if raw.starts_with(&[0x1f, 0x8b]) {
        let file = File::open(path).map_err(|e| Error::io(path, &e))?;
        head(MultiGzDecoder::new(file), path).map_err(|_| {
            Error::backup(
                path,
                None,
                "gzip data that cannot be decompressed (truncated or corrupt?)",
            )
        })?
    } else {
        raw
    };
    text_format(&text).ok_or_else(|| {
        Error::backup(
            path,
            Some(1),
            "cannot tell what this file is: not JSON, not a pg_dump (plain SQL, custom or tar \
             archive), not a SQLite database",
        )
    })
}

fn head(mut reader: impl Read, path: &Path) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; SNIFF_BYTES];
    let mut got = 0;
    while got < buf.len() {
        match reader.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io(path, &e)),
        }
    }
    buf.truncate(got);
    Ok(buf)
}

/// JSON starts with `{` or `[`; SQL with a comment, a psql meta-command or
/// a statement keyword (after an optional byte-order mark and whitespace).
fn text_format(text: &[u8]) -> Option<Detected> {
    let text = text.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(text);
    let start = text.iter().position(|b| !b.is_ascii_whitespace())?;
    let text = &text[start..];
    if matches!(text[0], b'{' | b'[') {
        return Some(Detected::Json);
    }
    if text.starts_with(b"--") || text.starts_with(b"/*") || text.starts_with(b"\\") {
        return Some(Detected::PgDumpPlain);
    }
    let word: Vec<u8> = text
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .map(u8::to_ascii_uppercase)
        .collect();
    const SQL_STARTS: [&[u8]; 7] = [
        b"SET", b"CREATE", b"COPY", b"INSERT", b"BEGIN", b"SELECT", b"ALTER",
    ];
    SQL_STARTS
        .contains(&word.as_slice())
        .then_some(Detected::PgDumpPlain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_told_apart_by_its_first_bytes() {
        assert_eq!(
            text_format(b"\xEF\xBB\xBF  {\"a\": []}"),
            Some(Detected::Json)
        );
        assert_eq!(text_format(b"[{}]"), Some(Detected::Json));
        assert_eq!(
            text_format(b"--\n-- PostgreSQL database dump\n"),
            Some(Detected::PgDumpPlain)
        );
        assert_eq!(
            text_format(b"\\restrict abc\n"),
            Some(Detected::PgDumpPlain)
        );
        assert_eq!(
            text_format(b"set client_encoding = 'UTF8';"),
            Some(Detected::PgDumpPlain)
        );
        assert_eq!(text_format(b"id,name\n1,a\n"), None);
        assert_eq!(text_format(b"   "), None);
    }

    #[test]
    fn binary_formats_by_magic() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).expect("write");
            path
        };
        let sqlite = file("a.bin", b"SQLite format 3\0rest");
        assert_eq!(detect(&sqlite).ok(), Some(Detected::Sqlite));
        let custom = file("b.bin", b"PGDMP\x01\x0e\x00\x04\x08\x01\x01");
        assert_eq!(detect(&custom).ok(), Some(Detected::PgArchive));
        let mut tar = vec![0u8; 512];
        tar[..8].copy_from_slice(b"toc.dat\0");
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(detect(&file("c.bin", &tar)).ok(), Some(Detected::PgArchive));
        tar[..8].copy_from_slice(b"other\0\0\0");
        assert_eq!(detect(&file("d.bin", &tar)).ok(), None);
    }
}
