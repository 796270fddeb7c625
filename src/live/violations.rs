//! How many existing live rows would violate a constraint the backup declares
//! and live lacks, counted before a repair recreates it (incident 4). Read
//! only, one statement each, in the same read-only transaction with the
//! statement timeout as the orphan scans; identifiers always quoted; a CHECK
//! expression is re-parsed as one expression and re-rendered, never pasted.
//!
//! The spec is a [`MissingConstraint`] from `diff::schema` plus the live
//! [`Catalog`] (to know the live table's key for samples and the column
//! types an FK compares across, `varchar(36)` against `uuid`).

use super::health::{orphan_from, parse_number, OrphanQuery, ORPHAN_SAMPLES};
use super::{join_columns, LiveDb};
use crate::catalog::{check_expr, quote_ident, Catalog, Dialect, Table, TableName};
use crate::diff::schema::{ConstraintKind, MissingConstraint};
use crate::error::{Error, Result};

/// Rows violating one constraint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Violations {
    pub count: u64,
    /// Up to [`ORPHAN_SAMPLES`] keys of violating rows, as text, smallest
    /// first: the constraint's own columns for keys and FKs, the live table's
    /// primary key (else all its columns) for a CHECK.
    pub samples: Vec<Vec<String>>,
}

/// What to count, decided from the constraint and the live catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ViolationQuery {
    /// FK: rows whose FK columns are all set and name no parent row.
    Orphans(OrphanQuery),
    /// PRIMARY KEY / UNIQUE: rows in groups of equal non-NULL keys; for a
    /// primary key also rows with a NULL in a key column.
    Duplicates {
        table: TableName,
        columns: Vec<String>,
        primary_key: bool,
    },
    /// CHECK: rows where `NOT (expression)` is true (NULL passes, as in SQL).
    Check {
        table: TableName,
        /// Re-rendered from the AST for this dialect.
        expression: String,
        sample: Vec<String>,
    },
}

fn live_table<'a>(live: &'a Catalog, name: &TableName) -> std::result::Result<&'a Table, String> {
    live.table(name)
        .or_else(|| live.resolve(name))
        .ok_or_else(|| format!("table {name} is missing live"))
}

/// Pure: how to count `c`'s violations on live `table`, or why it cannot be
/// counted (a column or table missing live, a CHECK that is not exactly one
/// safe expression).
pub fn violation_query(
    live: &Catalog,
    table: &TableName,
    c: &MissingConstraint,
) -> std::result::Result<ViolationQuery, String> {
    let t = live_table(live, table)?;
    let need_columns = |cols: &[String]| {
        cols.iter()
            .find(|col| t.column(col).is_none())
            .map_or(Ok(()), |col| {
                Err(format!("column {}.{col} is missing live", t.name))
            })
    };
    match c.kind {
        ConstraintKind::ForeignKey => {
            let target = c
                .referenced_table
                .as_ref()
                .ok_or("the foreign key names no referenced table")?;
            let parent = live_table(live, target)?;
            let columns = join_columns(t, parent, &c.columns, &c.referenced_columns)?;
            Ok(ViolationQuery::Orphans(OrphanQuery {
                child: t.name.clone(),
                parent: parent.name.clone(),
                columns,
                // Violation samples are the dangling references alone.
                child_key: Vec::new(),
            }))
        }
        ConstraintKind::PrimaryKey | ConstraintKind::Unique => {
            if c.columns.is_empty() {
                return Err("the key names no columns".into());
            }
            need_columns(&c.columns)?;
            Ok(ViolationQuery::Duplicates {
                table: t.name.clone(),
                columns: c.columns.clone(),
                primary_key: c.kind == ConstraintKind::PrimaryKey,
            })
        }
        ConstraintKind::Check => {
            let text = c
                .expression
                .as_deref()
                .ok_or("the CHECK has no expression")?;
            let expression = check_expr::render_for_query(text, live.dialect == Dialect::Sqlite)?;
            let sample = match (&t.primary_key, t.unique.first()) {
                (Some(k), _) | (None, Some(k)) => k.columns.clone(),
                (None, None) => t.columns.iter().map(|c| c.name.clone()).collect(),
            };
            Ok(ViolationQuery::Check {
                table: t.name.clone(),
                expression,
                sample,
            })
        }
    }
}

