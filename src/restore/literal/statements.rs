//! INSERT, UPDATE and DELETE statements from already-rendered literals.
//! Pure and deterministic: identical inputs give byte-identical text.
//! Statements end with `;` and carry no trailing newline; a script joins
//! them with `\n`. An UPDATE or DELETE is never rendered without a key, so
//! no statement here can touch rows it was not given.

use crate::catalog::{quote_ident, Dialect, TableName};
use crate::error::Error;
use std::ops::Range;

/// Rows per multi-row INSERT (and per batched DELETE) unless told otherwise.
pub const DEFAULT_BATCH_ROWS: usize = 500;

/// SQLite nests an OR-chain one level per row and limits expression depth
/// to 1000, so its multi-column DELETE batches stay well below that.
const SQLITE_OR_CHAIN_ROWS: usize = 100;

/// Rows for one table, each a list of literals in `columns` order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsertBatch<'a> {
    pub table: &'a TableName,
    pub columns: Vec<&'a str>,
    pub rows: Vec<Vec<String>>,
    /// `GENERATED ALWAYS` identity values are inserted explicitly
    /// (PostgreSQL only; SQLite has no such clause and never gets it).
    pub overriding_system_value: bool,
}

fn width_error(table: &TableName, what: &str, row: usize, got: usize, want: usize) -> Error {
    Error::Other(format!(
        "{what} for {table}: row {} has {got} values for {want} columns",
        row + 1
    ))
}

/// The INSERT statements for `batch`, at most `max_rows` rows each (0 is
/// taken as 1). A row whose width differs from `columns` is a caller bug,
/// reported rather than rendered into a statement that means something else.
pub fn insert_statements(
    batch: &InsertBatch<'_>,
    dialect: Dialect,
    max_rows: usize,
) -> Result<Vec<String>, Error> {
    Ok(insert_statements_spanned(batch, dialect, max_rows)?
        .into_iter()
        .map(|(sql, _)| sql)
        .collect())
}

/// An INSERT statement and the byte range of each row's tuple in it.
pub type SpannedInsert = (String, Vec<Range<usize>>);

/// [`insert_statements`], each with the byte range of every row's `(...)`
/// tuple in it, so one row can be re-run alone (the head up to the first
/// tuple, that tuple, `;`) to find which row of a batch fails.
pub fn insert_statements_spanned(
    batch: &InsertBatch<'_>,
    dialect: Dialect,
    max_rows: usize,
) -> Result<Vec<SpannedInsert>, Error> {
    let want = batch.columns.len();
    if let Some((i, row)) = batch.rows.iter().enumerate().find(|(_, r)| r.len() != want) {
        return Err(width_error(batch.table, "INSERT", i, row.len(), want));
    }
    let table = batch.table.quoted();
    if want == 0 {
        let one = format!("INSERT INTO {table} DEFAULT VALUES;");
        return Ok(vec![(one, Vec::new()); batch.rows.len()]);
    }
    let mut head = format!("INSERT INTO {table} (");
    push_idents(&mut head, &batch.columns);
    head.push(')');
    if batch.overriding_system_value && dialect == Dialect::Postgres {
        head.push_str(" OVERRIDING SYSTEM VALUE");
    }
    head.push_str(" VALUES");
    Ok(batch
        .rows
        .chunks(max_rows.max(1))
        .map(|chunk| {
            let mut sql = head.clone();
            let mut spans = Vec::with_capacity(chunk.len());
            for (i, row) in chunk.iter().enumerate() {
                sql.push_str(if i == 0 { "\n  " } else { ",\n  " });
                let start = sql.len();
                push_tuple(&mut sql, row);
                spans.push(start..sql.len());
            }
            sql.push(';');
            (sql, spans)
        })
        .collect())
}

/// [`insert_statements`] joined into one piece of script.
pub fn render_insert(
    batch: &InsertBatch<'_>,
    dialect: Dialect,
    max_rows: usize,
) -> Result<String, Error> {
    Ok(insert_statements(batch, dialect, max_rows)?.join("\n"))
}

/// `UPDATE t SET "c" = lit, ... WHERE "k" = lit AND ...;`, or `None` when
/// there is nothing to set or no key (an unkeyed UPDATE would hit every row).
pub fn render_update(
    table: &TableName,
    key: &[(&str, String)],
    set: &[(&str, String)],
) -> Option<String> {
    if key.is_empty() || set.is_empty() {
        return None;
    }
    let mut sql = format!("UPDATE {} SET ", table.quoted());
    for (i, (column, value)) in set.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&quote_ident(column));
        sql.push_str(" = ");
        sql.push_str(value);
    }
    sql.push_str(" WHERE ");
    push_key_match(&mut sql, key);
    sql.push(';');
    Some(sql)
}

