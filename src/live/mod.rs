//! The live side: a PostgreSQL or SQLite database reached through sqlx. Every
//! read runs in a read-only transaction with a statement timeout and takes no
//! explicit lock. Errors are redacted before they leave this module.

mod copy_text;
mod db_url;
mod health;
mod postgres;
mod sqlite;
mod sqlite_ddl;
mod violations;
mod writer;

pub use db_url::DbUrl;
pub use health::{
    join_columns, orphan_sql, JoinColumn, OrphanQuery, Orphans, SerialSequence, ORPHAN_SAMPLES,
};
pub use violations::{violation_query, violation_sql, MissingParent, ViolationQuery, Violations};
pub use writer::Writer;

use crate::catalog::{quote_ident, Catalog, Dialect, Table, TableName};
use crate::error::{Error, Result};
use crate::value::Cell;
use std::time::Duration;

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
    backend: Backend,
}

enum Backend {
    Postgres(postgres::PgLive),
    Sqlite(sqlite::SqliteLive),
}

impl LiveDb {
    /// Connect (PostgreSQL: a pool of at most 3; SQLite: the existing file,
    /// read-only). Fails fast with a redacted error if the server refuses.
    pub async fn connect(url: &DbUrl, opts: &LiveOptions) -> Result<LiveDb> {
        let backend = match url.dialect {
            Dialect::Postgres => Backend::Postgres(postgres::PgLive::connect(url, opts).await?),
            Dialect::Sqlite => Backend::Sqlite(sqlite::SqliteLive::connect(url, opts).await?),
        };
        Ok(LiveDb {
            url: url.clone(),
            backend,
        })
    }

    pub fn dialect(&self) -> Dialect {
        self.url.dialect
    }

    /// The URL with its password redacted.
    pub fn target(&self) -> String {
        self.url.redacted()
    }

    /// Tables (sorted by schema, name), their columns, keys and enum types.
    pub async fn catalog(&self) -> Result<Catalog> {
        match &self.backend {
            Backend::Postgres(pg) => pg.catalog().await,
            Backend::Sqlite(lite) => lite.catalog().await,
        }
    }

    /// Exact `count(*)` of `table`.
    pub async fn count_rows(&self, table: &TableName) -> Result<u64> {
        match &self.backend {
            Backend::Postgres(pg) => pg.count_rows(table).await,
            Backend::Sqlite(lite) => lite.count_rows(table).await,
        }
    }

    /// Triggers that fire on writes: (table, trigger name, definition).
    pub async fn triggers(&self) -> Result<Vec<(TableName, String, String)>> {
        match &self.backend {
            Backend::Postgres(pg) => pg.triggers().await,
            Backend::Sqlite(lite) => lite.triggers().await,
        }
    }

    /// The URL this database was opened with.
    pub fn url(&self) -> &DbUrl {
        &self.url
    }

    /// A cheap, possibly stale row-count estimate for sizing buffers
    /// (PostgreSQL's planner statistics; SQLite keeps none).
    pub async fn estimate_rows(&self, table: &TableName) -> Result<Option<u64>> {
        match &self.backend {
            Backend::Postgres(pg) => pg.estimate_rows(table).await,
            Backend::Sqlite(_) => Ok(None),
        }
    }

    /// Stream every row of `table`, restricted to `columns` (indices into
    /// `table.columns`, in that order), calling `on_row` for each. Returns
    /// the number of rows read. PostgreSQL values arrive as `Cell::Text` (COPY
    /// text output, UTC/ISO settings) or `Cell::Null`; SQLite values keep
    /// their storage class (`Int`, `Float`, `Text`, `Bytes`, `Null`).
    /// An error from `on_row` stops the stream and is returned as is.
    pub async fn stream_rows<F>(&self, table: &Table, columns: &[usize], on_row: F) -> Result<u64>
    where
        F: FnMut(&[Cell]) -> Result<()> + Send,
    {
        match &self.backend {
            Backend::Postgres(pg) => pg.stream_rows(table, columns, on_row).await,
            Backend::Sqlite(lite) => lite.stream_rows(table, columns, on_row).await,
        }
    }
}

/// Below this share of a table, rows wanted by key are fetched by key.
const KEYED_READ_SHARE: u64 = 10;

impl LiveDb {
    /// Stream the rows of `table` whose `key` columns hold one of `keys`
    /// (canonical text), restricted to `columns`, and possibly others: the
    /// caller still matches keys itself. On PostgreSQL, when the keys are a
    /// small share of the table (planner estimate), rows are fetched by key
    /// through the index; otherwise, and on SQLite, the table is streamed.
    /// Restoring a few rows into a table of millions then reads a few rows.
    pub async fn stream_rows_for_keys<F>(
        &self,
        table: &Table,
        columns: &[usize],
        key: &[usize],
        keys: &[Vec<String>],
        on_row: F,
    ) -> Result<u64>
    where
        F: FnMut(&[Cell]) -> Result<()> + Send,
    {
        if let Backend::Postgres(pg) = &self.backend {
            let estimate = pg.estimate_rows(&table.name).await?.unwrap_or(0);
            let few = (keys.len() as u64).saturating_mul(KEYED_READ_SHARE) < estimate;
            if few && !key.is_empty() {
                return pg
                    .stream_rows_by_key(table, columns, key, keys, on_row)
                    .await;
            }
        }
        self.stream_rows(table, columns, on_row).await
    }
}

/// `"a", "b"` for the chosen column indices; an index outside the table is a bug
/// in the caller, reported rather than panicking.
fn select_list(table: &Table, columns: &[usize]) -> Result<String> {
    let mut list = String::new();
    for &i in columns {
        let column = table.columns.get(i).ok_or_else(|| {
            Error::Other(format!(
                "column index {i} out of range for {} ({} columns)",
                table.name,
                table.columns.len()
            ))
        })?;
        if !list.is_empty() {
            list.push_str(", ");
        }
        list.push_str(&quote_ident(&column.name));
    }
    Ok(list)
}

/// A sqlx error as a redacted [`Error::Database`]. Server errors are shown by
/// their message and SQLSTATE (sqlx's own text adds the server's C source line).
fn db_error(url: &DbUrl, context: &str, e: &sqlx::Error) -> Error {
    let detail = match e {
        sqlx::Error::Database(db) => {
            let mut text = match db.code() {
                Some(code) => format!("{} (SQLSTATE {code})", db.message()),
                None => db.message().to_owned(),
            };
            // PostgreSQL's DETAIL names the key: `Key (id)=(42) already exists.`
            if let Some(detail) = db
                .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .and_then(|pg| pg.detail())
            {
                text.push_str("; ");
                text.push_str(detail);
            }
            text
        }
        other => other.to_string(),
    };
    Error::Database {
        target: url.redacted(),
        message: url.scrub(&format!("{context}: {detail}")),
    }
}
