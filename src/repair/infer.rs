//! A table proposed from values alone, for a backup with no DDL (a JSON
//! folder without schema.sql). Every column says why it got its type, so the
//! plan can show the table as inferred rather than as the backup's.
//!
//! Only what the values prove: JSON numbers and booleans keep their kind;
//! strings become uuid / timestamps / date only when every one of them has
//! that exact shape (a CSV's texts stay text: `"0012"` may be a zip code).

use crate::catalog::{Column, Dialect, KeyConstraint, Table, TableName};
use crate::value::Cell;
use std::collections::HashSet;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InferredColumn {
    pub name: String,
    pub data_type: String,
    /// Why this type (and key): "all 12 values are integers".
    pub why: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InferredTable {
    pub table: Table,
    pub columns: Vec<InferredColumn>,
}

/// What one value looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    Integer,
    Decimal,
    Float,
    Bool,
    Json,
    Bytes,
    Uuid,
    TimestampTz,
    Timestamp,
    Date,
    Text,
}

impl Kind {
    fn words(self) -> &'static str {
        match self {
            Kind::Integer => "integers",
            Kind::Decimal => "decimals",
            Kind::Float => "floating-point numbers",
            Kind::Bool => "booleans",
            Kind::Json => "JSON objects or arrays",
            Kind::Bytes => "bytes",
            Kind::Uuid => "UUIDs",
            Kind::TimestampTz => "timestamps with a UTC offset",
            Kind::Timestamp => "timestamps without a zone",
            Kind::Date => "dates",
            Kind::Text => "texts",
        }
    }
}

fn kind(cell: &Cell) -> Option<Kind> {
    Some(match cell {
        Cell::Null => return None,
        Cell::Int(_) => Kind::Integer,
        Cell::Number(n) if is_integer_text(n) => Kind::Integer,
        Cell::Number(_) => Kind::Decimal,
        Cell::Float(_) => Kind::Float,
        Cell::Bool(_) => Kind::Bool,
        Cell::Json(_) => Kind::Json,
        Cell::Bytes(_) => Kind::Bytes,
        Cell::Text(t) => text_kind(t),
    })
}

fn is_integer_text(n: &str) -> bool {
    let digits = n.strip_prefix('-').unwrap_or(n);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn text_kind(t: &str) -> Kind {
    if t.len() == 36 && uuid::Uuid::try_parse(t).is_ok() {
        return Kind::Uuid;
    }
    let b = t.as_bytes();
    if !is_date(b) {
        return Kind::Text;
    }
    if b.len() == 10 {
        return Kind::Date;
    }
    match time_then_zone(&b[10..]) {
        Some(false) => Kind::Timestamp,
        Some(true) => Kind::TimestampTz,
        None => Kind::Text,
    }
}

fn digits(b: &[u8]) -> bool {
    !b.is_empty() && b.iter().all(u8::is_ascii_digit)
}

/// `YYYY-MM-DD` at the start.
fn is_date(b: &[u8]) -> bool {
    b.len() >= 10
        && digits(&b[0..4])
        && b[4] == b'-'
        && digits(&b[5..7])
        && b[7] == b'-'
        && digits(&b[8..10])
}

/// `[T ]HH:MM:SS[.fff]` then nothing (Some(false)) or an offset `Z` /
/// `+HH[:MM]` (Some(true)); None for anything else.
fn time_then_zone(b: &[u8]) -> Option<bool> {
    let (&sep, rest) = b.split_first()?;
    if !(sep == b'T' || sep == b' ') || rest.len() < 8 {
        return None;
    }
    let (hms, mut rest) = rest.split_at(8);
    if !(digits(&hms[0..2])
        && hms[2] == b':'
        && digits(&hms[3..5])
        && hms[5] == b':'
        && digits(&hms[6..8]))
    {
        return None;
    }
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = &frac[n..];
    }
    match rest {
        [] => Some(false),
        [b'Z'] => Some(true),
        [b'+' | b'-', zone @ ..] => {
            let ok = matches!(zone.len(), 2 | 4 | 5)
                && digits(&zone[0..2])
                && match zone.len() {
                    4 => digits(&zone[2..4]),
                    5 => zone[2] == b':' && digits(&zone[3..5]),
                    _ => true,
                };
            ok.then_some(true)
        }
        _ => None,
    }
}

