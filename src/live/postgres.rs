//! PostgreSQL live side. Every read is one `READ ONLY` transaction with
//! timeouts set locally, so nothing outlives it; the catalog comes from
//! pg_catalog (information_schema is slow and hides other roles' objects);
//! rows come through `COPY (SELECT ...) TO STDOUT` in text format.

use super::copy_text::{CopyError, CopyTextParser};
use super::db_url::DbUrl;
use super::{db_error, select_list, LiveOptions};
use crate::catalog::type_text::key_in_bound_arrays;
use crate::catalog::{
    quote_ident, Catalog, CheckConstraint, Column, Dialect, FkAction, ForeignKey, Identity,
    KeyConstraint, Table, TableName,
};
use crate::error::{Error, Result};
use crate::value::Cell;
use futures_util::TryStreamExt;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::{AssertSqlSafe, Connection, Postgres, Row, Transaction};
use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
/// Wait at most this long behind a migration's exclusive lock, then give up.
const LOCK_TIMEOUT: Duration = Duration::from_secs(10);
/// A reader that stalls must not keep a snapshot open on production.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// pg_catalog columns we rely on (attgenerated, conparentid) exist from 12 on.
const MIN_SERVER_VERSION: u32 = 120_000;
/// Keys bound per keyed read (one array parameter per key column).
const KEYS_PER_QUERY: usize = 10_000;

pub struct PgLive {
    pool: PgPool,
    url: DbUrl,
    opts: LiveOptions,
}

