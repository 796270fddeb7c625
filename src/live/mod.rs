//! The live side: a PostgreSQL or SQLite database reached through sqlx. Every
//! read runs in a read-only transaction with a statement timeout and takes no
//! explicit lock. Errors are redacted before they leave this module.

use crate::catalog::{Catalog, Dialect, Table, TableName};
use crate::error::{Error, Result};
use crate::value::Cell;
use std::time::Duration;

/// A database address as the operator gave it: `postgres://`, `postgresql://`,
/// `sqlite://`, or a bare path to a SQLite file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbUrl {
    raw: String,
    pub dialect: Dialect,
}

impl DbUrl {
    pub fn parse(raw: &str) -> Result<DbUrl> {
        Err(Error::Usage(format!(
            "cannot parse database URL {}",
            crate::redact::redact(raw)
        )))
    }

    /// For display and logs: the password replaced by `***`.
    pub fn redacted(&self) -> String {
        crate::redact::redact(&self.raw)
    }

    /// The real URL, for the driver only. Never print it.
    pub fn expose(&self) -> &str {
        &self.raw
    }
}

#[derive(Clone, Debug)]
pub struct LiveOptions {
    /// Per-statement timeout for every read.
    pub statement_timeout: Duration,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            statement_timeout: Duration::from_secs(300),
        }
    }
}

/// A connected live database.
pub struct LiveDb {
    url: DbUrl,
}

impl LiveDb {
    pub async fn connect(url: &DbUrl, _opts: &LiveOptions) -> Result<LiveDb> {
        Err(Error::Database {
            target: url.redacted(),
            message: "not implemented yet".into(),
        })
    }

    pub fn dialect(&self) -> Dialect {
        self.url.dialect
    }

    /// The URL with its password redacted.
    pub fn target(&self) -> String {
        self.url.redacted()
    }

    pub async fn catalog(&self) -> Result<Catalog> {
        Err(Error::Other("not implemented yet".into()))
    }

    pub async fn count_rows(&self, _table: &TableName) -> Result<u64> {
        Err(Error::Other("not implemented yet".into()))
    }

    /// Stream every row of `table`, restricted to `columns` (indices into
    /// `table.columns`, in that order), calling `on_row` for each. Returns
    /// the number of rows read.
    pub async fn stream_rows<F>(
        &self,
        _table: &Table,
        _columns: &[usize],
        _on_row: F,
    ) -> Result<u64>
    where
        F: FnMut(Vec<Cell>) -> Result<()> + Send,
    {
        Err(Error::Other("not implemented yet".into()))
    }
}
