//! The one place lifeboat writes: a single dedicated connection that runs a
//! restore script's statements, as text, in the transaction the script
//! itself opens. Nothing here decides what to write.

use super::db_error;
use super::db_url::DbUrl;
use crate::catalog::Dialect;
use crate::error::{Error, Result};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AssertSqlSafe, Connection, Decode, Postgres, Row, Sqlite, Type};
use std::str::FromStr;
use std::time::Duration;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

enum Conn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// A read-write connection to the live database.
pub struct Writer {
    url: DbUrl,
    conn: Conn,
}

/// Rows a table gained, changed and lost inside the current transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableChanges {
    pub table: String,
    pub inserted: i64,
    pub updated: i64,
    pub deleted: i64,
}

impl Writer {
    /// Open one connection for writing (SQLite: the existing file, never
    /// created; `busy_timeout` bounds the wait for another writer).
    pub async fn open(url: &DbUrl, busy_timeout: Duration) -> Result<Writer> {
        let conn = match url.dialect {
            Dialect::Postgres => {
                let options = PgConnectOptions::from_str(url.expose())
                    .map_err(|e| db_error(url, "invalid PostgreSQL URL", &e))?
                    .application_name("lifeboat restore");
                let conn =
                    tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options))
                        .await
                        .map_err(|_| Error::Database {
                            target: url.redacted(),
                            message: format!(
                                "cannot connect: no answer within {CONNECT_TIMEOUT:?}"
                            ),
                        })?
                        .map_err(|e| db_error(url, "cannot connect", &e))?;
                Conn::Postgres(conn)
            }
            Dialect::Sqlite => {
                let path = url.sqlite_path().ok_or_else(|| {
                    Error::Usage(format!("{} is not a SQLite address", url.redacted()))
                })?;
                if !path.is_file() {
                    return Err(Error::Io {
                        path,
                        message: "no such SQLite database file (lifeboat never creates one)".into(),
                    });
                }
                let options = SqliteConnectOptions::new()
                    .filename(&path)
                    .create_if_missing(false)
                    .foreign_keys(true)
                    .busy_timeout(busy_timeout);
                let conn = SqliteConnection::connect_with(&options)
                    .await
                    .map_err(|e| db_error(url, &format!("cannot open {}", path.display()), &e))?;
                Conn::Sqlite(conn)
            }
        };
        Ok(Writer {
            url: url.clone(),
            conn,
        })
    }

    /// Run one statement as text (PostgreSQL's simple protocol, so exactly
    /// what the script shows); returns the rows it affected.
    pub async fn execute(&mut self, sql: &str) -> Result<u64> {
        let q = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()));
        let done = match &mut self.conn {
            Conn::Postgres(c) => q.execute(c).await.map(|r| r.rows_affected()),
            Conn::Sqlite(c) => q.execute(c).await.map(|r| r.rows_affected()),
        };
        done.map_err(|e| db_error(&self.url, "statement failed", &e))
    }

    /// Run a query whose single column is text (or NULL), with `binds` as
    /// text-array parameters `$1, $2, ...` (PostgreSQL only; SQLite queries
    /// carry their values as literals).
    pub async fn text_column(
        &mut self,
        sql: &str,
        binds: &[Vec<String>],
    ) -> Result<Vec<Option<String>>> {
        self.first_column(sql, binds).await
    }

    /// Run a query whose single column is a 64-bit integer.
    pub async fn int_column(&mut self, sql: &str) -> Result<Vec<i64>> {
        self.first_column(sql, &[]).await
    }

    /// The first column of every row of `sql`, decoded as `T`.
    async fn first_column<T>(&mut self, sql: &str, binds: &[Vec<String>]) -> Result<Vec<T>>
    where
        T: for<'r> Decode<'r, Postgres> + Type<Postgres>,
        T: for<'r> Decode<'r, Sqlite> + Type<Sqlite>,
        T: Send + Unpin,
    {
        let text = || AssertSqlSafe(sql.to_owned());
        let rows: sqlx::Result<Vec<T>> = match &mut self.conn {
            Conn::Postgres(c) => {
                let query = binds
                    .iter()
                    .fold(sqlx::query(text()), |q, b| q.bind(b.clone()));
                let rows = query.fetch_all(c).await;
                rows.and_then(|rows| rows.iter().map(|r| r.try_get(0)).collect())
            }
            Conn::Sqlite(c) => {
                let rows = sqlx::query(text()).fetch_all(c).await;
                rows.and_then(|rows| rows.iter().map(|r| r.try_get(0)).collect())
            }
        };
        rows.map_err(|e| db_error(&self.url, "check failed", &e))
    }

    /// PostgreSQL: every table the current transaction has written so far,
    /// triggers' writes included (`pg_stat_xact_user_tables`). SQLite keeps
    /// no such record: `None`.
    pub async fn changes_so_far(&mut self) -> Result<Option<Vec<TableChanges>>> {
        let Conn::Postgres(c) = &mut self.conn else {
            return Ok(None);
        };
        let rows = sqlx::query(
            "SELECT format('%s.%s', schemaname, relname), n_tup_ins, n_tup_upd, n_tup_del \
             FROM pg_stat_xact_user_tables \
             WHERE n_tup_ins + n_tup_upd + n_tup_del > 0 ORDER BY 1",
        )
        .fetch_all(c)
        .await
        .map_err(|e| db_error(&self.url, "reading the transaction's changes", &e))?;
        rows.iter()
            .map(|r| {
                Ok(TableChanges {
                    table: r.try_get(0)?,
                    inserted: r.try_get(1)?,
                    updated: r.try_get(2)?,
                    deleted: r.try_get(3)?,
                })
            })
            .collect::<sqlx::Result<Vec<_>>>()
            .map(Some)
            .map_err(|e| db_error(&self.url, "reading the transaction's changes", &e))
    }

    /// End whatever transaction is open without keeping anything. Errors
    /// are ignored: a lost connection rolls back on the server by itself.
    pub async fn rollback(&mut self) {
        let _ = self.execute("ROLLBACK;").await;
    }

    pub async fn close(self) {
        let _ = match self.conn {
            Conn::Postgres(c) => c.close().await,
            Conn::Sqlite(c) => c.close().await,
        };
    }
}