impl PgLive {
    pub async fn connect(url: &DbUrl, opts: &LiveOptions) -> Result<PgLive> {
        let options = PgConnectOptions::from_str(url.expose())
            .map_err(|e| db_error(url, "invalid PostgreSQL URL", &e))?
            .application_name("lifeboat");
        // One direct connection first: a pool would retry a refused connection
        // until its acquire timeout and then report only "timed out".
        let probe = tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options))
            .await
            .map_err(|_| Error::Database {
                target: url.redacted(),
                message: format!("cannot connect: no answer within {CONNECT_TIMEOUT:?}"),
            })?
            .map_err(|e| db_error(url, "cannot connect", &e))?;
        let version = probe.server_version_num();
        let _ = probe.close().await;
        // Servers that do not report a version (proxies, look-alikes) get the benefit of the doubt.
        if let Some(version) = version.filter(|v| *v < MIN_SERVER_VERSION) {
            return Err(Error::Database {
                target: url.redacted(),
                message: format!("PostgreSQL 12 or newer is required (server reports {version})"),
            });
        }
        let pool = PgPoolOptions::new()
            .max_connections(3)
            .min_connections(0)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect_lazy_with(options);
        Ok(PgLive {
            pool,
            url: url.clone(),
            opts: opts.clone(),
        })
    }

    pub(super) fn err(&self, context: &str, e: &sqlx::Error) -> Error {
        db_error(&self.url, context, e)
    }

    pub(super) async fn acquire(&self) -> Result<PoolConnection<Postgres>> {
        self.pool
            .acquire()
            .await
            .map_err(|e| self.err("cannot connect", &e))
    }

    /// `BEGIN ... READ ONLY` (repeatable read: the catalog's several queries see
    /// one snapshot) plus local timeouts and output settings that make
    /// COPY text stable (UTC, ISO dates, shortest exact floats, hex bytea).
    pub(super) async fn begin_read<'c>(
        &self,
        conn: &'c mut PgConnection,
    ) -> Result<Transaction<'c, Postgres>> {
        let mut tx = conn
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
            .map_err(|e| self.err("cannot begin read-only transaction", &e))?;
        let ms = |d: Duration| format!("{}ms", d.as_millis().max(1));
        sqlx::query(
            "SELECT set_config('statement_timeout', $1, true), \
                    set_config('lock_timeout', $2, true), \
                    set_config('idle_in_transaction_session_timeout', $3, true), \
                    set_config('TimeZone', 'UTC', true), \
                    set_config('DateStyle', 'ISO, YMD', true), \
                    set_config('IntervalStyle', 'postgres', true), \
                    set_config('extra_float_digits', '1', true), \
                    set_config('bytea_output', 'hex', true)",
        )
        .bind(ms(self.opts.statement_timeout))
        .bind(ms(LOCK_TIMEOUT))
        .bind(ms(IDLE_TIMEOUT))
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err("cannot configure read-only transaction", &e))?;
        Ok(tx)
    }

    pub async fn catalog(&self) -> Result<Catalog> {
        let mut conn = self.acquire().await?;
        let mut tx = self.begin_read(&mut conn).await?;
        let tables: Vec<(i64, String, String)> = sqlx::query_as(TABLES_SQL)
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| self.err("reading tables", &e))?;
        let oids: Vec<i64> = tables.iter().map(|t| t.0).collect();
        let columns: Vec<ColumnRow> = sqlx::query_as(COLUMNS_SQL)
            .bind(&oids)
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| self.err("reading columns", &e))?;
        let constraints: Vec<ConstraintRow> = sqlx::query_as(CONSTRAINTS_SQL)
            .bind(&oids)
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| self.err("reading constraints", &e))?;
        let enums: Vec<(String, String, bool, Vec<String>)> = sqlx::query_as(ENUMS_SQL)
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| self.err("reading enum types", &e))?;
        let _ = tx.rollback().await;

        let mut by_oid: HashMap<i64, Table> = tables
            .into_iter()
            .map(|(oid, schema, name)| {
                let table = Table {
                    name: TableName::new(Some(&schema), &name),
                    columns: Vec::new(),
                    primary_key: None,
                    unique: Vec::new(),
                    foreign_keys: Vec::new(),
                    checks: Vec::new(),
                };
                (oid, table)
            })
            .collect();
        for c in columns {
            if let Some(table) = by_oid.get_mut(&c.0) {
                table.columns.push(column(c));
            }
        }
        for c in constraints {
            if let Some(table) = by_oid.get_mut(&c.0) {
                add_constraint(table, c);
            }
        }
        let mut catalog = Catalog::new(Dialect::Postgres);
        catalog.tables = by_oid.into_values().collect();
        catalog.tables.sort_by(|a, b| a.name.cmp(&b.name));
        for (schema, name, visible, labels) in enums {
            catalog
                .enums
                .insert(format!("{schema}.{name}"), labels.clone());
            // The bare name belongs to the type format_type prints unqualified.
            if visible || !catalog.enums.contains_key(&name) {
                catalog.enums.insert(name, labels);
            }
        }
        Ok(catalog)
    }

    pub async fn count_rows(&self, table: &TableName) -> Result<u64> {
        let mut conn = self.acquire().await?;
        let mut tx = self.begin_read(&mut conn).await?;
        let sql = format!("SELECT count(*) FROM {}", table.quoted());
        let count: i64 = sqlx::query_scalar(AssertSqlSafe(sql))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.err(&format!("counting rows of {table}"), &e))?;
        let _ = tx.rollback().await;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Enabled user triggers: (table, trigger name, `CREATE TRIGGER ...` text).
    pub async fn triggers(&self) -> Result<Vec<(TableName, String, String)>> {
        let mut conn = self.acquire().await?;
        let mut tx = self.begin_read(&mut conn).await?;
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT n.nspname::text, c.relname::text, t.tgname::text, pg_get_triggerdef(t.oid)              FROM pg_catalog.pg_trigger t              JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace              WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' ORDER BY 1, 2, 3",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| self.err("reading triggers", &e))?;
        let _ = tx.rollback().await;
        Ok(rows
            .into_iter()
            .map(|(schema, table, name, def)| (TableName::new(Some(&schema), &table), name, def))
            .collect())
    }

    /// The planner's row estimate (`pg_class.reltuples`): free to read,
    /// used only to size buffers. None when never analysed.
    pub async fn estimate_rows(&self, table: &TableName) -> Result<Option<u64>> {
        let mut conn = self.acquire().await?;
        let mut tx = self.begin_read(&mut conn).await?;
        let estimate: Option<f32> = sqlx::query_scalar(
            "SELECT c.reltuples FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = $1 AND c.relname = $2",
        )
        .bind(table.schema.as_deref().unwrap_or("public"))
        .bind(&table.name)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| self.err(&format!("estimating rows of {table}"), &e))?;
        let _ = tx.rollback().await;
        Ok(estimate.filter(|e| *e >= 0.0).map(|e| e as u64))
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
        let sql = format!(
            "COPY (SELECT {list} FROM {}) TO STDOUT",
            table.name.quoted()
        );
        let mut conn = self.acquire().await?;
        let outcome = self
            .copy_rows(&mut conn, &sql, table, columns.len(), &mut on_row)
            .await;
        if outcome.is_err() {
            // A COPY abandoned half-way leaves unread data on the socket; sqlx
            // cannot resynchronise that, so this connection must not be reused.
            conn.close_on_drop();
        }
        outcome
    }

    /// Rows of `table` whose `key` columns hold one of `keys` (canonical
    /// text), restricted to `columns`: an index lookup per key instead of a
    /// scan, for a few rows of a large table. Values arrive as text of the
    /// same session settings as COPY, so they compare the same way.
    pub async fn stream_rows_by_key<F>(
        &self,
        table: &Table,
        columns: &[usize],
        key: &[usize],
        keys: &[Vec<String>],
        mut on_row: F,
    ) -> Result<u64>
    where
        F: FnMut(&[Cell]) -> Result<()> + Send,
    {
        let context = format!("reading rows of {} by key", table.name);
        let column = |i: usize| {
            table.columns.get(i).ok_or_else(|| {
                Error::Other(format!("column index {i} out of range for {}", table.name))
            })
        };
        let mut list = Vec::with_capacity(columns.len());
        for &i in columns {
            list.push(format!("{}::text", quote_ident(&column(i)?.name)));
        }
        let typed = key
            .iter()
            .map(|&i| column(i).map(|c| (c.name.as_str(), c.data_type.as_str())))
            .collect::<Result<Vec<_>>>()?;
        let filter = key_in_bound_arrays(&typed).map_err(|e| Error::Other(e.reason))?;
        let sql = format!(
            "SELECT {} FROM {} WHERE {filter}",
            if list.is_empty() {
                "1".to_owned()
            } else {
                list.join(", ")
            },
            table.name.quoted()
        );
        let mut conn = self.acquire().await?;
        let mut tx = self.begin_read(&mut conn).await?;
        let mut count = 0u64;
        let mut cells: Vec<Cell> = Vec::with_capacity(columns.len());
        for chunk in keys.chunks(KEYS_PER_QUERY) {
            let mut query = sqlx::query(AssertSqlSafe(sql.clone()));
            for part in 0..key.len() {
                let values: Vec<&str> = chunk
                    .iter()
                    .filter_map(|k| k.get(part))
                    .map(String::as_str)
                    .collect();
                query = query.bind(values);
            }
            let mut rows = query.fetch(&mut *tx);
            while let Some(row) = rows.try_next().await.map_err(|e| self.err(&context, &e))? {
                cells.clear();
                for i in 0..columns.len() {
                    let v: Option<String> = row.try_get(i).map_err(|e| self.err(&context, &e))?;
                    cells.push(v.map_or(Cell::Null, Cell::Text));
                }
                count += 1;
                on_row(&cells)?;
            }
        }
        let _ = tx.rollback().await;
        Ok(count)
    }

    async fn copy_rows<F>(
        &self,
        conn: &mut PgConnection,
        sql: &str,
        table: &Table,
        width: usize,
        on_row: &mut F,
    ) -> Result<u64>
    where
        F: FnMut(&[Cell]) -> Result<()> + Send,
    {
        let context = format!("reading rows of {}", table.name);
        let mut tx = self.begin_read(conn).await?;
        let mut parser = CopyTextParser::new(width);
        {
            let mut stream = tx
                .copy_out_raw(sql)
                .await
                .map_err(|e| self.err(&context, &e))?;
            while let Some(chunk) = stream
                .try_next()
                .await
                .map_err(|e| self.err(&context, &e))?
            {
                parser
                    .feed(&chunk, &mut |row| on_row(row).map_err(RowError::Callback))
                    .map_err(|e| match e {
                        RowError::Callback(e) => e,
                        RowError::Copy(e) => self.copy_error(&table.name, e),
                    })?;
            }
        }
        let rows = parser
            .finish()
            .map_err(|e| self.copy_error(&table.name, e))?;
        let _ = tx.rollback().await;
        Ok(rows)
    }

    fn copy_error(&self, table: &TableName, e: CopyError) -> Error {
        Error::Database {
            target: self.url.redacted(),
            message: format!("reading rows of {table}: row {}: {}", e.row, e.message),
        }
    }
}

