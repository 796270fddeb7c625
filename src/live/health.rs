//! The reads behind `lifeboat check`: orphan rows per relation, table sizes,
//! serial/identity sequences and column maxima. Each is one statement in a
//! read-only transaction with the statement timeout; identifiers are always
//! quoted, never pasted. Values come back as text (`CAST(... AS TEXT)`), so
//! one row reader serves both backends.

use super::Backend;
use super::LiveDb;
use crate::catalog::{quote_ident, Dialect, Table, TableName};
use crate::error::{Error, Result};
use crate::value::same_type;
use sqlx::{AssertSqlSafe, Row};

/// Sample keys reported per relation.
pub const ORPHAN_SAMPLES: usize = 5;

/// One column pair of a relation, and how to compare its two sides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinColumn {
    pub child: String,
    pub parent: String,
    /// The live types differ (`varchar(36)` child, `uuid` parent): compare as text.
    pub as_text: bool,
    /// One side is a uuid: compare lower-cased text (uuid prints lower case).
    pub fold_case: bool,
}

/// `child(columns) → parent(columns)`, as the orphan query joins it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrphanQuery {
    pub child: TableName,
    pub parent: TableName,
    pub columns: Vec<JoinColumn>,
    /// The child's primary key columns, read for each sample so the operator
    /// can find the orphan rows themselves (empty: the child has none).
    pub child_key: Vec<String>,
}

/// Child rows whose key is set and names no parent row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Orphans {
    pub count: u64,
    /// Up to [`ORPHAN_SAMPLES`] child keys (the referencing columns, as text), smallest first.
    pub samples: Vec<Vec<String>>,
    /// The primary key of each sample's child row (empty without one).
    pub sample_keys: Vec<Vec<String>>,
}

/// A PostgreSQL column filled from a sequence (serial or identity).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SerialSequence {
    pub table: TableName,
    pub column: String,
    /// The value the next `nextval` returns.
    pub next_value: i64,
    pub increment: i64,
}

/// How to compare `child.c = parent.p` for each pair: columns of differing
/// live types as text (`varchar(36)` against `uuid`), lower-cased when one is
/// a uuid. Err names the column missing live.
pub fn join_columns(
    child: &Table,
    parent: &Table,
    child_columns: &[String],
    parent_columns: &[String],
) -> std::result::Result<Vec<JoinColumn>, String> {
    if child_columns.is_empty() || child_columns.len() != parent_columns.len() {
        return Err("the relation's columns do not pair up".into());
    }
    let mut columns = Vec::new();
    for (c, p) in child_columns.iter().zip(parent_columns) {
        let cc = child
            .column(c)
            .ok_or_else(|| format!("column {}.{c} is missing live", child.name))?;
        let pc = parent
            .column(p)
            .ok_or_else(|| format!("column {}.{p} is missing live", parent.name))?;
        let as_text = !same_type(&cc.data_type, &pc.data_type);
        let is_uuid = |t: &str| same_type(t, "uuid");
        columns.push(JoinColumn {
            child: c.clone(),
            parent: p.clone(),
            as_text,
            fold_case: as_text && (is_uuid(&cc.data_type) || is_uuid(&pc.data_type)),
        });
    }
    Ok(columns)
}

/// The orphan query's parts: the child's key columns (`c."col"`, or their
/// lower-cased text where the join folds case) and `FROM child c LEFT JOIN
/// parent p ON ... WHERE <key set> AND p.key IS NULL`.
pub(super) fn orphan_from(q: &OrphanQuery, dialect: Dialect) -> (Vec<String>, Vec<String>, String) {
    let side = |alias: &str, column: &str, j: &JoinColumn| {
        let col = format!("{alias}.{}", quote_ident(column));
        if dialect == Dialect::Sqlite || !j.as_text {
            return col;
        }
        let text = format!("CAST({col} AS TEXT)");
        if j.fold_case {
            format!("lower({text})")
        } else {
            text
        }
    };
    let child_cols: Vec<String> = q
        .columns
        .iter()
        .map(|j| format!("c.{}", quote_ident(&j.child)))
        .collect();
    let folded: Vec<String> = q.columns.iter().map(|j| side("c", &j.child, j)).collect();
    let on: Vec<String> = q
        .columns
        .iter()
        .map(|j| format!("{} = {}", side("p", &j.parent, j), side("c", &j.child, j)))
        .collect();
    let mut filter: Vec<String> = child_cols
        .iter()
        .map(|c| format!("{c} IS NOT NULL"))
        .collect();
    if let Some(first) = q.columns.first() {
        filter.push(format!("p.{} IS NULL", quote_ident(&first.parent)));
    }
    let from = format!(
        "FROM {} AS c LEFT JOIN {} AS p ON {} WHERE {}",
        q.child.quoted(),
        q.parent.quoted(),
        on.join(" AND "),
        filter.join(" AND "),
    );
    (child_cols, folded, from)
}

