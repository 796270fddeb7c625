//! `pg_dump` backups: the COPY text decoder, a one-pass scanner that finds
//! each table's `COPY ... FROM stdin;` block of a plain dump plus a row
//! reader for one block, and the custom/directory/tar archives read through
//! pg_restore ([`archive`]).

pub mod archive;
mod copy_header;
pub mod copy_text;
mod lines;
pub mod plain;
mod statements;

pub use archive::{Archive, ArchiveEntry, ArchiveKind, ArchiveRows};
pub use plain::{scan, PlainRow, PlainRows, Toc, TocEntry};
