//! Statements on existing tables: constraints added and validated,
//! PostgreSQL's names for unnamed constraints, and the undo's plain DROPs
//! (no CASCADE, no IF EXISTS: an undo that finds something else in the way
//! must fail loudly, not drop it).

use super::{table_sql, DdlError};
use crate::catalog::{quote_ident, Dialect, TableName};

/// `ALTER TABLE t ADD CONSTRAINT "name" definition [NOT VALID];` (PostgreSQL;
/// NOT VALID applies to foreign keys and CHECKs).
pub fn add_constraint_sql(
    table: &TableName,
    name: &str,
    definition: &str,
    not_valid: bool,
) -> String {
    format!(
        "ALTER TABLE {} ADD CONSTRAINT {} {definition}{};",
        table.quoted(),
        quote_ident(name),
        if not_valid { " NOT VALID" } else { "" }
    )
}

/// [`add_constraint_sql`] where the dialect can: SQLite has no ALTER TABLE
/// ADD CONSTRAINT, so there it is a [`DdlError`] saying so.
pub fn add_constraint(
    table: &TableName,
    name: &str,
    definition: &str,
    not_valid: bool,
    dialect: Dialect,
) -> Result<String, DdlError> {
    match dialect {
        Dialect::Postgres => Ok(add_constraint_sql(table, name, definition, not_valid)),
        Dialect::Sqlite => Err(DdlError::new(
            table,
            Some(format!("constraint {}", quote_ident(name))),
            "SQLite cannot add a constraint to an existing table (it has no ALTER TABLE ADD \
             CONSTRAINT); the table would have to be rebuilt by hand",
        )),
    }
}

/// `ALTER TABLE t VALIDATE CONSTRAINT "name";`
pub fn validate_constraint(table: &TableName, name: &str) -> String {
    format!(
        "ALTER TABLE {} VALIDATE CONSTRAINT {};",
        table.quoted(),
        quote_ident(name)
    )
}

/// The name PostgreSQL gives an unnamed constraint: `table_col1_col2_suffix`
/// (`table_suffix` without columns), shortened like PostgreSQL's
/// `makeObjectName` to fit 63 bytes: the longer of the table part and the
/// column part loses characters first, cut on a character boundary.
pub fn default_constraint_name(table: &TableName, columns: &[String], suffix: &str) -> String {
    const MAX: usize = 63;
    let name1 = table.name.as_str();
    let name2 = columns.join("_");
    let overhead = suffix.len() + 1 + usize::from(!name2.is_empty());
    let avail = MAX.saturating_sub(overhead);
    let (mut n1, mut n2) = (name1.len(), name2.len());
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let p1 = clip(name1, n1);
    let p2 = clip(&name2, n2);
    if p2.is_empty() && name2.is_empty() {
        format!("{p1}_{suffix}")
    } else {
        format!("{p1}_{p2}_{suffix}")
    }
}

/// The longest prefix of `s` of at most `bytes` bytes ending on a char boundary.
fn clip(s: &str, bytes: usize) -> &str {
    let mut end = bytes.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `DROP TABLE t;`
pub fn drop_table(table: &TableName, dialect: Dialect) -> String {
    format!("DROP TABLE {};", table_sql(table, dialect))
}

/// `ALTER TABLE t DROP COLUMN c;` (SQLite 3.35+).
pub fn drop_column(table: &TableName, column: &str, dialect: Dialect) -> String {
    format!(
        "ALTER TABLE {} DROP COLUMN {};",
        table_sql(table, dialect),
        quote_ident(column)
    )
}

/// `ALTER TABLE t DROP CONSTRAINT "name";` (PostgreSQL).
pub fn drop_constraint(table: &TableName, name: &str) -> String {
    format!(
        "ALTER TABLE {} DROP CONSTRAINT {};",
        table.quoted(),
        quote_ident(name)
    )
}