/// The one statement counting a relation's orphans and fetching sample keys:
/// `LEFT JOIN parent ... WHERE parent.key IS NULL`; the window count is taken
/// before LIMIT, so it is the total.
pub fn orphan_sql(q: &OrphanQuery, dialect: Dialect) -> String {
    let (mut child_cols, _, from) = orphan_from(q, dialect);
    child_cols.extend(q.child_key.iter().map(|k| format!("c.{}", quote_ident(k))));
    let select: Vec<String> = child_cols
        .iter()
        .map(|c| format!("CAST({c} AS TEXT)"))
        .collect();
    format!(
        "SELECT CAST(count(*) OVER () AS TEXT), {} {from} ORDER BY {} LIMIT {ORPHAN_SAMPLES}",
        select.join(", "),
        child_cols.join(", "),
    )
}

const SIZES_SQL: &str =
    "SELECT n.nspname::text, c.relname::text, CAST(pg_total_relation_size(c.oid) AS TEXT) \
     FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
     WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
     AND n.nspname NOT LIKE 'pg_toast%'";

/// Columns owning a sequence (pg_get_serial_sequence: serial and identity),
/// with the sequence's last value (NULL before the first nextval), start and increment.
const SEQUENCES_SQL: &str = "SELECT n.nspname::text, c.relname::text, a.attname::text, \
     CAST(pg_sequence_last_value(s.seqrelid) AS TEXT), CAST(s.seqstart AS TEXT), CAST(s.seqincrement AS TEXT) \
     FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
     JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
     CROSS JOIN LATERAL (SELECT pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname)::regclass AS seq) g \
     JOIN pg_catalog.pg_sequence s ON s.seqrelid = g.seq \
     WHERE c.relkind IN ('r', 'p') AND (a.attidentity <> '' OR a.atthasdef) \
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 3";

impl LiveDb {
    /// Count the orphans of one relation (one statement, see [`orphan_sql`]).
    pub async fn orphans(&self, q: &OrphanQuery) -> Result<Orphans> {
        let sql = orphan_sql(q, self.dialect());
        let context = format!("counting orphans of {} → {}", q.child, q.parent);
        let rows = self.text_rows(sql, &context).await?;
        let mut out = Orphans::default();
        for row in rows {
            if out.count == 0 {
                out.count = parse_number(row.first().cloned().flatten(), &context)?;
            }
            let mut values = row.into_iter().skip(1).map(Option::unwrap_or_default);
            out.samples
                .push(values.by_ref().take(q.columns.len()).collect());
            if !q.child_key.is_empty() {
                out.sample_keys.push(values.collect());
            }
        }
        Ok(out)
    }

    /// PostgreSQL: every table's total size on disk (with indexes and TOAST), in bytes.
    /// SQLite: none (the file is one unit).
    pub async fn table_sizes(&self) -> Result<Vec<(TableName, u64)>> {
        if self.dialect() != Dialect::Postgres {
            return Ok(Vec::new());
        }
        let context = "reading table sizes";
        let mut out = Vec::new();
        for row in self.text_rows(SIZES_SQL.to_owned(), context).await? {
            let [schema, name, size] = three(row);
            let table =
                TableName::new(Some(&schema.unwrap_or_default()), &name.unwrap_or_default());
            out.push((table, parse_number(size, context)?));
        }
        Ok(out)
    }

    /// PostgreSQL: the columns filled from a sequence they own. SQLite: none
    /// (AUTOINCREMENT never hands out a used value).
    pub async fn serial_sequences(&self) -> Result<Vec<SerialSequence>> {
        if self.dialect() != Dialect::Postgres {
            return Ok(Vec::new());
        }
        let context = "reading sequences";
        let mut out = Vec::new();
        for row in self.text_rows(SEQUENCES_SQL.to_owned(), context).await? {
            let mut cells = row.into_iter();
            let mut next = || cells.next().flatten();
            let (schema, table, column) = (next(), next(), next());
            let (last, start, increment) = (next(), next(), next());
            let increment: i64 = parse_number(increment, context)?;
            let next_value = match last {
                Some(last) => parse_number::<i64>(Some(last), context)?.saturating_add(increment),
                None => parse_number(start, context)?,
            };
            out.push(SerialSequence {
                table: TableName::new(schema.as_deref(), &table.unwrap_or_default()),
                column: column.unwrap_or_default(),
                next_value,
                increment,
            });
        }
        Ok(out)
    }

