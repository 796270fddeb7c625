//! The DDL a schema repair runs, rendered from a backup's [`Table`]: pure
//! functions, every identifier quoted, every expression and type re-rendered
//! through [`super::expr`]. What a dialect cannot express is dropped with a
//! note (the operator reads it in the plan) or refused as a [`DdlError`]
//! naming the table, the column or constraint, and why.
//!
//! PostgreSQL statements assume the script's
//! [`crate::restore::literal::PG_PREAMBLE`] (standard-conforming strings):
//! a backslash inside a re-rendered `'...'` default or CHECK is data, as in
//! the restore's own literals.
//!
//! Statements end with `;`. Undo statements are plain DROPs (no CASCADE, no
//! IF EXISTS): an undo that finds something else in the way must fail
//! loudly, not drop it.

use super::expr::{parse_expression, safe_expression, safe_type};
use crate::catalog::{
    quote_ident, CheckConstraint, Column, Dialect, ForeignKey, Identity, KeyConstraint, Table,
    TableName,
};
use std::fmt;

mod alter;
mod objects;
mod sqlite;
pub use alter::{
    add_constraint, add_constraint_sql, default_constraint_name, drop_column, drop_constraint,
    drop_table, validate_constraint,
};
pub use objects::{
    create_enum, create_sequence, drop_sequence, drop_type, enum_name, regclass_name,
    sequence_owned_by, sequences_for, SequenceUse,
};
pub use sqlite::add_column_to;

/// What could not be created, where, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DdlError {
    pub table: TableName,
    /// `column "x"` or `constraint "y"`, when the problem is in one part.
    pub part: Option<String>,
    pub reason: String,
}

impl DdlError {
    fn new(table: &TableName, part: Option<String>, reason: impl Into<String>) -> Self {
        DdlError {
            table: table.clone(),
            part,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for DdlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.part {
            Some(part) => write!(
                f,
                "cannot recreate {part} of table {}: {}",
                self.table, self.reason
            ),
            None => write!(f, "cannot recreate table {}: {}", self.table, self.reason),
        }
    }
}

impl std::error::Error for DdlError {}

fn column_part(name: &str) -> Option<String> {
    Some(format!("column {}", quote_ident(name)))
}

fn constraint_part(name: Option<&str>, kind: &str) -> Option<String> {
    Some(match name {
        Some(n) => format!("{kind} constraint {}", quote_ident(n)),
        None => format!("{kind} constraint"),
    })
}

/// A CREATE TABLE and what was left out of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateTable {
    pub sql: String,
    pub notes: Vec<String>,
}

/// An ADD COLUMN, the SET NOT NULL to run once the column's values are back
/// (PostgreSQL, NOT NULL without a default), and what was left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddColumn {
    pub sql: String,
    pub set_not_null: Option<String>,
    pub notes: Vec<String>,
}

/// The table's name as the dialect writes it: SQLite has no schemas (a
/// PostgreSQL backup's `public.t` is `t` there).
pub fn table_sql(table: &TableName, dialect: Dialect) -> String {
    match dialect {
        Dialect::Postgres => table.quoted(),
        Dialect::Sqlite => quote_ident(&table.name),
    }
}

