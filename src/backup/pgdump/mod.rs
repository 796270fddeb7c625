//! Plain-text `pg_dump` backups (issue 5 groundwork): the COPY text decoder
//! and a one-pass scanner that finds each table's `COPY ... FROM stdin;`
//! block, plus a row reader for one block. Not yet used by `Backup::open`.

pub mod archive;
mod copy_header;
pub mod copy_text;
mod lines;
pub mod plain;
mod statements;

pub use archive::{Archive, ArchiveEntry, ArchiveKind, ArchiveRows};
pub use plain::{scan, PlainRow, PlainRows, Toc, TocEntry};
