//! SQL literals and statements per dialect: every backup value becomes a
//! correctly escaped literal of the live column's type, and statements are
//! rendered deterministically (same inputs, byte-identical text) so the
//! script lifeboat previews is exactly the one it executes.
//!
//! PostgreSQL literals are the value's canonical text (see
//! [`crate::value::canonicalize`]) as a standard-conforming string with an
//! explicit cast to the column's declared type; scripts begin with
//! [`PG_PREAMBLE`] so backslashes inside literals are data, whatever the
//! server's defaults. SQLite has no casts and stores values as given, so
//! there the backup's own representation is kept where it is text-like.

mod batch_update;
mod pg_array;
mod sequence;
mod statements;

#[cfg(test)]
mod tests;

pub use batch_update::{render_batch_update, UpdateBatch};
pub use sequence::{render_setval_to_max, sequence_of_default};
pub use statements::{
    delete_statements, insert_statements, insert_statements_spanned, key_match, keyed_statements,
    render_delete, render_insert, render_update, InsertBatch, DEFAULT_BATCH_ROWS,
};

use crate::catalog::{type_text, Column, Dialect};
use crate::value::{canonicalize, Cell, Incompatible, TypeClass};

/// Session settings every PostgreSQL script starts with: literals are
/// rendered for standard-conforming strings (a backslash is just a
/// backslash) and UTF-8 text.
pub const PG_PREAMBLE: &str =
    "SET standard_conforming_strings = on;\nSET client_encoding = 'UTF8';";

/// The SQL literal for `cell` as a value of the live `column` (whose type
/// reads as `class`), or why it cannot be one. NULL renders as `NULL`
/// (whether the column accepts it is pre-flight's business).
pub fn literal(
    cell: &Cell,
    column: &Column,
    class: &TypeClass,
    dialect: Dialect,
) -> Result<String, Incompatible> {
    match dialect {
        Dialect::Postgres => pg_literal(cell, column, class),
        Dialect::Sqlite => sqlite_literal(cell, class),
    }
}

/// `text` as a string literal: single quotes doubled, nothing else touched
/// (standard-conforming strings in PostgreSQL; SQLite has no escapes).
pub(crate) fn quote_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for ch in text.chars() {
        if ch == '\'' {
            out.push('\'');
        }
        out.push(ch);
    }
    out.push('\'');
    out
}

fn no_nul(text: &str, database: &str) -> Result<(), Incompatible> {
    if text.contains('\0') {
        Err(Incompatible::new(format!(
            "{database} text cannot contain NUL (U+0000)"
        )))
    } else {
        Ok(())
    }
}

fn pg_literal(cell: &Cell, column: &Column, class: &TypeClass) -> Result<String, Incompatible> {
    let Some(canon) = canonicalize(cell, class)? else {
        return Ok("NULL".to_owned());
    };
    match class {
        TypeClass::Int { .. } => return plain_integer(&canon),
        TypeClass::Bool => return bool_word(&canon).map(str::to_owned),
        _ => {}
    }
    let type_name = type_text::cast_type(&column.data_type)?;
    let jsonb = type_text::base_is(type_name, "jsonb");
    let body = match class {
        TypeClass::Array(_) => pg_array::render(&canon, jsonb)?,
        _ => {
            no_nul(&canon, "PostgreSQL")?;
            if jsonb && pg_array::has_json_nul_escape(&canon) {
                return Err(Incompatible::new(
                    "jsonb cannot contain \\u0000 (PostgreSQL refuses it)",
                ));
            }
            canon.into_owned()
        }
    };
    Ok(format!("{}::{type_name}", quote_string(&body)))
}

/// An integer's canonical text, checked to be nothing but a signed integer.
fn plain_integer(canon: &str) -> Result<String, Incompatible> {
    let digits = canon.strip_prefix('-').unwrap_or(canon);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(canon.to_owned())
    } else {
        Err(Incompatible::new("not an integer"))
    }
}

fn bool_word(canon: &str) -> Result<&'static str, Incompatible> {
    match canon {
        "true" => Ok("true"),
        "false" => Ok("false"),
        _ => Err(Incompatible::new("not a boolean")),
    }
}

fn sqlite_literal(cell: &Cell, class: &TypeClass) -> Result<String, Incompatible> {
    // Validate against the class first, so nothing is pasted unchecked.
    let Some(canon) = canonicalize(cell, class)? else {
        return Ok("NULL".to_owned());
    };
    match class {
        TypeClass::Int { .. } => plain_integer(&canon),
        TypeClass::Numeric { .. } | TypeClass::Float { .. } => sqlite_number(&canon),
        TypeClass::Bool => Ok(if bool_word(&canon)? == "true" {
            "1"
        } else {
            "0"
        }
        .to_owned()),
        TypeClass::Bytes => sqlite_blob_from_hex(&canon),
        // Text-like classes: SQLite keeps what the application stored, so the
        // backup's own value goes back in its own storage class.
        _ => sqlite_as_given(cell),
    }
}

/// A decimal or float's canonical text as a SQLite numeric literal. SQLite
/// reads an overflowing literal as infinity and has no NaN.
fn sqlite_number(canon: &str) -> Result<String, Incompatible> {
    match canon {
        "NaN" => Err(Incompatible::new("SQLite cannot store NaN")),
        "Infinity" => Ok("9e999".to_owned()),
        "-Infinity" => Ok("-9e999".to_owned()),
        n if is_number_literal(n) => Ok(n.to_owned()),
        _ => Err(Incompatible::new("not a number")),
    }
}

fn sqlite_as_given(cell: &Cell) -> Result<String, Incompatible> {
    match cell {
        Cell::Null => Ok("NULL".to_owned()),
        Cell::Text(t) | Cell::Json(t) => {
            no_nul(t, "SQLite")?;
            Ok(quote_string(t))
        }
        Cell::Int(i) => Ok(i.to_string()),
        Cell::Float(f) if f.is_nan() => Err(Incompatible::new("SQLite cannot store NaN")),
        Cell::Float(f) if f.is_infinite() => {
            Ok(if *f < 0.0 { "-9e999" } else { "9e999" }.to_owned())
        }
        Cell::Float(f) => Ok(format!("{f}")),
        Cell::Number(n) if is_number_literal(n) => Ok(n.clone()),
        Cell::Number(_) => Err(Incompatible::new("not a number")),
        Cell::Bool(b) => Ok(if *b { "1" } else { "0" }.to_owned()),
        Cell::Bytes(b) => Ok(sqlite_blob(b)),
    }
}

/// Canonical bytea text (`\x0aff`) as a SQLite blob literal `X'0aff'`.
fn sqlite_blob_from_hex(canon: &str) -> Result<String, Incompatible> {
    match canon.strip_prefix("\\x") {
        Some(hex) if hex.len() % 2 == 0 && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Ok(format!("X'{hex}'"))
        }
        _ => Err(Incompatible::new("invalid hexadecimal bytes")),
    }
}

fn sqlite_blob(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(3 + bytes.len() * 2);
    out.push_str("X'");
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out.push('\'');
    out
}

/// JSON number grammar (`-12.5e+3`), which is also valid SQL numeric syntax.
fn is_number_literal(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}
