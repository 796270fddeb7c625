//! `pg_dump` backups. Plain dumps: a one-pass scanner that finds each
//! table's rows (`COPY ... FROM stdin;` blocks and runs of `--inserts`
//! INSERTs), the schema from the DDL and the header's server version and
//! start time, and a row reader for one table. Custom, directory and tar
//! archives are read through pg_restore ([`archive`]).

pub mod archive;
mod copy_header;
pub mod copy_text;
mod cursor;
mod escapes;
mod inserts;
mod lines;
pub mod plain;
mod rows;
mod sql_literal;
mod statements;
mod toc;

pub use archive::{Archive, ArchiveEntry, ArchiveKind, ArchiveRows};
pub use inserts::InsertShape;
pub use plain::scan;
pub use rows::{PlainRow, PlainRows};
pub use toc::{DataKind, Toc, TocEntry};
