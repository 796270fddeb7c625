//! Cell values and how two of them compare *by meaning in the live column's
//! type*: timestamps as instants, numerics as decimals, UUIDs case-free, JSON
//! key-order-free. Every side turns its raw values into [`Cell`]s; the diff
//! compares the canonical strings [`canonicalize`] makes of them.

use crate::catalog::Dialect;
use std::borrow::Cow;
use std::collections::BTreeMap;

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
    /// Raw JSON text of an object or array found in a JSON backup.
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

/// Read a declared type (`character varying(255)`, `numeric(10,2)`, `int4`,
/// `timestamp with time zone`, `"bazaar-vid_status"`, `text[]`, SQLite's
/// `DATETIME`) into the class that governs comparison. `enums` maps enum type
/// names (qualified and bare) to labels.
pub fn classify(
    data_type: &str,
    dialect: Dialect,
    enums: &BTreeMap<String, Vec<String>>,
) -> TypeClass {
    let _ = (data_type, dialect, enums);
    unimplemented!("value helper fills this in")
}

/// The canonical text of `cell` as a value of `class`, or why it cannot be one.
/// Two cells are equal by meaning iff their canonical texts are equal.
/// `Cell::Null` yields `Ok(None)`. Borrows where the input is already canonical
/// (this runs for every cell of every compared row).
pub fn canonicalize<'a>(
    cell: &'a Cell,
    class: &TypeClass,
) -> Result<Option<Cow<'a, str>>, Incompatible> {
    let _ = (cell, class);
    unimplemented!("value helper fills this in")
}

/// Spell a declared type the way PostgreSQL's `format_type` does, so types
/// from `schema.sql`, pg_dump and the live catalog compare as text:
/// `VARCHAR(255)` → `character varying(255)`, `int4`/`serial` → `integer`,
/// `TIMESTAMPTZ` → `timestamp with time zone`, `decimal(10,2)` → `numeric(10,2)`.
pub fn normalize_type(data_type: &str) -> String {
    data_type.trim().to_lowercase()
}

/// A cell shown in a message: control characters escaped, truncated.
pub fn display_value(cell: &Cell) -> String {
    format!("{cell:?}")
}
