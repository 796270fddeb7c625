//! SQLite live side: the file is opened read-only (never created), every read
//! runs in a deferred transaction, the catalog comes from sqlite_master and
//! the table-valued pragma functions, and each value keeps the storage class
//! it actually has (SQLite columns may hold any type).

use super::db_url::DbUrl;
use super::sqlite_ddl::DdlFacts;
use super::{db_error, select_list, LiveOptions};
use crate::catalog::{
    Catalog, Column, Dialect, FkAction, ForeignKey, Identity, KeyConstraint, Table, TableName,
};
use crate::error::{Error, Result};
use crate::value::Cell;
use futures_util::TryStreamExt;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqlitePool, SqlitePoolOptions};
use sqlx::{AssertSqlSafe, Connection, Decode, Row, Sqlite, Transaction, TypeInfo, ValueRef};

pub struct SqliteLive {
    pool: SqlitePool,
    url: DbUrl,
}

impl SqliteLive {
    pub async fn connect(url: &DbUrl, opts: &LiveOptions) -> Result<SqliteLive> {
        let Some(path) = url.sqlite_path() else {
            return Err(Error::Usage(format!(
                "{} is not a SQLite address",
                url.redacted()
            )));
        };
        if !path.is_file() {
            return Err(Error::Io {
                path,
                message: "no such SQLite database file (lifeboat never creates one)".into(),
            });
        }
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .read_only(true)
            .create_if_missing(false)
            .busy_timeout(
                opts.statement_timeout
                    .min(std::time::Duration::from_secs(30)),
            );
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await
            .map_err(|e| db_error(url, &format!("cannot open {}", path.display()), &e))?;
        let live = SqliteLive {
            pool,
            url: url.clone(),
        };
        // Opening is lazy in SQLite; read the header now so a non-database fails here.
        let context = format!("cannot read {}", path.display());
        live.with_read(&context, |tx| {
            Box::pin(async move {
                sqlx::query("SELECT count(*) FROM sqlite_master")
                    .execute(&mut **tx)
                    .await
                    .map(|_| ())
            })
        })
        .await?;
        Ok(live)
    }

    fn err(&self, context: &str, e: &sqlx::Error) -> Error {
        db_error(&self.url, context, e)
    }