/// Pure: the one statement for `q`: the total (a window count, taken before
/// LIMIT) and up to [`ORPHAN_SAMPLES`] keys as text.
pub fn violation_sql(q: &ViolationQuery, dialect: Dialect) -> String {
    let text = |cols: &[String], alias: &str| -> Vec<String> {
        cols.iter()
            .map(|c| format!("CAST({alias}{} AS TEXT)", quote_ident(c)))
            .collect()
    };
    let quoted = |cols: &[String]| -> Vec<String> { cols.iter().map(|c| quote_ident(c)).collect() };
    match q {
        ViolationQuery::Orphans(o) => super::orphan_sql(o, dialect),
        ViolationQuery::Duplicates {
            table,
            columns,
            primary_key,
        } => {
            let cols = quoted(columns);
            let t_cols: Vec<String> = cols.iter().map(|c| format!("t.{c}")).collect();
            let set: Vec<String> = cols.iter().map(|c| format!("{c} IS NOT NULL")).collect();
            let tuple = |v: &[String]| {
                if v.len() == 1 {
                    v[0].clone()
                } else {
                    format!("({})", v.join(", "))
                }
            };
            let mut filter = format!(
                "{} IN (SELECT {} FROM {} WHERE {} GROUP BY {} HAVING count(*) > 1)",
                tuple(&t_cols),
                cols.join(", "),
                table.quoted(),
                set.join(" AND "),
                cols.join(", "),
            );
            if *primary_key {
                let nulls: Vec<String> = t_cols.iter().map(|c| format!("{c} IS NULL")).collect();
                filter = format!("{} OR {filter}", nulls.join(" OR "));
            }
            format!(
                "SELECT CAST(count(*) OVER () AS TEXT), {} FROM {} AS t WHERE {filter} ORDER BY {} LIMIT {ORPHAN_SAMPLES}",
                text(columns, "t.").join(", "),
                table.quoted(),
                t_cols.join(", "),
            )
        }
        ViolationQuery::Check {
            table,
            expression,
            sample,
        } => format!(
            // No alias: the expression names the table's columns bare.
            "SELECT CAST(count(*) OVER () AS TEXT), {} FROM {} WHERE NOT ({expression}) ORDER BY {} LIMIT {ORPHAN_SAMPLES}",
            text(sample, "").join(", "),
            table.quoted(),
            quoted(sample).join(", "),
        ),
    }
}

impl LiveDb {
    /// Count the live rows of `table` that would violate `c` if it were
    /// recreated now. Err names the constraint and why it cannot be counted.
    pub async fn violations(
        &self,
        live: &Catalog,
        table: &TableName,
        c: &MissingConstraint,
    ) -> Result<Violations> {
        let what = describe(table, c);
        let q = violation_query(live, table, c)
            .map_err(|why| Error::Other(format!("{what}: cannot count violations: {why}")))?;
        let sql = violation_sql(&q, self.dialect());
        let rows = self
            .text_rows(sql, &format!("counting rows violating {what}"))
            .await?;
        let mut out = Violations::default();
        for row in rows {
            if out.count == 0 {
                out.count = parse_number(row.first().cloned().flatten(), &what)?;
            }
            out.samples.push(
                row.into_iter()
                    .skip(1)
                    .map(Option::unwrap_or_default)
                    .collect(),
            );
        }
        Ok(out)
    }

    /// The distinct parent keys `q`'s orphans point at (as text; lower-cased
    /// where the orphan query folds case), smallest first, at most `limit`,
    /// each with the number of orphan rows naming it: which parent rows a
    /// restore would have to bring back, and how many rows that fixes.
    pub async fn missing_parent_keys(
        &self,
        q: &OrphanQuery,
        limit: usize,
    ) -> Result<Vec<MissingParent>> {
        let (_, folded, from) = orphan_from(q, self.dialect());
        let select: Vec<String> = folded
            .iter()
            .map(|c| format!("CAST({c} AS TEXT)"))
            .collect();
        let order: Vec<String> = (2..=select.len() + 1).map(|i| i.to_string()).collect();
        let sql = format!(
            "SELECT CAST(count(*) AS TEXT), {keys} {from} GROUP BY {keys} ORDER BY {} LIMIT {limit}",
            order.join(", "),
            keys = select.join(", "),
        );
        let context = format!(
            "reading the parent keys orphans of {} → {} miss",
            q.child, q.parent
        );
        let rows = self.text_rows(sql, &context).await?;
        rows.into_iter()
            .map(|r| {
                let mut cells = r.into_iter();
                let rows = parse_number(cells.next().flatten(), &context)?;
                Ok(MissingParent {
                    key: cells.map(Option::unwrap_or_default).collect(),
                    rows,
                })
            })
            .collect()
    }
}

/// A parent key orphans name, and how many orphan rows name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingParent {
    pub key: Vec<String>,
    pub rows: u64,
}