/// Keeps the caller's error apart from a malformed COPY row.
enum RowError {
    Callback(Error),
    Copy(CopyError),
}

impl From<CopyError> for RowError {
    fn from(e: CopyError) -> Self {
        RowError::Copy(e)
    }
}

type ColumnRow = (i64, String, String, bool, Option<String>, String, String);
type ConstraintRow = (
    i64,
    String,
    String,
    Vec<String>,
    Option<String>,
    Option<String>,
    Vec<String>,
    bool,
    bool,
    Option<String>,
    String,
    String,
);

fn column((_, name, data_type, not_null, expr, identity, generated): ColumnRow) -> Column {
    let is_generated = !generated.is_empty();
    Column {
        name,
        data_type,
        nullable: !not_null,
        default: if is_generated { None } else { expr.clone() },
        identity: match identity.as_str() {
            "a" => Some(Identity::Always),
            "d" => Some(Identity::ByDefault),
            _ => None,
        },
        generated: if is_generated { expr } else { None },
    }
}

fn add_constraint(table: &mut Table, row: ConstraintRow) {
    let (
        _,
        name,
        kind,
        columns,
        ref_schema,
        ref_table,
        ref_columns,
        deferrable,
        deferred,
        definition,
        on_delete,
        on_update,
    ) = row;
    match kind.as_str() {
        "p" => {
            table.primary_key = Some(KeyConstraint {
                name: Some(name),
                columns,
            })
        }
        "u" => table.unique.push(KeyConstraint {
            name: Some(name),
            columns,
        }),
        "f" => table.foreign_keys.push(ForeignKey {
            name: Some(name),
            columns,
            referenced_table: TableName {
                schema: ref_schema,
                name: ref_table.unwrap_or_default(),
            },
            referenced_columns: ref_columns,
            deferrable,
            initially_deferred: deferred,
            on_delete: fk_action(&on_delete),
            on_update: fk_action(&on_update),
        }),
        // pg_get_constraintdef: `CHECK ((price >= (0)::numeric))` [NOT VALID].
        "c" => {
            let def = definition.unwrap_or_default();
            let def = def.trim();
            let def = def.strip_suffix("NOT VALID").unwrap_or(def).trim_end();
            let def = def.strip_suffix("NO INHERIT").unwrap_or(def).trim_end();
            let expression = def.strip_prefix("CHECK").unwrap_or(def).trim().to_owned();
            table.checks.push(CheckConstraint {
                name: Some(name),
                expression,
            });
        }
        _ => {}
    }
}

