//! What SQLite's pragmas do not tell: a generated column's expression, a
//! foreign key's name and whether it is deferrable, the CHECK constraints. Read from the table's
//! `CREATE TABLE` text in sqlite_master. Best effort: SQL we cannot parse
//! yields no facts, never an error.

use crate::catalog::CheckConstraint;
use sqlparser::ast::{
    ColumnOption, ConstraintCharacteristics, DeferrableInitial, ForeignKeyConstraint, Ident,
    Statement, TableConstraint,
};
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;
use std::collections::HashMap;

/// Names are lower-cased: SQLite compares identifiers case-insensitively.
#[derive(Debug, Default)]
pub struct DdlFacts {
    pub generated: HashMap<String, String>,
    pub foreign_keys: Vec<FkFacts>,
    /// Column-level and table-level CHECKs in declaration order, expressions
    /// re-rendered from the AST; names keep their case.
    pub checks: Vec<CheckConstraint>,
    /// The `INTEGER PRIMARY KEY AUTOINCREMENT` column, lower-cased.
    pub autoincrement: Option<String>,
}

#[derive(Debug)]
pub struct FkFacts {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub table: String,
    pub deferrable: bool,
    pub initially_deferred: bool,
}

impl DdlFacts {
    pub fn read(create_sql: &str) -> DdlFacts {
        let Ok(statements) = Parser::parse_sql(&SQLiteDialect {}, create_sql) else {
            return DdlFacts::default();
        };
        let Some(Statement::CreateTable(create)) = statements.into_iter().next() else {
            return DdlFacts::default();
        };
        let mut facts = DdlFacts::default();
        for column in &create.columns {
            let column_name = lower(&column.name);
            for option in &column.options {
                match &option.option {
                    ColumnOption::Generated {
                        generation_expr: Some(expr),
                        ..
                    } => {
                        facts
                            .generated
                            .insert(column_name.clone(), expr.to_string());
                    }
                    ColumnOption::DialectSpecific(tokens)
                        if crate::backup::is_autoincrement(tokens) =>
                    {
                        facts.autoincrement = Some(column_name.clone());
                    }
                    ColumnOption::Check(c) => facts.checks.push(CheckConstraint {
                        name: option
                            .name
                            .as_ref()
                            .or(c.name.as_ref())
                            .map(|n| n.value.clone()),
                        expression: c.expr.to_string(),
                    }),
                    ColumnOption::ForeignKey(fk) => {
                        let name = option.name.as_ref().or(fk.name.as_ref());
                        facts
                            .foreign_keys
                            .push(fk_facts(fk, name, vec![column_name.clone()]));
                    }
                    _ => {}
                }
            }
        }
        for constraint in &create.constraints {
            match constraint {
                TableConstraint::ForeignKey(fk) => {
                    let columns = fk.columns.iter().map(lower).collect();
                    facts
                        .foreign_keys
                        .push(fk_facts(fk, fk.name.as_ref(), columns));
                }
                TableConstraint::Check(c) => facts.checks.push(CheckConstraint {
                    name: c.name.as_ref().map(|n| n.value.clone()),
                    expression: c.expr.to_string(),
                }),
                _ => {}
            }
        }
        facts
    }

    /// The parsed foreign key with these local columns to this table.
    pub fn foreign_key(&self, columns: &[String], table: &str) -> Option<&FkFacts> {
        let table = table.to_lowercase();
        self.foreign_keys.iter().find(|fk| {
            fk.table == table
                && fk.columns.len() == columns.len()
                && fk
                    .columns
                    .iter()
                    .zip(columns)
                    .all(|(a, b)| *a == b.to_lowercase())
        })
    }
}

fn fk_facts(fk: &ForeignKeyConstraint, name: Option<&Ident>, columns: Vec<String>) -> FkFacts {
    let (deferrable, initially_deferred) = characteristics(fk.characteristics.as_ref());
    FkFacts {
        name: name.map(|n| n.value.clone()),
        columns,
        table: fk
            .foreign_table
            .0
            .last()
            .and_then(|part| part.as_ident())
            .map(lower)
            .unwrap_or_default(),
        deferrable,
        initially_deferred,
    }
}

/// SQLite: only `DEFERRABLE INITIALLY DEFERRED` defers; plain `DEFERRABLE` is immediate.
fn characteristics(c: Option<&ConstraintCharacteristics>) -> (bool, bool) {
    let Some(c) = c else {
        return (false, false);
    };
    let deferrable = c.deferrable == Some(true);
    let deferred = deferrable && c.initially == Some(DeferrableInitial::Deferred);
    (deferrable, deferred)
}

fn lower(ident: &Ident) -> String {
    ident.value.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_generated_and_fk_characteristics() {
        let facts = DdlFacts::read(
            "CREATE TABLE \"Line-Items\" (a INTEGER, b INTEGER, \
             total INTEGER GENERATED ALWAYS AS (a * b) STORED, \
             v TEXT AS (upper(c)) VIRTUAL, c TEXT, \
             owner INTEGER CONSTRAINT fk_owner REFERENCES users(id) DEFERRABLE INITIALLY DEFERRED, \
             CONSTRAINT fk_pair FOREIGN KEY (a, b) REFERENCES \"Pairs\"(x, y))",
        );
        assert_eq!(facts.generated["total"], "a * b");
        assert_eq!(facts.generated["v"], "upper(c)");
        let owner = facts.foreign_key(&["owner".into()], "USERS").unwrap();
        assert_eq!(owner.name.as_deref(), Some("fk_owner"));
        assert!(owner.deferrable && owner.initially_deferred);
        let pair = facts
            .foreign_key(&["A".into(), "b".into()], "pairs")
            .unwrap();
        assert_eq!(pair.name.as_deref(), Some("fk_pair"));
        assert!(!pair.deferrable);
    }

    #[test]
    fn reads_column_and_table_checks_named_or_not() {
        let facts = DdlFacts::read(
            "CREATE TABLE t (price REAL CHECK (price >= 0), \
             qty INTEGER CONSTRAINT qty_positive CHECK(qty > 0), \
             a INT, b INT, CHECK (a < b), CONSTRAINT \"Pair\" CHECK (a IN (1, 2)))",
        );
        let got: Vec<(Option<&str>, &str)> = facts
            .checks
            .iter()
            .map(|c| (c.name.as_deref(), c.expression.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (None, "price >= 0"),
                (Some("qty_positive"), "qty > 0"),
                (None, "a < b"),
                (Some("Pair"), "a IN (1, 2)"),
            ]
        );
    }

    #[test]
    fn unparsable_sql_gives_no_facts() {
        let facts = DdlFacts::read("CREATE VIRTUAL TABLE t USING fts5(body, !!!)");
        assert!(facts.generated.is_empty() && facts.foreign_keys.is_empty());
    }
}