    async fn begin<'c>(&self, conn: &'c mut SqliteConnection) -> Result<Transaction<'c, Sqlite>> {
        // Plain BEGIN is DEFERRED: it takes only a shared read lock on first read.
        conn.begin()
            .await
            .map_err(|e| self.err("cannot begin read transaction", &e))
    }

    /// Run `f` in a read transaction on a pooled connection.
    pub(super) async fn with_read<T>(
        &self,
        context: &str,
        f: impl for<'t> FnOnce(
            &'t mut Transaction<'_, Sqlite>,
        ) -> futures_util::future::BoxFuture<'t, sqlx::Result<T>>,
    ) -> Result<T> {
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(|e| self.err("cannot open database", &e))?;
        let mut tx = self.begin(&mut conn).await?;
        let out = f(&mut tx).await.map_err(|e| self.err(context, &e))?;
        let _ = tx.rollback().await;
        Ok(out)
    }

    pub async fn catalog(&self) -> Result<Catalog> {
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(|e| self.err("cannot open database", &e))?;
        let mut tx = self.begin(&mut conn).await?;
        let tables: Vec<(String, Option<String>)> = sqlx::query_as(
            "SELECT name, sql FROM sqlite_master \
             WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| self.err("reading sqlite_master", &e))?;
        let mut catalog = Catalog::new(Dialect::Sqlite);
        for (name, sql) in tables {
            let facts = DdlFacts::read(sql.as_deref().unwrap_or(""));
            let table = self
                .table(&mut tx, &name, &facts)
                .await
                .map_err(|e| self.err(&format!("reading schema of {name}"), &e))?;
            catalog.tables.push(table);
        }
        let _ = tx.rollback().await;
        catalog.tables.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(catalog)
    }

    async fn table(
        &self,
        tx: &mut Transaction<'_, Sqlite>,
        name: &str,
        facts: &DdlFacts,
    ) -> sqlx::Result<Table> {
        // hidden: 0 normal, 1 hidden (virtual tables), 2/3 generated virtual/stored.
        let rows: Vec<(String, String, bool, Option<String>, i64, i64)> = sqlx::query_as(
            "SELECT name, type, \"notnull\", dflt_value, pk, hidden \
             FROM pragma_table_xinfo(?1) WHERE hidden <> 1 ORDER BY cid",
        )
        .bind(name)
        .fetch_all(&mut **tx)
        .await?;
        let mut pk: Vec<(i64, String)> = Vec::new();
        let mut columns = Vec::with_capacity(rows.len());
        for (column, data_type, not_null, default, pk_pos, hidden) in rows {
            if pk_pos > 0 {
                pk.push((pk_pos, column.clone()));
            }
            let generated = (hidden >= 2).then(|| {
                facts
                    .generated
                    .get(&column.to_lowercase())
                    .cloned()
                    .unwrap_or_default()
            });
            let identity = (facts.autoincrement.as_deref() == Some(&column.to_lowercase()))
                .then_some(Identity::ByDefault);
            columns.push(Column {
                name: column,
                data_type,
                nullable: !not_null,
                default,
                identity,
                generated,
            });
        }
        pk.sort();
        let primary_key = (!pk.is_empty()).then(|| KeyConstraint {
            name: None,
            columns: pk.into_iter().map(|(_, c)| c).collect(),
        });
        let unique = self.unique_constraints(tx, name).await?;
        let foreign_keys = self.foreign_keys(tx, name, facts).await?;
        Ok(Table {
            name: TableName::new(None, name),
            columns,
            primary_key,
            unique,
            foreign_keys,
            checks: facts.checks.clone(),
        })
    }

    /// UNIQUE constraints written in CREATE TABLE (index origin 'u').
    async fn unique_constraints(
        &self,
        tx: &mut Transaction<'_, Sqlite>,
        table: &str,
    ) -> sqlx::Result<Vec<KeyConstraint>> {
        let indexes: Vec<(String,)> = sqlx::query_as(
            "SELECT name FROM pragma_index_list(?1) WHERE origin = 'u' AND \"unique\" = 1 ORDER BY name",
        )
        .bind(table)
        .fetch_all(&mut **tx)
        .await?;
        let mut out = Vec::with_capacity(indexes.len());
        for (index,) in indexes {
            let columns: Vec<(Option<String>,)> =
                sqlx::query_as("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(&mut **tx)
                    .await?;
            out.push(KeyConstraint {
                // sqlite_autoindex_* names are internal, not the constraint's.
                name: (!index.starts_with("sqlite_autoindex_")).then_some(index),
                columns: columns.into_iter().filter_map(|(c,)| c).collect(),
            });
        }
        Ok(out)
    }

    async fn foreign_keys(
        &self,
        tx: &mut Transaction<'_, Sqlite>,
        table: &str,
        facts: &DdlFacts,
    ) -> sqlx::Result<Vec<ForeignKey>> {
        let rows: Vec<(i64, String, String, Option<String>, String, String)> = sqlx::query_as(
            "SELECT id, \"table\", \"from\", \"to\", on_delete, on_update \
             FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
        )
        .bind(table)
        .fetch_all(&mut **tx)
        .await?;
        // Group the rows of one composite key (same id), keeping seq order.
        let mut groups: Vec<FkRows> = Vec::new();
        for (id, target, from, to, on_delete, on_update) in rows {
            match groups.last_mut() {
                Some(g) if g.id == id => {
                    g.from.push(from);
                    g.to.push(to);
                }
                _ => groups.push(FkRows {
                    id,
                    target,
                    from: vec![from],
                    to: vec![to],
                    on_delete: fk_action(&on_delete),
                    on_update: fk_action(&on_update),
                }),
            }
        }
        let mut out = Vec::with_capacity(groups.len());
        // pragma ids count from the last declared key; reverse to declaration order.
        for FkRows {
            target,
            from,
            to,
            on_delete,
            on_update,
            ..
        } in groups.into_iter().rev()
        {
            let columns = from;
            // `REFERENCES t` without columns means t's primary key.
            let referenced_columns = if to.iter().all(Option::is_some) {
                to.into_iter().flatten().collect()
            } else {
                self.primary_key_of(tx, &target).await?
            };
            let parsed = facts.foreign_key(&columns, &target);
            out.push(ForeignKey {
                name: parsed.and_then(|f| f.name.clone()),
                columns,
                referenced_table: TableName::new(None, &target),
                referenced_columns,
                deferrable: parsed.is_some_and(|f| f.deferrable),
                initially_deferred: parsed.is_some_and(|f| f.initially_deferred),
                on_delete,
                on_update,
            });
        }
        Ok(out)
    }

    async fn primary_key_of(
        &self,
        tx: &mut Transaction<'_, Sqlite>,
        table: &str,
    ) -> sqlx::Result<Vec<String>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")
                .bind(table)
                .fetch_all(&mut **tx)
                .await?;
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }

    /// Triggers: (table, trigger name, `CREATE TRIGGER ...` text).
    pub async fn triggers(&self) -> Result<Vec<(TableName, String, String)>> {
        let rows = self
            .with_read("reading triggers", |tx| {
                Box::pin(async move {
                    sqlx::query_as::<_, (String, String, Option<String>)>(
                        "SELECT tbl_name, name, sql FROM sqlite_master \
                         WHERE type = 'trigger' ORDER BY tbl_name, name",
                    )
                    .fetch_all(&mut **tx)
                    .await
                })
            })
            .await?;
        Ok(rows
            .into_iter()
            .map(|(table, name, sql)| (TableName::new(None, &table), name, sql.unwrap_or_default()))
            .collect())
    }

    pub async fn count_rows(&self, table: &TableName) -> Result<u64> {
        let sql = format!("SELECT count(*) FROM {}", table.quoted());
        let context = format!("counting rows of {table}");
        let count = self
            .with_read(&context, move |tx| {
                Box::pin(async move {
                    sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql))
                        .fetch_one(&mut **tx)
                        .await
                })
            })
            .await?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    pub async fn stream_rows<F>(
        &self,
        table: &Table,
        columns: &[usize],
        mut on_row: F,
    ) -> Result<u64>
    where
        F: FnMut(&[Cell]) -> Result<()> + Send,
    {
        let list = select_list(table, columns)?;
        // SQLite has no zero-column SELECT; the constant is never read.
        let list = if list.is_empty() {
            "1".to_owned()
        } else {
            list
        };
        let sql = format!("SELECT {list} FROM {}", table.name.quoted());
        let context = format!("reading rows of {}", table.name);
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(|e| self.err("cannot open database", &e))?;
        let mut tx = self.begin(&mut conn).await?;
        let mut count = 0u64;
        {
            let mut rows = sqlx::query(AssertSqlSafe(sql)).fetch(&mut *tx);
            while let Some(row) = rows.try_next().await.map_err(|e| self.err(&context, &e))? {
                count += 1;
                let mut cells = Vec::with_capacity(columns.len());
                for (i, &col) in columns.iter().enumerate() {
                    let cell = cell(&row, i).map_err(|e| {
                        let column = table.columns.get(col).map_or("?", |c| c.name.as_str());
                        let decode = sqlx::Error::Decode(e);
                        self.err(&format!("{context}: row {count}, column {column}"), &decode)
                    })?;
                    cells.push(cell);
                }
                on_row(&cells)?;
            }
        }
        let _ = tx.rollback().await;
        Ok(count)
    }
}