/// pg_constraint's confdeltype / confupdtype letters.
fn fk_action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// Ordinary and partitioned tables; partitions are read through their parent.
const TABLES_SQL: &str = "\
SELECT c.oid::int8, n.nspname::text, c.relname::text
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
ORDER BY n.nspname, c.relname";

/// A column of a domain type has the domain's base type (values compare,
/// and dumps name it, that way; the domain's CHECK is the server's to enforce).
const COLUMNS_SQL: &str = "\
SELECT a.attrelid::int8, a.attname::text,
       CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod)
            ELSE pg_catalog.format_type(a.atttypid, a.atttypmod) END,
       a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid),
       a.attidentity::text, a.attgenerated::text
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = ANY($1::int8[]::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum";

/// Key columns in constraint order (composite keys), referenced side schema-qualified.
/// `conparentid = 0` drops the per-partition clones of FKs to partitioned tables;
/// CHECKs inherited from a parent (`NOT conislocal`) are the parent's. NOT VALID ones count.
const CONSTRAINTS_SQL: &str = "\
SELECT con.conrelid::int8, con.conname::text, con.contype::text,
       ARRAY(SELECT a.attname::text
             FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.ord),
       fn.nspname::text, fc.relname::text,
       ARRAY(SELECT a.attname::text
             FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
             ORDER BY k.ord),
       con.condeferrable, con.condeferred,
       CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_constraintdef(con.oid) END,
       con.confdeltype::text, con.confupdtype::text
FROM pg_catalog.pg_constraint con
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.conrelid = ANY($1::int8[]::oid[]) AND con.contype IN ('p', 'u', 'f', 'c')
  AND con.conparentid = 0 AND (con.contype <> 'c' OR con.conislocal)
ORDER BY con.conrelid, con.contype, con.conname";

const ENUMS_SQL: &str = "\
SELECT n.nspname::text, t.typname::text, pg_catalog.pg_type_is_visible(t.oid),
       array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
GROUP BY n.nspname, t.typname, t.oid
ORDER BY 1, 2";
