//! CHECK expressions: parsed as exactly one SQL expression and re-rendered
//! (never pasted as written), and compared tolerantly across sources.
//! PostgreSQL's `pg_get_constraintdef` writes `(price >= (0)::numeric)` for
//! a schema file's `price >= 0`, `'-1'::integer` for `-1`, and
//! `((s)::text = ANY ((ARRAY['a'::character varying])::text[]))` for
//! `s IN ('a')`; [`normalize`] maps all of those to one form. Pure.

use super::CheckConstraint;
use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Ident, ObjectNamePart,
    UnaryOperator, Value,
};
use sqlparser::dialect::{Dialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

/// Functions a CHECK from a backup may not call when lifeboat evaluates it
/// on live (administration, I/O, sequences, remote connections).
const REFUSED_FUNCTION_PREFIXES: &[&str] = &[
    "pg_",
    "dblink",
    "lo_",
    "set_config",
    "nextval",
    "setval",
    "currval",
    "query_to_xml",
    "table_to_xml",
    "cursor_to_xml",
    "database_to_xml",
    "schema_to_xml",
    "txid_",
    "load",
];

/// Parse `text` (with or without a leading `CHECK`) as exactly one
/// expression, in PostgreSQL's dialect, then SQLite's.
pub fn parse(text: &str) -> Result<Expr, String> {
    let body = strip_check_keyword(text);
    parse_in(&PostgreSqlDialect {}, body)
        .or_else(|pg| parse_in(&SQLiteDialect {}, body).map_err(|_| pg))
}

fn parse_in(dialect: &dyn Dialect, text: &str) -> Result<Expr, String> {
    let mut parser = Parser::new(dialect)
        .try_with_sql(text)
        .map_err(|e| e.to_string())?;
    let expr = parser.parse_expr().map_err(|e| e.to_string())?;
    if parser.peek_token().token != Token::EOF {
        return Err(format!("more than one expression in `{}`", text.trim()));
    }
    Ok(expr)
}

/// A name written in an expression: quoted names match exactly, bare ones
/// case-insensitively (PostgreSQL folds them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub value: String,
    pub quoted: bool,
}

impl Named {
    pub fn matches(&self, column: &str) -> bool {
        if self.quoted {
            self.value == column
        } else {
            self.value.eq_ignore_ascii_case(column)
        }
    }
}

/// Every word of `text` (names and keywords alike; a caller matches them
/// against the columns it knows). Empty when `text` does not tokenize.
pub fn identifiers(text: &str) -> Vec<Named> {
    let Ok(tokens) = Tokenizer::new(&PostgreSqlDialect {}, text).tokenize() else {
        return Vec::new();
    };
    tokens
        .into_iter()
        .filter_map(|t| match t {
            Token::Word(w) => Some(Named {
                value: w.value,
                quoted: w.quote_style.is_some(),
            }),
            _ => None,
        })
        .collect()
}

fn strip_check_keyword(text: &str) -> &str {
    let t = text.trim();
    match t.get(..5) {
        Some(head)
            if head.eq_ignore_ascii_case("CHECK") && t[5..].trim_start().starts_with('(') =>
        {
            t[5..].trim_start()
        }
        _ => t,
    }
}

/// The expression re-rendered from its AST, fit to evaluate against live in a
/// read-only query: no subqueries, no administrative or I/O functions.
/// `portable` also normalises it (casts dropped, `= ANY (ARRAY[...])` as
/// `IN (...)`) for a SQLite live side, which knows neither.
pub fn render_for_query(text: &str, portable: bool) -> Result<String, String> {
    let expr = parse(text)?;
    let rendered = if portable {
        normalized(expr).to_string()
    } else {
        expr.to_string()
    };
    refuse_unsafe(&rendered)?;
    Ok(rendered)
}

fn refuse_unsafe(rendered: &str) -> Result<(), String> {
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, rendered)
        .tokenize()
        .map_err(|e| e.to_string())?;
    let words: Vec<&Token> = tokens
        .iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    for (i, t) in words.iter().enumerate() {
        let Token::Word(w) = t else { continue };
        let lower = w.value.to_lowercase();
        if w.quote_style.is_none() && matches!(lower.as_str(), "select" | "exists") {
            return Err("a subquery is not allowed in a CHECK expression".into());
        }
        let call = words.get(i + 1).is_some_and(|n| **n == Token::LParen);
        if call
            && REFUSED_FUNCTION_PREFIXES
                .iter()
                .any(|p| lower.starts_with(p))
        {
            return Err(format!(
                "function {} is not allowed in a CHECK expression",
                w.value
            ));
        }
    }
    Ok(())
}

/// The comparable form of a CHECK expression, or None when it does not parse.
pub fn normalize(text: &str) -> Option<String> {
    parse(text).ok().map(|e| normalized(e).to_string())
}

/// Whether two CHECK constraints are the same: equal names when both are
/// named, else equal normalised expressions (raw text when one does not parse).
pub fn same_check(a: &CheckConstraint, b: &CheckConstraint) -> bool {
    if let (Some(x), Some(y)) = (&a.name, &b.name) {
        if x == y {
            return true;
        }
    }
    match (normalize(&a.expression), normalize(&b.expression)) {
        (Some(x), Some(y)) => x == y,
        _ => a.expression.trim() == b.expression.trim(),
    }
}

