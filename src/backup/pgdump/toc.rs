//! What one scan of a plain dump found: where each table's rows are, the
//! schema its DDL describes, and when and from what server it was dumped.

use super::inserts::InsertShape;
use crate::catalog::{Catalog, TableName};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The dump's data blocks in file order, and what its DDL and header say.
/// A table may have more than one entry (`--load-via-partition-root` writes
/// one block per partition, all naming the root).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toc {
    pub path: PathBuf,
    /// Decided by the gzip magic number, not by the file name.
    pub gzip: bool,
    pub entries: Vec<TocEntry>,
    /// Tables, keys, enums from the DDL (CREATE TABLE, ALTER TABLE ... ADD
    /// CONSTRAINT, ...; constraints come after the data in a dump, so this is
    /// complete only after the whole scan). None when the dump has no
    /// CREATE TABLE (`--data-only`). A column of a domain type has the
    /// domain's base type.
    pub schema: Option<Catalog>,
    /// Partition → the partitioned table it is attached to (its direct parent).
    /// Partitions hold the rows in a dump; the live side reads them through the parent.
    pub partitions: BTreeMap<TableName, TableName>,
    /// `-- Dumped from database version 15.4 (Debian ...)`: the text after `version`.
    pub server_version: Option<String>,
    /// `-- Started on 2025-07-12 03:00:00 UTC` (pg_dump `--verbose` writes it):
    /// ISO-8601 (`2025-07-12T03:00:00Z`, or with a numeric offset) when the
    /// zone is UTC/GMT or numeric, else the text as written.
    pub started_at: Option<String>,
    /// Statements skipped because they could not be parsed and did not matter,
    /// each naming the file and line.
    pub warnings: Vec<String>,
}

/// How a table's rows are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataKind {
    /// `COPY ... FROM stdin;`, rows in COPY text format, then `\.`.
    Copy,
    /// A run of `INSERT INTO table ... VALUES (...)` statements (`pg_dump --inserts`).
    Inserts,
}

/// One table's rows: a COPY block, or a run of INSERTs into the same table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TocEntry {
    pub table: TableName,
    /// Column names in the order of the data fields (empty for a table without columns).
    pub columns: Vec<String>,
    pub kind: DataKind,
    /// Line of the COPY statement, or of the run's first INSERT.
    pub copy_line: u64,
    /// Byte offset (in the decompressed stream) of the first data line (COPY),
    /// or of the first INSERT's `INSERT` keyword.
    pub data_offset: u64,
    /// Line number of the first data line (COPY) or of the first INSERT.
    pub data_line: u64,
    /// Rows in the block or run (COPY data lines are counted, not decoded,
    /// during the scan; INSERT values are checked).
    pub rows: u64,
    /// For [`DataKind::Inserts`]: how each tuple's values map to `columns`.
    pub inserts: InsertShape,
}

impl Toc {
    /// The top of the partition tree `table` is in (None when it is no partition).
    pub fn partition_root(&self, table: &TableName) -> Option<&TableName> {
        crate::backup::partitions::root(&self.partitions, table)
    }
}
