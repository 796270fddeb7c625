//! `INSERT INTO table [(columns)] [OVERRIDING SYSTEM VALUE] VALUES (...), (...);`
//! as `pg_dump --inserts`, `--column-inserts` and `--rows-per-insert` write
//! them (also `DEFAULT VALUES` for a table without columns and
//! `ON CONFLICT DO NOTHING`). pg_dump writes one table's INSERTs one after
//! the other: the scan records such a run, [`InsertRows`] reads it back.

use super::cursor::Cursor;
use super::sql_literal::{self, Value};
use crate::catalog::TableName;
use crate::error::Result;
use crate::report::visible;

/// How the values of a run's tuples map to its columns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InsertShape {
    /// `standard_conforming_strings` was off: `'...'` strings have backslash escapes.
    pub backslashes: bool,
    /// Values per tuple: the data columns plus `generated`.
    pub values: usize,
    /// Positions of generated columns, where pg_dump writes `DEFAULT`: not data.
    pub generated: Vec<usize>,
}

#[derive(Debug)]
pub(crate) struct InsertHeader {
    pub table: TableName,
    /// The column list, if the statement has one (`--column-inserts`).
    pub columns: Option<Vec<String>>,
    /// `DEFAULT VALUES`: one row, no values.
    pub default_values: bool,
}

/// An unquoted word (lower case) or a double-quoted name.
fn name_part(c: &mut Cursor) -> Result<Option<String>> {
    c.skip_space()?;
    let Some(b) = c.peek()? else { return Ok(None) };
    if b == b'"' {
        let line = c.line();
        c.bump();
        let mut name = Vec::new();
        loop {
            match c.peek()? {
                None => return Err(c.error(format!("quoted name from line {line} never ends"))),
                Some(b'"') if c.peek2() == Some(b'"') => {
                    name.push(b'"');
                    c.advance(2);
                }
                Some(b'"') => {
                    c.bump();
                    break;
                }
                Some(b) => {
                    name.push(b);
                    c.bump();
                }
            }
        }
        return String::from_utf8(name)
            .map(Some)
            .map_err(|_| c.error("quoted name is not valid UTF-8"));
    }
    let rest = c.rest();
    let n = rest
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80))
        .unwrap_or(rest.len());
    if n == 0 {
        return Ok(None);
    }
    let word = String::from_utf8_lossy(&rest[..n]).to_lowercase();
    c.advance(n);
    Ok(Some(word))
}

fn expect_word(c: &mut Cursor, word: &str, context: &str) -> Result<()> {
    match name_part(c)? {
        Some(w) if w == word => Ok(()),
        other => Err(c.error(format!(
            "{context}: expected {}, found {}",
            word.to_uppercase(),
            other.map_or("nothing".into(), |w| visible(&w).into_owned())
        ))),
    }
}

fn expect_byte(c: &mut Cursor, b: u8, context: &str) -> Result<()> {
    c.skip_space()?;
    match c.peek()? {
        Some(x) if x == b => {
            c.bump();
            Ok(())
        }
        other => Err(c.error(format!(
            "{context}: expected `{}`, found {}",
            b as char,
            other.map_or("the end of the file".into(), |x| visible(
                &(x as char).to_string()
            )
            .into_owned())
        ))),
    }
}

/// In a parenthesised list: true after a `,`, false after the closing `)`.
fn comma_or_close(c: &mut Cursor, expected: impl FnOnce() -> String) -> Result<bool> {
    c.skip_space()?;
    match c.peek()? {
        Some(b',') => {
            c.bump();
            Ok(true)
        }
        Some(b')') => {
            c.bump();
            Ok(false)
        }
        _ => Err(c.error(expected())),
    }
}