/// Drop what differs only in spelling: parentheses, casts, identifier case
/// and quoting, BETWEEN (PostgreSQL stores it as two comparisons), quoted
/// numbers, `= ANY (ARRAY[...])` versus `IN (...)`. Variants not listed are
/// kept as they are (then only identical spellings compare equal).
fn normalized(expr: Expr) -> Expr {
    let n = |e: Box<Expr>| Box::new(normalized(*e));
    match expr {
        Expr::Nested(e) => normalized(*e),
        Expr::Cast { expr, .. } => {
            let inner = normalized(*expr);
            // '-1'::integer: a quoted number under a cast is that number.
            match &inner {
                Expr::Value(v) => match &v.value {
                    Value::SingleQuotedString(s) if s.trim().parse::<f64>().is_ok() => {
                        number(s.trim())
                    }
                    _ => inner,
                },
                _ => inner,
            }
        }
        Expr::Identifier(i) => Expr::Identifier(fold(i)),
        Expr::CompoundIdentifier(parts) => {
            // t.col inside a CHECK is the column itself.
            match parts.into_iter().last() {
                Some(last) => Expr::Identifier(fold(last)),
                None => Expr::CompoundIdentifier(Vec::new()),
            }
        }
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => match normalized(*expr) {
            Expr::Value(v) => match v.value {
                Value::Number(s, _) => number(&format!("-{s}")),
                value => Expr::UnaryOp {
                    op: UnaryOperator::Minus,
                    expr: Box::new(Expr::Value(value.into())),
                },
            },
            other => Expr::UnaryOp {
                op: UnaryOperator::Minus,
                expr: Box::new(other),
            },
        },
        Expr::UnaryOp { op, expr } => Expr::UnaryOp { op, expr: n(expr) },
        Expr::BinaryOp { left, op, right } => {
            // PostgreSQL stores LIKE as the ~~ operator family.
            let like = match op {
                BinaryOperator::PGLikeMatch => Some((false, false)),
                BinaryOperator::PGNotLikeMatch => Some((true, false)),
                BinaryOperator::PGILikeMatch => Some((false, true)),
                BinaryOperator::PGNotILikeMatch => Some((true, true)),
                _ => None,
            };
            match like {
                Some((negated, insensitive)) => normalized(if insensitive {
                    Expr::ILike {
                        negated,
                        any: false,
                        expr: left,
                        pattern: right,
                        escape_char: None,
                    }
                } else {
                    Expr::Like {
                        negated,
                        any: false,
                        expr: left,
                        pattern: right,
                        escape_char: None,
                    }
                }),
                None => Expr::BinaryOp {
                    left: n(left),
                    op,
                    right: n(right),
                },
            }
        }
        Expr::Between {
            expr,
            negated,
            low,
            high,
        } => {
            let e = normalized(*expr);
            let both = Expr::BinaryOp {
                left: Box::new(Expr::BinaryOp {
                    left: Box::new(e.clone()),
                    op: BinaryOperator::GtEq,
                    right: n(low),
                }),
                op: BinaryOperator::And,
                right: Box::new(Expr::BinaryOp {
                    left: Box::new(e),
                    op: BinaryOperator::LtEq,
                    right: n(high),
                }),
            };
            if negated {
                Expr::UnaryOp {
                    op: UnaryOperator::Not,
                    expr: Box::new(both),
                }
            } else {
                both
            }
        }
        Expr::InList {
            expr,
            list,
            negated,
        } => Expr::InList {
            expr: n(expr),
            list: list.into_iter().map(normalized).collect(),
            negated,
        },
        Expr::AnyOp {
            left,
            compare_op: BinaryOperator::Eq,
            right,
            is_some,
        } => match normalized(*right) {
            Expr::Array(a) => Expr::InList {
                expr: n(left),
                list: a.elem,
                negated: false,
            },
            right => Expr::AnyOp {
                left: n(left),
                compare_op: BinaryOperator::Eq,
                right: Box::new(right),
                is_some,
            },
        },
        Expr::AllOp {
            left,
            compare_op: BinaryOperator::NotEq,
            right,
        } => match normalized(*right) {
            Expr::Array(a) => Expr::InList {
                expr: n(left),
                list: a.elem,
                negated: true,
            },
            right => Expr::AllOp {
                left: n(left),
                compare_op: BinaryOperator::NotEq,
                right: Box::new(right),
            },
        },
        Expr::Array(mut a) => {
            a.elem = a.elem.into_iter().map(normalized).collect();
            Expr::Array(a)
        }
        Expr::IsNull(e) => Expr::IsNull(n(e)),
        Expr::IsNotNull(e) => Expr::IsNotNull(n(e)),
        Expr::IsTrue(e) => Expr::IsTrue(n(e)),
        Expr::IsFalse(e) => Expr::IsFalse(n(e)),
        Expr::Like {
            negated,
            any,
            expr,
            pattern,
            escape_char,
        } => Expr::Like {
            negated,
            any,
            expr: n(expr),
            pattern: n(pattern),
            escape_char,
        },
        Expr::ILike {
            negated,
            any,
            expr,
            pattern,
            escape_char,
        } => Expr::ILike {
            negated,
            any,
            expr: n(expr),
            pattern: n(pattern),
            escape_char,
        },
        Expr::Function(mut f) => {
            for part in f.name.0.iter_mut() {
                if let ObjectNamePart::Identifier(i) = part {
                    *i = fold(i.clone());
                }
            }
            if let FunctionArguments::List(list) = &mut f.args {
                for arg in list.args.iter_mut() {
                    if let FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) = arg {
                        *e = normalized(e.clone());
                    }
                }
            }
            Expr::Function(f)
        }
        other => other,
    }
}

fn number(s: &str) -> Expr {
    Expr::Value(Value::Number(s.to_owned(), false).into())
}

/// Unquoted identifiers fold to lower case (PostgreSQL); quoting is dropped
/// so `"price"` and `price` compare equal.
fn fold(i: Ident) -> Ident {
    let value = if i.quote_style.is_some() {
        i.value
    } else {
        i.value.to_lowercase()
    };
    Ident::new(value)
}

#[cfg(test)]
#[path = "check_expr_tests.rs"]
mod tests;