/// The column type for the kinds seen, and why.
fn choose(kinds: &[Kind], present: usize, dialect: Dialect) -> (&'static str, String) {
    let pg = dialect == Dialect::Postgres;
    let all = |k: Kind| format!("all {present} values are {}", k.words());
    match kinds {
        [] => (
            if pg { "text" } else { "TEXT" },
            "no values (all NULL); text holds anything".to_owned(),
        ),
        [k] => {
            let t = match (k, pg) {
                (Kind::Integer, true) => "bigint",
                (Kind::Decimal | Kind::Float, true) => "numeric",
                (Kind::Bool, true) => "boolean",
                (Kind::Json, true) => "jsonb",
                (Kind::Bytes, true) => "bytea",
                (Kind::Uuid, true) => "uuid",
                (Kind::TimestampTz, true) => "timestamp with time zone",
                (Kind::Timestamp, true) => "timestamp without time zone",
                (Kind::Date, true) => "date",
                (Kind::Text, true) => "text",
                (Kind::Integer | Kind::Bool, false) => "INTEGER",
                (Kind::Float, false) => "REAL",
                (Kind::Decimal, false) => "NUMERIC",
                (Kind::Bytes, false) => "BLOB",
                (_, false) => "TEXT",
            };
            (t, all(*k))
        }
        _ => {
            let names: Vec<&str> = kinds.iter().map(|k| k.words()).collect();
            let numeric = kinds
                .iter()
                .all(|k| matches!(k, Kind::Integer | Kind::Decimal | Kind::Float));
            let t = match (numeric, pg) {
                (true, true) => "numeric",
                (true, false) if kinds.contains(&Kind::Float) => "REAL",
                (true, false) => "NUMERIC",
                (false, true) => "text",
                (false, false) => "TEXT",
            };
            (t, format!("{present} values mix {}", names.join(" and ")))
        }
    }
}

/// A value's text for telling keys apart (`1` as an integer and as a JSON number are one key).
fn key_text(cell: &Cell) -> String {
    match cell {
        Cell::Int(i) => i.to_string(),
        Cell::Bytes(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
        other => crate::value::display_value(other),
    }
}

/// A table for `columns` typed from `rows` (cells by column position; a
/// short row or `None` is an absent value). The primary key is `id`, else
/// `key`, when every row has a value there and no two are equal.
pub fn infer_table(
    name: &TableName,
    columns: &[String],
    rows: &[Vec<Option<Cell>>],
    dialect: Dialect,
) -> InferredTable {
    let mut table_columns = Vec::with_capacity(columns.len());
    let mut inferred = Vec::with_capacity(columns.len());
    let mut key_candidates = Vec::new();
    for (j, col) in columns.iter().enumerate() {
        let mut kinds: Vec<Kind> = Vec::new();
        let mut present = 0usize;
        let mut seen = HashSet::new();
        for row in rows {
            let Some(k) = row.get(j).and_then(Option::as_ref).and_then(|c| {
                let k = kind(c)?;
                seen.insert(key_text(c));
                Some(k)
            }) else {
                continue;
            };
            present += 1;
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
        kinds.sort();
        let (data_type, why) = choose(&kinds, present, dialect);
        let complete = present == rows.len() && !rows.is_empty();
        if complete && seen.len() == rows.len() {
            key_candidates.push(col.clone());
        }
        table_columns.push(Column {
            name: col.clone(),
            data_type: data_type.to_owned(),
            nullable: !complete,
            default: None,
            identity: None,
            generated: None,
        });
        inferred.push(InferredColumn {
            name: col.clone(),
            data_type: data_type.to_owned(),
            why,
        });
    }
    let key = ["id", "key"]
        .iter()
        .find(|k| key_candidates.iter().any(|c| c == *k))
        .map(|k| (*k).to_owned());
    if let Some(key) = &key {
        if let Some(i) = columns.iter().position(|c| c == key) {
            inferred[i].why.push_str(&format!(
                "; primary key: present and distinct in all {} rows",
                rows.len()
            ));
        }
    }
    InferredTable {
        table: Table {
            name: name.clone(),
            columns: table_columns,
            primary_key: key.map(|k| KeyConstraint {
                name: None,
                columns: vec![k],
            }),
            unique: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
        },
        columns: inferred,
    }
}

#[cfg(test)]
#[path = "infer_tests.rs"]
mod tests;
