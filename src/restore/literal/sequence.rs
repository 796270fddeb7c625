//! Moving a sequence past restored explicit ids, so the application's next
//! insert does not collide with them — and never moving it back.

use super::quote_string;
use crate::catalog::{quote_ident, Dialect, TableName};

/// The statement that moves the sequence feeding `table.column` forward to at
/// least the column's max; `None` for SQLite (an explicit id advances
/// `sqlite_sequence` by itself).
///
/// `sequence` is the regclass text of the sequence when known (from
/// [`sequence_of_default`] for a `DEFAULT nextval(...)` column); without it
/// the sequence is found with `pg_get_serial_sequence`, which covers serial
/// and identity columns. The new position is the greater of the column's max
/// and the sequence's current last value, so it never goes back:
/// `pg_sequence_last_value` is that value once the sequence has been used;
/// for an unused sequence (NULL there) `nextval` supplies its first value,
/// costing at most that one number. An empty table or a column without a
/// sequence leaves everything as it was. Assumes an ascending sequence.
pub fn render_setval_to_max(
    table: &TableName,
    column: &str,
    sequence: Option<&str>,
    dialect: Dialect,
) -> Option<String> {
    if dialect == Dialect::Sqlite {
        return None;
    }
    let quoted = table.quoted();
    let seq = match sequence {
        Some(name) => format!("{}::regclass", quote_string(name)),
        None => format!(
            "pg_get_serial_sequence({}, {})::regclass",
            quote_string(&quoted),
            quote_string(column)
        ),
    };
    Some(format!(
        "SELECT setval(s.seq, GREATEST(m.top, COALESCE(pg_sequence_last_value(s.seq), nextval(s.seq))), true)\n  \
         FROM (SELECT {seq} AS seq) AS s,\n       \
         (SELECT max({col}) AS top FROM {quoted}) AS m\n  \
         WHERE s.seq IS NOT NULL AND m.top IS NOT NULL;",
        col = quote_ident(column),
    ))
}

/// The sequence a default expression draws from: `nextval('seq'::regclass)`
/// → `seq`, `nextval('"Odd"."My-Seq"'::regclass)` → `"Odd"."My-Seq"` (the
/// literal's content, `''` undoubled: regclass text, quoting kept). Also
/// takes `pg_catalog.nextval(...)`, any case, extra parentheses and casts
/// (`nextval(('s'::text)::regclass)`). `None` when there is no nextval call
/// with a string literal.
pub fn sequence_of_default(default_expr: &str) -> Option<String> {
    let lower = default_expr.to_ascii_lowercase();
    let b = default_expr.as_bytes();
    let mut from = 0;
    while let Some(pos) = lower[from..].find("nextval") {
        let start = from + pos;
        from = start + "nextval".len();
        // Not the tail of a longer name (`my_nextval(`).
        let before = start.checked_sub(1).and_then(|i| b.get(i));
        if before.is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$') {
            continue;
        }
        let mut i = from;
        let mut opened = false;
        while let Some(&c) = b.get(i) {
            match c {
                b'(' => opened = true,
                c if c.is_ascii_whitespace() => {}
                _ => break,
            }
            i += 1;
        }
        if !opened || b.get(i) != Some(&b'\'') {
            continue;
        }
        if let Some(name) = string_literal(default_expr, i) {
            if !name.is_empty() {
                return Some(name);
            }
        }
    }
    None
}

/// The content of the SQL string literal opening at byte `start` (`''` is a
/// quote), or `None` if it never closes.
fn string_literal(text: &str, start: usize) -> Option<String> {
    let rest = text.get(start + 1..)?;
    let mut out = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            if chars.peek() == Some(&'\'') {
                chars.next();
                out.push('\'');
            } else {
                return Some(out);
            }
        } else {
            out.push(c);
        }
    }
    None
}
