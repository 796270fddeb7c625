//! One UPDATE for many rows by key: the values travel in a `VALUES` list
//! joined on the key, so writing lost columns back into 100,000 rows is a
//! few hundred statements, not 100,000 round trips.

use crate::catalog::{quote_ident, Dialect, TableName};

/// Rows of one table that set the same columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateBatch<'a> {
    pub table: &'a TableName,
    /// `(column, live type)` of the key columns, then of the columns set.
    pub key: Vec<(&'a str, &'a str)>,
    pub set: Vec<(&'a str, &'a str)>,
    /// Per row: the key's literals, then the set columns' literals.
    pub rows: Vec<Vec<String>>,
}

const LIVE: &str = "lifeboat_live";
const VALUES: &str = "lifeboat_values";

/// `UPDATE t AS lifeboat_live SET c = v.c ... FROM (VALUES ...) AS
/// lifeboat_values WHERE key matches`, or `None` without a key, columns or
/// rows (never an UPDATE that could touch rows it was not given), or when a
/// row's width is wrong. PostgreSQL types each VALUES column from its
/// literals, so every reference is cast to the live column's type; SQLite
/// names the columns `column1, column2, ...` and applies affinity itself.
pub fn render_batch_update(batch: &UpdateBatch<'_>, dialect: Dialect) -> Option<String> {
    let width = batch.key.len() + batch.set.len();
    if batch.key.is_empty()
        || batch.set.is_empty()
        || batch.rows.is_empty()
        || batch.rows.iter().any(|r| r.len() != width)
    {
        return None;
    }
    let names: Vec<(&str, &str)> = batch.key.iter().chain(&batch.set).copied().collect();
    let value = |i: usize| match dialect {
        Dialect::Postgres => format!(
            "CAST({VALUES}.{} AS {})",
            quote_ident(names[i].0),
            names[i].1
        ),
        Dialect::Sqlite => format!("{VALUES}.column{}", i + 1),
    };
    let mut sql = format!("UPDATE {} AS {LIVE} SET ", batch.table.quoted());
    let set: Vec<String> = (batch.key.len()..width)
        .map(|i| format!("{} = {}", quote_ident(names[i].0), value(i)))
        .collect();
    sql.push_str(&set.join(", "));
    sql.push_str(" FROM (VALUES ");
    for (n, row) in batch.rows.iter().enumerate() {
        if n > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        sql.push_str(&row.join(", "));
        sql.push(')');
    }
    sql.push_str(") AS ");
    sql.push_str(VALUES);
    if dialect == Dialect::Postgres {
        let cols: Vec<String> = names.iter().map(|(c, _)| quote_ident(c)).collect();
        sql.push_str(&format!("({})", cols.join(", ")));
    }
    sql.push_str(" WHERE ");
    let matches: Vec<String> = (0..batch.key.len())
        .map(|i| format!("{LIVE}.{} = {}", quote_ident(names[i].0), value(i)))
        .collect();
    sql.push_str(&matches.join(" AND "));
    sql.push(';');
    Some(sql)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(table: &TableName) -> UpdateBatch<'_> {
        UpdateBatch {
            table,
            key: vec![("id", "uuid")],
            set: vec![("notes", "text"), ("Launch date", "date")],
            rows: vec![
                vec!["'a0'".into(), "'it''s'".into(), "NULL".into()],
                vec!["'b1'".into(), "NULL".into(), "'2024-01-02'".into()],
            ],
        }
    }

    #[test]
    fn postgres_casts_every_value_to_its_live_type() {
        let table = TableName::new(Some("public"), "vector-sync-status");
        assert_eq!(
            render_batch_update(&batch(&table), Dialect::Postgres).as_deref(),
            Some(
                "UPDATE \"public\".\"vector-sync-status\" AS lifeboat_live SET \"notes\" = CAST(lifeboat_values.\"notes\" AS text), \"Launch date\" = CAST(lifeboat_values.\"Launch date\" AS date) \
                 FROM (VALUES ('a0', 'it''s', NULL), ('b1', NULL, '2024-01-02')) AS lifeboat_values(\"id\", \"notes\", \"Launch date\") \
                 WHERE lifeboat_live.\"id\" = CAST(lifeboat_values.\"id\" AS uuid);"
            )
        );
    }

    #[test]
    fn sqlite_refers_to_values_by_position() {
        let table = TableName::new(None, "projects");
        assert_eq!(
            render_batch_update(&batch(&table), Dialect::Sqlite).as_deref(),
            Some(
                "UPDATE \"projects\" AS lifeboat_live SET \"notes\" = lifeboat_values.column2, \"Launch date\" = lifeboat_values.column3 \
                 FROM (VALUES ('a0', 'it''s', NULL), ('b1', NULL, '2024-01-02')) AS lifeboat_values \
                 WHERE lifeboat_live.\"id\" = lifeboat_values.column1;"
            )
        );
    }

    #[test]
    fn nothing_is_rendered_without_a_key_or_with_a_row_of_the_wrong_width() {
        let table = TableName::new(None, "projects");
        let mut keyless = batch(&table);
        keyless.key.clear();
        assert_eq!(render_batch_update(&keyless, Dialect::Sqlite), None);
        let mut short = batch(&table);
        short.rows[1].pop();
        assert_eq!(render_batch_update(&short, Dialect::Postgres), None);
    }
}
