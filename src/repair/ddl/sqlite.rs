//! What SQLite can run of a (usually PostgreSQL-flavoured) backup schema,
//! and its ALTER TABLE ADD COLUMN rules.
//!
//! Defaults: `'x'::character varying` loses the cast, `now()` becomes
//! `CURRENT_TIMESTAMP`, `nextval(...)` and anything else using PostgreSQL
//! syntax is left out — each with a note. ADD COLUMN (SQLite's documented
//! restrictions): no PRIMARY KEY or UNIQUE column, no STORED generated
//! column, NOT NULL only with a constant non-NULL default, REFERENCES only
//! with a NULL default: each is a [`DdlError`] naming the rule. A
//! non-constant default (CURRENT_TIMESTAMP, an expression in parentheses) is
//! the one thing handled instead of refused: the column is added without
//! it, with a note, since the restore puts the backup's values in anyway.

use super::{column_part, foreign_key_definition, AddColumn, DdlError, DefaultSql};
use crate::catalog::{quote_ident, Column, Dialect, ForeignKey, Table, TableName};
use sqlparser::ast::{CastKind, Expr, FunctionArguments, UnaryOperator, Value};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer};

/// A literal or signed number: what SQLite's ADD COLUMN accepts as a default.
pub(crate) fn is_constant(expr: &Expr) -> bool {
    match expr {
        Expr::Value(v) => !matches!(v.value, Value::Placeholder(_)),
        Expr::UnaryOp {
            op: UnaryOperator::Minus | UnaryOperator::Plus,
            expr,
        } => matches!(&**expr, Expr::Value(v) if matches!(v.value, Value::Number(..))),
        _ => false,
    }
}

fn is_null(expr: &Expr) -> bool {
    matches!(expr, Expr::Value(v) if v.value == Value::Null)
}

fn function_name(expr: &Expr) -> Option<(String, bool)> {
    match expr {
        Expr::Function(f) => Some((
            f.name.to_string().to_ascii_lowercase(),
            matches!(f.args, FunctionArguments::None),
        )),
        _ => None,
    }
}

/// The column that is SQLite's rowid alias: the single-column primary key
/// declared exactly `INTEGER`.
pub(super) fn rowid_alias(table: &Table, dialect: Dialect) -> Option<&str> {
    let pk = table.primary_key.as_ref()?;
    let [col] = pk.columns.as_slice() else {
        return None;
    };
    let c = table.column(col)?;
    (dialect == Dialect::Sqlite && c.data_type.trim().eq_ignore_ascii_case("integer"))
        .then_some(col)
}

/// Whether rendered SQL uses syntax SQLite does not have.
pub(crate) fn is_postgres_only(sql: &str) -> bool {
    let Ok(tokens) = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize() else {
        return true;
    };
    tokens.iter().any(|t| match t {
        Token::DoubleColon | Token::EscapedStringLiteral(_) | Token::DollarQuotedString(_) => true,
        Token::Word(w) => {
            w.quote_style.is_none()
                && matches!(w.keyword, Keyword::ARRAY | Keyword::ANY | Keyword::ILIKE)
        }
        _ => false,
    })
}

/// String literals in SQLite's only spelling (`E'..'` and `$$..$$` are PostgreSQL's).
fn plain_strings(expr: Expr) -> Expr {
    match expr {
        Expr::Value(mut v) => {
            if let Value::EscapedStringLiteral(s) = &v.value {
                v.value = Value::SingleQuotedString(s.clone());
            } else if let Value::DollarQuotedString(d) = &v.value {
                v.value = Value::SingleQuotedString(d.value.clone());
            }
            Expr::Value(v)
        }
        other => other,
    }
}

/// The default SQLite can run for a PostgreSQL-flavoured one, or None (with
/// a note) when it cannot express it.
pub(super) fn default_for_sqlite(
    table: &TableName,
    column: &str,
    mut expr: Expr,
    notes: &mut Vec<String>,
) -> Option<DefaultSql> {
    let shown = expr.to_string();
    while let Expr::Cast {
        kind: CastKind::DoubleColon,
        expr: inner,
        ..
    } = &expr
    {
        if !is_constant(inner) {
            break;
        }
        let inner = (**inner).clone();
        notes.push(format!(
            "{table}.{column}: default {shown} loses its PostgreSQL cast in SQLite"
        ));
        expr = inner;
    }
    expr = plain_strings(expr);
    match function_name(&expr) {
        Some((name, _)) if name == "nextval" || name == "pg_catalog.nextval" => {
            notes.push(format!(
                "{table}.{column}: default {shown} draws from a PostgreSQL sequence; left out in SQLite \
                 (an INTEGER PRIMARY KEY numbers rows by itself)"
            ));
            return None;
        }
        Some((name, false)) if name == "now" || name == "pg_catalog.now" => {
            notes.push(format!(
                "{table}.{column}: default now() becomes CURRENT_TIMESTAMP in SQLite"
            ));
            return Some(DefaultSql {
                sql: "CURRENT_TIMESTAMP".to_owned(),
                constant: false,
            });
        }
        _ => {}
    }
    let sql = expr.to_string();
    if is_postgres_only(&sql) {
        notes.push(format!(
            "{table}.{column}: default {shown} uses PostgreSQL-only syntax; left out in SQLite"
        ));
        return None;
    }
    if is_constant(&expr) {
        return Some(DefaultSql {
            sql,
            constant: true,
        });
    }
    let bare_keyword = matches!(function_name(&expr), Some((n, true)) if n.starts_with("current_"));
    Some(DefaultSql {
        sql: if bare_keyword {
            sql
        } else {
            format!("({sql})")
        },
        constant: false,
    })
}

