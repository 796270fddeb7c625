//! Cell values and how two of them compare *by meaning in the live column's
//! type*: timestamps as instants, numerics as decimals, UUIDs case-free, JSON
//! key-order-free. Every side turns its raw values into [`Cell`]s; the diff
//! compares the canonical strings [`canonicalize`] makes of them.
//!
//! Canonicalisation runs for every cell of every compared row, so it parses by
//! hand (no regex, no f64 detours for decimals) and borrows the input whenever
//! it is already canonical, which is the common case for live values.

mod array;
mod buf;
pub(crate) mod copy_text;
mod decimal;
mod display;
mod json;
mod json_fast;

pub(crate) use json::read_string as read_json_string;
pub(crate) use json_fast::{canonical_if_simple as json_canonical_if_simple, quote_or_backslash};
mod numbers;
mod text;
mod time;
mod typename;

#[cfg(test)]
mod tests;

use crate::catalog::Dialect;
use std::borrow::Cow;
use std::collections::BTreeMap;

pub use display::display_value;
pub(crate) use display::needs_escape;
pub(crate) use typename::unquote;
pub use typename::{normalize_type, same_type};

/// A raw value as a side delivered it, before interpretation in a column type.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Null,
    /// Text from CSV, PostgreSQL's COPY text output, SQLite TEXT, or a JSON string.
    Text(String),
    /// A JSON number literal exactly as written (`10.50`, `1e3`), never rounded through f64.
    Number(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// JSON text of an object or array found in a JSON backup: as written,
    /// or compacted (whitespace removed) when it was already in canonical key order.
    Json(String),
    Bytes(Vec<u8>),
}

/// What a column's declared type means for comparing and validating values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeClass {
    Bool,
    /// Integers with their inclusive range (smallint, integer, bigint, serial...).
    Int {
        min: i64,
        max: i64,
    },
    /// real (`single: true`) and double precision.
    Float {
        single: bool,
    },
    Numeric {
        precision: Option<u32>,
        scale: Option<u32>,
    },
    /// text, varchar(n), char(n). `max_chars` only where the database enforces it.
    Text {
        max_chars: Option<usize>,
        fixed: bool,
    },
    Uuid,
    Date,
    Time {
        with_zone: bool,
    },
    Timestamp,
    TimestampTz,
    Interval,
    Json,
    Bytes,
    Enum {
        name: String,
        labels: Vec<String>,
    },
    Array(Box<TypeClass>),
    /// A type we do not interpret: compared as trimmed text.
    Other(String),
}

/// Why a backup value cannot be a value of the live column's type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incompatible {
    pub reason: String,
}

impl Incompatible {
    pub fn new(reason: impl Into<String>) -> Self {
        Incompatible {
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for Incompatible {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

/// What canonicalisers return: borrowed where the input already was canonical.
pub(crate) type Canon<'a> = Result<Cow<'a, str>, Incompatible>;

/// Read a declared type (`character varying(255)`, `numeric(10,2)`, `int4`,
/// `timestamp with time zone`, `"bazaar-vid_status"`, `text[]`, SQLite's
/// `DATETIME`) into the class that governs comparison. `enums` maps enum type
/// names (qualified and bare) to labels.
pub fn classify(
    data_type: &str,
    dialect: Dialect,
    enums: &BTreeMap<String, Vec<String>>,
) -> TypeClass {
    match dialect {
        Dialect::Postgres => typename::classify_postgres(data_type, enums),
        Dialect::Sqlite => typename::classify_sqlite(data_type),
    }
}

/// The canonical text of `cell` as a value of `class`, or why it cannot be one.
/// Two cells are equal by meaning iff their canonical texts are equal.
/// `Cell::Null` yields `Ok(None)`. Borrows where the input is already canonical
/// (this runs for every cell of every compared row).
pub fn canonicalize<'a>(
    cell: &'a Cell,
    class: &TypeClass,
) -> Result<Option<Cow<'a, str>>, Incompatible> {
    if matches!(cell, Cell::Null) {
        return Ok(None);
    }
    let canon = match class {
        TypeClass::Bool => numbers::bool_canon(cell),
        TypeClass::Int { min, max } => numbers::int_canon(cell, *min, *max),
        TypeClass::Float { single } => numbers::float_canon(cell, *single),
        TypeClass::Numeric { precision, scale } => numbers::numeric_canon(cell, *precision, *scale),
        TypeClass::Text { max_chars, fixed } => text::text_canon(cell, *max_chars, *fixed),
        TypeClass::Uuid => text::uuid_canon(cell),
        TypeClass::Date => time::date_canon(cell),
        TypeClass::Time { with_zone } => time::time_canon(cell, *with_zone),
        TypeClass::Timestamp => time::timestamp_canon(cell, false),
        TypeClass::TimestampTz => time::timestamp_canon(cell, true),
        TypeClass::Interval | TypeClass::Other(_) => text::other_canon(cell),
        TypeClass::Json => json::json_canon(cell),
        TypeClass::Bytes => text::bytes_canon(cell),
        TypeClass::Enum { name, labels } => text::enum_canon(cell, name, labels),
        TypeClass::Array(elem) => array::array_canon(cell, elem),
    };
    canon.map(Some)
}

/// A short description of what kind of value a cell holds, for reasons.
pub(crate) fn kind(cell: &Cell) -> &'static str {
    match cell {
        Cell::Null => "null",
        Cell::Text(_) => "text",
        Cell::Number(_) => "a number",
        Cell::Int(_) => "an integer",
        Cell::Float(_) => "a float",
        Cell::Bool(_) => "a boolean",
        Cell::Json(_) => "a JSON object or array",
        Cell::Bytes(_) => "bytes",
    }
}

/// A cell's text as delivered, for hashing and naming values that are not
/// valid in the live type.
pub fn raw_text(cell: &Cell) -> Cow<'_, str> {
    match cell {
        Cell::Null => Cow::Borrowed(""),
        Cell::Text(s) | Cell::Number(s) | Cell::Json(s) => Cow::Borrowed(s),
        Cell::Int(i) => Cow::Owned(i.to_string()),
        Cell::Float(f) => Cow::Owned(f.to_string()),
        Cell::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Cell::Bytes(b) => String::from_utf8_lossy(b),
    }
}

/// The canonical text of `cell` in `class` (None for NULL), or its raw text
/// when it is not a valid value there: a key made of it can still be
/// matched against the same raw value and named in messages.
pub fn canonical_or_raw(cell: &Cell, class: &TypeClass) -> Option<String> {
    match canonicalize(cell, class) {
        Ok(v) => v.map(Cow::into_owned),
        Err(_) => Some(raw_text(cell).into_owned()),
    }
}