/// `CHECK constraint price_ok on public.items`, for messages.
fn describe(table: &TableName, c: &MissingConstraint) -> String {
    let kind = match c.kind {
        ConstraintKind::PrimaryKey => "primary key",
        ConstraintKind::Unique => "unique constraint",
        ConstraintKind::ForeignKey => "foreign key",
        ConstraintKind::Check => "CHECK constraint",
    };
    match &c.name {
        Some(n) => format!("{kind} {n} on {table}"),
        None => format!("{kind} {} on {table}", c.definition),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Column, KeyConstraint};

    fn col(name: &str, ty: &str) -> Column {
        Column {
            name: name.into(),
            data_type: ty.into(),
            nullable: true,
            default: None,
            identity: None,
            generated: None,
        }
    }

    fn catalog() -> Catalog {
        let mut c = Catalog::new(Dialect::Postgres);
        c.tables.push(Table {
            name: TableName::new(Some("public"), "line-items"),
            columns: vec![
                col("id", "integer"),
                col("orgId", "character varying(36)"),
                col("qty", "integer"),
            ],
            primary_key: Some(KeyConstraint {
                name: None,
                columns: vec!["id".into()],
            }),
            unique: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
        });
        c.tables.push(Table {
            name: TableName::new(Some("public"), "orgs"),
            columns: vec![col("id", "uuid")],
            primary_key: None,
            unique: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
        });
        c
    }

    fn missing(
        kind: ConstraintKind,
        columns: &[&str],
        expression: Option<&str>,
    ) -> MissingConstraint {
        MissingConstraint {
            kind,
            name: Some("c".into()),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            references: None,
            definition: String::new(),
            referenced_table: Some(TableName::new(None, "orgs")),
            referenced_columns: vec!["id".into()],
            expression: expression.map(str::to_owned),
            problem: None,
            missing_columns: Vec::new(),
        }
    }

    fn sql(c: &MissingConstraint) -> std::result::Result<String, String> {
        let t = TableName::new(None, "line-items");
        violation_query(&catalog(), &t, c).map(|q| violation_sql(&q, Dialect::Postgres))
    }

    #[test]
    fn duplicates_of_a_key_and_nulls_of_a_primary_key() {
        assert_eq!(
            sql(&missing(ConstraintKind::PrimaryKey, &["id", "orgId"], None)).unwrap(),
            "SELECT CAST(count(*) OVER () AS TEXT), CAST(t.\"id\" AS TEXT), CAST(t.\"orgId\" AS TEXT) \
             FROM \"public\".\"line-items\" AS t WHERE t.\"id\" IS NULL OR t.\"orgId\" IS NULL OR \
             (t.\"id\", t.\"orgId\") IN (SELECT \"id\", \"orgId\" FROM \"public\".\"line-items\" \
             WHERE \"id\" IS NOT NULL AND \"orgId\" IS NOT NULL GROUP BY \"id\", \"orgId\" HAVING count(*) > 1) \
             ORDER BY t.\"id\", t.\"orgId\" LIMIT 5"
        );
        let unique = sql(&missing(ConstraintKind::Unique, &["qty"], None)).unwrap();
        assert!(
            unique.contains("WHERE t.\"qty\" IN (SELECT \"qty\""),
            "{unique}"
        );
        assert!(!unique.contains("IS NULL OR"), "{unique}");
    }

    #[test]
    fn check_is_re_rendered_and_sampled_by_primary_key() {
        let q = sql(&missing(
            ConstraintKind::Check,
            &[],
            Some("(qty >= (0)::numeric)"),
        ))
        .unwrap();
        assert!(q.ends_with(
            "FROM \"public\".\"line-items\" WHERE NOT ((qty >= (0)::NUMERIC)) ORDER BY \"id\" LIMIT 5"
        ), "{q}");
        let err = sql(&missing(
            ConstraintKind::Check,
            &[],
            Some("qty > 0) OR (1 = 1"),
        ))
        .unwrap_err();
        assert!(
            err.contains("more than one expression") || err.contains("Expected"),
            "{err}"
        );
        assert!(sql(&missing(
            ConstraintKind::Check,
            &[],
            Some("qty IN (SELECT 1)")
        ))
        .is_err());
    }

    #[test]
    fn foreign_key_joins_across_uuid_and_varchar_as_folded_text() {
        let q = sql(&missing(ConstraintKind::ForeignKey, &["orgId"], None)).unwrap();
        assert!(
            q.contains("ON lower(CAST(p.\"id\" AS TEXT)) = lower(CAST(c.\"orgId\" AS TEXT))"),
            "{q}"
        );
        let err = sql(&missing(ConstraintKind::ForeignKey, &["nope"], None)).unwrap_err();
        assert_eq!(err, "column public.line-items.nope is missing live");
    }
}