/// SQLite's ADD COLUMN for `c`, with `fk` (a single-column foreign key on
/// it) inline as REFERENCES.
pub(super) fn add_column(
    table: &TableName,
    c: &Column,
    fk: Option<&ForeignKey>,
) -> Result<AddColumn, DdlError> {
    let refuse = |rule: &str| {
        Err(DdlError::new(
            table,
            column_part(&c.name),
            format!("SQLite's ALTER TABLE ADD COLUMN {rule}; the table would have to be rebuilt by hand"),
        ))
    };
    if c.generated.is_some() {
        return refuse("cannot add a STORED generated column");
    }
    let mut notes = Vec::new();
    let mut t = super::column_type(table, c, Dialect::Sqlite, &mut notes)?;
    if c.identity.is_some() {
        notes.push(format!(
            "{table}.{}: SQLite has no identity columns; added as a plain column",
            c.name
        ));
    }
    let mut default = None;
    let mut default_is_null = true;
    if let Some(text) = &c.default {
        let expr = super::expr_parse(table, c, text)?;
        let null = is_null(&expr);
        if let Some(d) = default_for_sqlite(table, &c.name, expr, &mut notes) {
            if d.constant {
                default_is_null = null;
                default = Some(d.sql);
            } else {
                notes.push(format!(
                    "{table}.{}: SQLite's ADD COLUMN takes only a constant default; {} left out \
                     (the restored values fill the column)",
                    c.name, d.sql
                ));
            }
        }
    }
    if !c.nullable && (default.is_none() || default_is_null) {
        return refuse("cannot add a NOT NULL column without a constant non-NULL default");
    }
    if let Some(d) = &default {
        t.push_str(&format!(" DEFAULT {d}"));
    }
    if !c.nullable {
        t.push_str(" NOT NULL");
    }
    if let Some(fk) = fk {
        if !default_is_null {
            return refuse("cannot add a REFERENCES column with a non-NULL default");
        }
        let def = foreign_key_definition(fk, Dialect::Sqlite);
        // `FOREIGN KEY ("c") REFERENCES ...` → the column form `REFERENCES ...`.
        let references = def
            .split_once(" REFERENCES ")
            .map_or(def.as_str(), |(_, r)| r);
        t.push_str(&format!(" REFERENCES {references}"));
    }
    Ok(AddColumn {
        sql: format!(
            "ALTER TABLE {} ADD COLUMN {} {t};",
            quote_ident(&table.name),
            quote_ident(&c.name)
        ),
        set_not_null: None,
        notes,
    })
}

/// ADD COLUMN for `table`'s column `column`, knowing the table's keys:
/// PostgreSQL as [`super::add_column`] (keys are added as constraints);
/// SQLite refuses a column in the primary key, a UNIQUE constraint or a
/// composite foreign key, and puts a single-column foreign key inline.
pub fn add_column_to(table: &Table, column: &str, dialect: Dialect) -> Result<AddColumn, DdlError> {
    let name = &table.name;
    let Some(c) = table.column(column) else {
        return Err(DdlError::new(
            name,
            column_part(column),
            "the backup's schema has no such column",
        ));
    };
    if dialect == Dialect::Postgres {
        return super::add_column(name, c, dialect);
    }
    let refuse = |rule: &str| {
        Err(DdlError::new(
            name,
            column_part(column),
            format!("SQLite's ALTER TABLE ADD COLUMN {rule}; the table would have to be rebuilt by hand"),
        ))
    };
    let has = |cols: &[String]| cols.iter().any(|x| x == column);
    if table.primary_key.as_ref().is_some_and(|k| has(&k.columns)) {
        return refuse("cannot add a PRIMARY KEY column");
    }
    if table.unique.iter().any(|k| has(&k.columns)) {
        return refuse("cannot add a UNIQUE column");
    }
    let fks: Vec<&ForeignKey> = table
        .foreign_keys
        .iter()
        .filter(|f| has(&f.columns))
        .collect();
    match fks.as_slice() {
        [] => add_column(name, c, None),
        [fk] if fk.columns.len() == 1 => add_column(name, c, Some(fk)),
        _ => refuse("can add a column with one single-column REFERENCES only"),
    }
}