/// The pragma_foreign_key_list rows of one foreign key.
struct FkRows {
    id: i64,
    target: String,
    from: Vec<String>,
    to: Vec<Option<String>>,
    on_delete: FkAction,
    on_update: FkAction,
}

/// pragma_foreign_key_list's `on_delete` / `on_update` words.
fn fk_action(word: &str) -> FkAction {
    match word.to_ascii_uppercase().as_str() {
        "RESTRICT" => FkAction::Restrict,
        "CASCADE" => FkAction::Cascade,
        "SET NULL" => FkAction::SetNull,
        "SET DEFAULT" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// A value by its runtime storage class, not the declared column type.
fn cell(
    row: &sqlx::sqlite::SqliteRow,
    i: usize,
) -> std::result::Result<Cell, sqlx::error::BoxDynError> {
    let value = row.try_get_raw(i)?;
    if value.is_null() {
        return Ok(Cell::Null);
    }
    let class = value.type_info().name().to_owned();
    Ok(match class.as_str() {
        "INTEGER" => Cell::Int(<i64 as Decode<Sqlite>>::decode(value)?),
        "REAL" => Cell::Float(<f64 as Decode<Sqlite>>::decode(value)?),
        "BLOB" => Cell::Bytes(<Vec<u8> as Decode<Sqlite>>::decode(value)?),
        _ => Cell::Text(<String as Decode<Sqlite>>::decode(value)?),
    })
}