fn column_list(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| quote_ident(c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A column's type in the dialect, re-rendered; SQLite gets TEXT (with a
/// note) for PostgreSQL types it cannot name (arrays, schema-qualified types).
fn column_type(
    table: &TableName,
    c: &Column,
    dialect: Dialect,
    notes: &mut Vec<String>,
) -> Result<String, DdlError> {
    let t = safe_type(&c.data_type).map_err(|e| DdlError::new(table, column_part(&c.name), e))?;
    if dialect == Dialect::Sqlite && (t.contains('[') || t.contains('.') || t.contains('"')) {
        notes.push(format!(
            "{}.{}: SQLite has no type {t}; the column is created as TEXT",
            table, c.name
        ));
        return Ok("TEXT".to_owned());
    }
    Ok(t)
}

/// One column's definition inside CREATE TABLE.
fn column_definition(
    table: &TableName,
    c: &Column,
    dialect: Dialect,
    notes: &mut Vec<String>,
) -> Result<String, DdlError> {
    let mut sql = format!(
        "{} {}",
        quote_ident(&c.name),
        column_type(table, c, dialect, notes)?
    );
    if let Some(gen) = &c.generated {
        let e = safe_expression(gen).map_err(|e| {
            DdlError::new(
                table,
                column_part(&c.name),
                format!("generated expression {e}"),
            )
        })?;
        sql.push_str(&format!(" GENERATED ALWAYS AS ({e}) STORED"));
    } else if let Some(identity) = c.identity {
        match dialect {
            Dialect::Postgres => sql.push_str(match identity {
                Identity::Always => " GENERATED ALWAYS AS IDENTITY",
                Identity::ByDefault => " GENERATED BY DEFAULT AS IDENTITY",
            }),
            Dialect::Sqlite => notes.push(format!(
                "{table}.{}: SQLite has no identity columns; created as a plain column \
                 (only an INTEGER PRIMARY KEY numbers rows by itself; other values must be given)",
                c.name
            )),
        }
    } else if let Some(d) = &c.default {
        if let Some(d) = default_sql(table, c, d, dialect, notes)? {
            sql.push_str(&format!(" DEFAULT {}", d.sql));
        }
    }
    if !c.nullable {
        sql.push_str(" NOT NULL");
    }
    Ok(sql)
}

/// A default as the dialect can run it, and whether it is a constant (what
/// SQLite's ADD COLUMN requires).
pub(crate) struct DefaultSql {
    pub sql: String,
    pub constant: bool,
}

fn default_sql(
    table: &TableName,
    c: &Column,
    text: &str,
    dialect: Dialect,
    notes: &mut Vec<String>,
) -> Result<Option<DefaultSql>, DdlError> {
    let expr = expr_parse(table, c, text)?;
    match dialect {
        Dialect::Postgres => Ok(Some(DefaultSql {
            sql: expr.to_string(),
            constant: sqlite::is_constant(&expr),
        })),
        Dialect::Sqlite => Ok(sqlite::default_for_sqlite(table, &c.name, expr, notes)),
    }
}

/// A column's default parsed (see [`parse_expression`]), or why not.
fn expr_parse(table: &TableName, c: &Column, text: &str) -> Result<sqlparser::ast::Expr, DdlError> {
    parse_expression(text)
        .map_err(|e| DdlError::new(table, column_part(&c.name), format!("default {e}")))
}

/// `PRIMARY KEY ("a", "b")` / `UNIQUE (...)` with its name when it has one.
fn key_definition(kind: &str, key: &KeyConstraint) -> String {
    format!(
        "{}{kind} ({})",
        named(key.name.as_deref()),
        column_list(&key.columns)
    )
}

/// `PRIMARY KEY ("a", "b")` (or `UNIQUE (...)` when not `primary`), without
/// a name, for [`add_constraint_sql`] on a table that lost the key.
pub fn key_constraint_definition(primary: bool, columns: &[String]) -> String {
    let kind = if primary { "PRIMARY KEY" } else { "UNIQUE" };
    format!("{kind} ({})", column_list(columns))
}

fn named(name: Option<&str>) -> String {
    match name {
        Some(n) => format!("CONSTRAINT {} ", quote_ident(n)),
        None => String::new(),
    }
}

/// `FOREIGN KEY ("a") REFERENCES "s"."t" ("id") [ON DELETE ..] [ON UPDATE ..]
/// [DEFERRABLE [INITIALLY DEFERRED]]`, without its name (for
/// [`add_constraint_sql`] or, named, inside CREATE TABLE).
pub fn foreign_key_definition(fk: &ForeignKey, dialect: Dialect) -> String {
    let mut sql = format!(
        "FOREIGN KEY ({}) REFERENCES {}",
        column_list(&fk.columns),
        table_sql(&fk.referenced_table, dialect)
    );
    if !fk.referenced_columns.is_empty() {
        sql.push_str(&format!(" ({})", column_list(&fk.referenced_columns)));
    }
    if fk.on_delete != Default::default() {
        sql.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
    }
    if fk.on_update != Default::default() {
        sql.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    if fk.deferrable || fk.initially_deferred {
        sql.push_str(" DEFERRABLE");
        if fk.initially_deferred {
            sql.push_str(" INITIALLY DEFERRED");
        }
    }
    sql
}

/// `CHECK (expr)` with the expression re-rendered, without its name.
pub fn check_definition(table: &TableName, check: &CheckConstraint) -> Result<String, DdlError> {
    let e = safe_expression(&check.expression).map_err(|e| {
        DdlError::new(
            table,
            constraint_part(check.name.as_deref(), "CHECK"),
            format!("expression {e}"),
        )
    })?;
    Ok(format!("CHECK ({e})"))
}

/// CREATE TABLE for `table` in `dialect`: columns, primary key, unique and
/// CHECK constraints, and (when `inline_foreign_keys`; SQLite needs them
/// inline, PostgreSQL repairs add them after the data) foreign keys.
pub fn create_table(
    table: &Table,
    dialect: Dialect,
    inline_foreign_keys: bool,
) -> Result<CreateTable, DdlError> {
    let name = &table.name;
    if table.columns.is_empty() {
        return Err(DdlError::new(
            name,
            None,
            "the backup's schema lists no columns for it",
        ));
    }
    let mut notes = Vec::new();
    let mut lines = Vec::new();
    let rowid = sqlite::rowid_alias(table, dialect);
    // SQLite's AUTOINCREMENT (never reuse a rowid) exists only as the
    // column's own `INTEGER PRIMARY KEY AUTOINCREMENT`; the catalog records it
    // as an identity on the rowid alias.
    let autoincrement = rowid.filter(|col| table.column(col).is_some_and(|c| c.identity.is_some()));
    for c in &table.columns {
        if Some(c.name.as_str()) == rowid {
            // NOT NULL on SQLite's rowid alias would refuse the NULL that
            // asks it to number the row; it is never NULL anyway.
            let c = Column {
                nullable: true,
                identity: None,
                ..c.clone()
            };
            let mut line = column_definition(name, &c, dialect, &mut notes)?;
            if autoincrement.is_some() {
                line.push_str(" PRIMARY KEY AUTOINCREMENT");
            }
            lines.push(line);
        } else {
            lines.push(column_definition(name, c, dialect, &mut notes)?);
        }
    }
    if let (Some(pk), None) = (&table.primary_key, autoincrement) {
        lines.push(key_definition("PRIMARY KEY", pk));
    }
    for u in &table.unique {
        lines.push(key_definition("UNIQUE", u));
    }
    for check in &table.checks {
        let def = check_definition(name, check)?;
        if dialect == Dialect::Sqlite && sqlite::is_postgres_only(&def) {
            notes.push(format!(
                "{name}: CHECK {} uses PostgreSQL-only syntax (casts, ARRAY, ANY); not recreated in SQLite",
                check.name.as_deref().unwrap_or(&check.expression)
            ));
            continue;
        }
        lines.push(format!("{}{def}", named(check.name.as_deref())));
    }
    if inline_foreign_keys {
        for fk in &table.foreign_keys {
            lines.push(format!(
                "{}{}",
                named(fk.name.as_deref()),
                foreign_key_definition(fk, dialect)
            ));
        }
    }
    let sql = format!(
        "CREATE TABLE {} (\n    {}\n);",
        table_sql(name, dialect),
        lines.join(",\n    ")
    );
    Ok(CreateTable { sql, notes })
}

/// ADD COLUMN for a column the live table lost. PostgreSQL: with its type
/// and default, NOT NULL when a default fills existing rows; NOT NULL without
/// a default is added nullable and [`AddColumn::set_not_null`] holds the
/// statement to run after the values are restored. SQLite: see
/// [`add_column_to`] for its rules (this function applies those that depend
/// on the column alone).
pub fn add_column(
    table: &TableName,
    column: &Column,
    dialect: Dialect,
) -> Result<AddColumn, DdlError> {
    match dialect {
        Dialect::Postgres => pg_add_column(table, column),
        Dialect::Sqlite => sqlite::add_column(table, column, None),
    }
}

fn pg_add_column(table: &TableName, c: &Column) -> Result<AddColumn, DdlError> {
    let mut notes = Vec::new();
    let fills_rows = c.default.is_some() || c.identity.is_some() || c.generated.is_some();
    let mut as_created = c.clone();
    as_created.nullable = c.nullable || !fills_rows;
    let def = column_definition(table, &as_created, Dialect::Postgres, &mut notes)?;
    let set_not_null = (!c.nullable && !fills_rows).then(|| {
        format!(
            "ALTER TABLE {} ALTER COLUMN {} SET NOT NULL;",
            table.quoted(),
            quote_ident(&c.name)
        )
    });
    Ok(AddColumn {
        sql: format!("ALTER TABLE {} ADD COLUMN {def};", table.quoted()),
        set_not_null,
        notes,
    })
}

#[cfg(test)]
#[path = "ddl_tests.rs"]
mod tests;