/// `DELETE FROM t WHERE "k" = lit AND ...;` for one row, or `None` without
/// a key.
pub fn render_delete(table: &TableName, key: &[(&str, String)]) -> Option<String> {
    if key.is_empty() {
        return None;
    }
    let mut sql = format!("DELETE FROM {} WHERE ", table.quoted());
    push_key_match(&mut sql, key);
    sql.push(';');
    Some(sql)
}

/// Batched DELETEs of the rows whose `key_columns` hold `keys` (for undo
/// scripts), at most `max_rows` keys per statement: `"id" IN (..)` for one
/// column; `("a", "b") IN ((..), (..))` on PostgreSQL and an OR-chain of
/// conjunctions on SQLite for several. Keys holding NULL (which `IN` never
/// matches) get a statement of their own with `IS NULL`.
pub fn delete_statements(
    table: &TableName,
    key_columns: &[&str],
    keys: &[Vec<String>],
    dialect: Dialect,
    max_rows: usize,
) -> Result<Vec<String>, Error> {
    let head = format!("DELETE FROM {}", table.quoted());
    keyed_statements(&head, "", table, key_columns, keys, dialect, max_rows)
}

/// `<head> WHERE <rows whose key_columns hold keys><tail>;`, batched as
/// [`delete_statements`] describes; `head` is e.g. `SELECT .. FROM t`.
pub fn keyed_statements(
    head: &str,
    tail: &str,
    table: &TableName,
    key_columns: &[&str],
    keys: &[Vec<String>],
    dialect: Dialect,
    max_rows: usize,
) -> Result<Vec<String>, Error> {
    let want = key_columns.len();
    if want == 0 && !keys.is_empty() {
        return Err(Error::Other(format!(
            "statement on {table}: no key columns; refusing to touch unkeyed rows"
        )));
    }
    if let Some((i, k)) = keys.iter().enumerate().find(|(_, k)| k.len() != want) {
        return Err(width_error(table, "keyed statement", i, k.len(), want));
    }
    let (with_null, plain): (Vec<&Vec<String>>, Vec<&Vec<String>>) =
        keys.iter().partition(|k| k.iter().any(|v| is_null(v)));
    let per = match (dialect, want) {
        (Dialect::Sqlite, 2..) => max_rows.clamp(1, SQLITE_OR_CHAIN_ROWS),
        _ => max_rows.max(1),
    };
    let mut out = Vec::new();
    for chunk in plain.chunks(per) {
        let mut sql = format!("{head} WHERE ");
        if want == 1 {
            sql.push_str(&quote_ident(key_columns[0]));
            sql.push_str(" IN (");
            for (i, k) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&k[0]);
            }
            sql.push(')');
        } else if dialect == Dialect::Postgres {
            sql.push('(');
            push_idents(&mut sql, key_columns);
            sql.push_str(") IN (");
            for (i, k) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                push_tuple(&mut sql, k);
            }
            sql.push(')');
        } else {
            for (i, k) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push_str(" OR ");
                }
                sql.push('(');
                push_key_match(&mut sql, &pairs(key_columns, k));
                sql.push(')');
            }
        }
        sql.push_str(tail);
        sql.push(';');
        out.push(sql);
    }
    for k in with_null {
        let mut sql = format!("{head} WHERE ");
        push_key_match(&mut sql, &pairs(key_columns, k));
        sql.push_str(tail);
        sql.push(';');
        out.push(sql);
    }
    Ok(out)
}

/// `"k" = lit AND "k2" IS NULL` for a WHERE clause.
pub fn key_match(key: &[(&str, String)]) -> String {
    let mut sql = String::new();
    push_key_match(&mut sql, key);
    sql
}

fn pairs<'a>(columns: &[&'a str], values: &[String]) -> Vec<(&'a str, String)> {
    columns
        .iter()
        .copied()
        .zip(values.iter().cloned())
        .collect()
}

fn is_null(literal: &str) -> bool {
    literal == "NULL"
}

fn push_idents(sql: &mut String, columns: &[&str]) {
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&quote_ident(c));
    }
}

fn push_tuple(sql: &mut String, values: &[String]) {
    sql.push('(');
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(v);
    }
    sql.push(')');
}

/// `"k" = lit AND "k2" IS NULL`: NULL never equals anything, so a NULL key
/// part is matched with IS NULL.
fn push_key_match(sql: &mut String, key: &[(&str, String)]) {
    for (i, (column, value)) in key.iter().enumerate() {
        if i > 0 {
            sql.push_str(" AND ");
        }
        sql.push_str(&quote_ident(column));
        if is_null(value) {
            sql.push_str(" IS NULL");
        } else {
            sql.push_str(" = ");
            sql.push_str(value);
        }
    }
}