    /// `max(column)` of an integer column; None for an empty table.
    pub async fn max_value(&self, table: &TableName, column: &str) -> Result<Option<i64>> {
        let sql = format!(
            "SELECT CAST(max({}) AS TEXT) FROM {}",
            quote_ident(column),
            table.quoted()
        );
        let context = format!("reading max({column}) of {table}");
        let rows = self.text_rows(sql, &context).await?;
        match rows
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next().flatten())
        {
            Some(v) => Ok(Some(parse_number(Some(v), &context)?)),
            None => Ok(None),
        }
    }

    /// Run one SELECT whose columns are all text (or NULL) in a read-only
    /// transaction with the statement timeout.
    pub(super) async fn text_rows(
        &self,
        sql: String,
        context: &str,
    ) -> Result<Vec<Vec<Option<String>>>> {
        fn cells<R: Row>(row: &R) -> sqlx::Result<Vec<Option<String>>>
        where
            usize: sqlx::ColumnIndex<R>,
            for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        {
            (0..row.len()).map(|i| row.try_get(i)).collect()
        }
        match &self.backend {
            Backend::Postgres(pg) => {
                let mut conn = pg.acquire().await?;
                let mut tx = pg.begin_read(&mut conn).await?;
                let rows = sqlx::query(AssertSqlSafe(sql))
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(|e| pg.err(context, &e))?;
                let _ = tx.rollback().await;
                rows.iter()
                    .map(cells)
                    .collect::<sqlx::Result<_>>()
                    .map_err(|e| pg.err(context, &e))
            }
            Backend::Sqlite(lite) => {
                lite.with_read(context, move |tx| {
                    Box::pin(async move {
                        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut **tx).await?;
                        rows.iter().map(cells).collect()
                    })
                })
                .await
            }
        }
    }
}

fn three(row: Vec<Option<String>>) -> [Option<String>; 3] {
    let mut it = row.into_iter();
    [
        it.next().flatten(),
        it.next().flatten(),
        it.next().flatten(),
    ]
}

pub(super) fn parse_number<T: std::str::FromStr>(text: Option<String>, context: &str) -> Result<T> {
    let text = text.unwrap_or_default();
    text.trim().parse().map_err(|_| {
        Error::Other(format!(
            "{context}: unexpected number {text:?} from the server"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(as_text: bool, fold_case: bool) -> OrphanQuery {
        OrphanQuery {
            child: TableName::new(Some("public"), "users"),
            parent: TableName::new(Some("public"), "org\"s"),
            columns: vec![JoinColumn {
                child: "organizationId".into(),
                parent: "id".into(),
                as_text,
                fold_case,
            }],
            child_key: Vec::new(),
        }
    }

    #[test]
    fn orphan_sql_quotes_every_identifier_and_limits_samples() {
        let sql = orphan_sql(&query(false, false), Dialect::Postgres);
        assert_eq!(
            sql,
            "SELECT CAST(count(*) OVER () AS TEXT), CAST(c.\"organizationId\" AS TEXT) \
             FROM \"public\".\"users\" AS c LEFT JOIN \"public\".\"org\"\"s\" AS p \
             ON p.\"id\" = c.\"organizationId\" WHERE c.\"organizationId\" IS NOT NULL \
             AND p.\"id\" IS NULL ORDER BY c.\"organizationId\" LIMIT 5"
        );
    }

    #[test]
    fn orphan_sql_compares_differing_types_as_text() {
        let sql = orphan_sql(&query(true, true), Dialect::Postgres);
        assert!(sql.contains(
            "ON lower(CAST(p.\"id\" AS TEXT)) = lower(CAST(c.\"organizationId\" AS TEXT))"
        ));
        // SQLite compares by value with affinity; no casts in the join.
        let sql = orphan_sql(&query(true, true), Dialect::Sqlite);
        assert!(sql.contains("ON p.\"id\" = c.\"organizationId\""));
    }
}