/// Read from `INSERT` up to the first tuple (after `VALUES`), or past `DEFAULT VALUES`.
pub(crate) fn header(c: &mut Cursor) -> Result<InsertHeader> {
    expect_word(c, "insert", "INSERT statement")?;
    expect_word(c, "into", "INSERT")?;
    let first = name_part(c)?.ok_or_else(|| c.error("INSERT INTO: expected a table name"))?;
    c.skip_space()?;
    let table = if c.peek()? == Some(b'.') {
        c.bump();
        let second = name_part(c)?
            .ok_or_else(|| c.error("INSERT INTO: expected a table name after the schema"))?;
        TableName::new(Some(&first), &second)
    } else {
        TableName::new(None, &first)
    };
    let context = format!("INSERT INTO {}", visible(&table.to_string()));
    c.skip_space()?;
    let mut columns = None;
    if c.peek()? == Some(b'(') {
        c.bump();
        let mut list = Vec::new();
        loop {
            let col = name_part(c)?.ok_or_else(|| {
                c.error(format!(
                    "{context}: expected a column name in the column list"
                ))
            })?;
            list.push(col);
            if !comma_or_close(c, || {
                format!("{context}: expected `,` or `)` in the column list")
            })? {
                break;
            }
        }
        columns = Some(list);
    }
    let mut word = name_part(c)?;
    if word.as_deref() == Some("overriding") {
        // OVERRIDING SYSTEM VALUE (identity columns) / OVERRIDING USER VALUE.
        name_part(c)?;
        expect_word(c, "value", &context)?;
        word = name_part(c)?;
    }
    match word.as_deref() {
        Some("values") => Ok(InsertHeader {
            table,
            columns,
            default_values: false,
        }),
        Some("default") => {
            expect_word(c, "values", &context)?;
            Ok(InsertHeader {
                table,
                columns,
                default_values: true,
            })
        }
        other => Err(c.error(format!(
            "{context}: expected VALUES, found {} (only pg_dump's INSERT ... VALUES is read)",
            other.map_or("nothing".into(), |w| visible(w).into_owned())
        ))),
    }
}

/// After a tuple: another one follows (`,`), or the statement ends
/// (`;`, optionally after `ON CONFLICT DO NOTHING`).
pub(crate) fn more_tuples(c: &mut Cursor, table: &TableName) -> Result<bool> {
    c.skip_space()?;
    match c.peek()? {
        Some(b',') => {
            c.bump();
            return Ok(true);
        }
        Some(b';') => {
            c.bump();
            return Ok(false);
        }
        _ => {}
    }
    let context = format!("INSERT INTO {}", visible(&table.to_string()));
    let word = name_part(c)?;
    if word.as_deref() != Some("on") {
        return Err(c.error(format!(
            "{context}: expected `,` or `;` after a row, found {}",
            word.map_or("something else".into(), |w| visible(&w).into_owned())
        )));
    }
    for w in ["conflict", "do", "nothing"] {
        expect_word(c, w, &context)?;
    }
    expect_byte(c, b';', &context)?;
    Ok(false)
}

/// One `(v, v, ...)`. With `out`, the data values are decoded into it (generated
/// columns left out); without, only checked and skipped.
pub(crate) fn tuple(
    c: &mut Cursor,
    table: &TableName,
    shape: &InsertShape,
    mut out: Option<&mut Vec<Option<String>>>,
    raw: &mut Vec<u8>,
) -> Result<()> {
    let context = || format!("INSERT INTO {}", visible(&table.to_string()));
    expect_byte(c, b'(', &context())?;
    if let Some(o) = out.as_deref_mut() {
        o.clear();
    }
    let mut text = String::new();
    let mut n = 0;
    loop {
        c.skip_space()?;
        if n == 0 && c.peek()? == Some(b')') {
            c.bump();
            break;
        }
        let generated = shape.generated.contains(&n);
        let decode = out.is_some() && !generated;
        let v = sql_literal::value(c, shape.backslashes, decode.then_some(&mut text), raw)?;
        n += 1;
        match (v, generated, out.as_deref_mut()) {
            (_, true, _) => {}
            (Value::Default, false, _) => {
                return Err(c.error(format!(
                    "{}: DEFAULT as value {n} (only generated columns may be DEFAULT in a dump)",
                    context()
                )))
            }
            (Value::Null, false, Some(o)) => o.push(None),
            (Value::Text, false, Some(o)) => o.push(Some(std::mem::take(&mut text))),
            (_, false, None) => {}
        }
        if !comma_or_close(c, || {
            format!("{}: expected `,` or `)` after value {n}", context())
        })? {
            break;
        }
    }
    if n != shape.values {
        return Err(c.error(format!(
            "{}: expected {} values in a row, found {n}",
            context(),
            shape.values
        )));
    }
    Ok(())
}
