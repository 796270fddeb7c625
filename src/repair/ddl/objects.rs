//! Objects a table needs before it can be created: enum types and the
//! sequences its `DEFAULT nextval(...)` columns draw from.

use super::DdlError;
use crate::catalog::{quote_ident, Table, TableName};
use crate::restore::literal::{quote_string, sequence_of_default};

/// A column fed by a sequence through `DEFAULT nextval('seq'::regclass)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SequenceUse {
    pub sequence: TableName,
    pub column: String,
    /// `smallint` / `integer` / `bigint` when the column is one (the
    /// sequence is created `AS` it, as serial columns' are).
    pub as_type: Option<&'static str>,
}

/// `CREATE TYPE name AS ENUM ('a', 'b');` (PostgreSQL). `name` is a catalog
/// enum key: `schema.name` or a bare `name`.
pub fn create_enum(name: &str, labels: &[String]) -> Result<String, DdlError> {
    let type_name = enum_name(name);
    let mut quoted = Vec::with_capacity(labels.len());
    for label in labels {
        if label.contains('\0') {
            return Err(DdlError::new(
                &type_name,
                Some("enum label".to_owned()),
                "a label contains NUL (U+0000), which PostgreSQL cannot store",
            ));
        }
        quoted.push(quote_string(label));
    }
    Ok(format!(
        "CREATE TYPE {} AS ENUM ({});",
        type_name.quoted(),
        quoted.join(", ")
    ))
}

/// A catalog enum key (`public.mood`, `mood`) as a name: split at the first dot.
pub fn enum_name(key: &str) -> TableName {
    match key.split_once('.') {
        Some((schema, name)) => TableName::new(Some(schema), name),
        None => TableName::new(None, key),
    }
}

/// `DROP TYPE name;`
pub fn drop_type(name: &str) -> String {
    format!("DROP TYPE {};", enum_name(name).quoted())
}

/// The sequences the table's columns draw from (`DEFAULT nextval(...)`), in
/// column order; identity columns own theirs and are not listed.
pub fn sequences_for(table: &Table) -> Vec<SequenceUse> {
    table
        .columns
        .iter()
        .filter(|c| c.identity.is_none())
        .filter_map(|c| {
            let text = sequence_of_default(c.default.as_deref()?)?;
            Some(SequenceUse {
                sequence: regclass_name(&text)?,
                column: c.name.clone(),
                as_type: integer_type(&c.data_type),
            })
        })
        .collect()
}

fn integer_type(data_type: &str) -> Option<&'static str> {
    match data_type.trim().to_ascii_lowercase().as_str() {
        "smallint" | "int2" => Some("smallint"),
        "integer" | "int" | "int4" => Some("integer"),
        "bigint" | "int8" => Some("bigint"),
        _ => None,
    }
}

/// regclass text (`public."My-Seq"`, `t_id_seq`) as a name: quoted parts
/// keep their case, unquoted ones fold to lower case. None if malformed.
pub fn regclass_name(text: &str) -> Option<TableName> {
    let mut parts = Vec::new();
    let mut chars = text.trim().chars().peekable();
    loop {
        let mut part = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next()? {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        part.push('"');
                    }
                    '"' => break,
                    c => part.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == '.' {
                    break;
                }
                if !(c.is_alphanumeric() || c == '_' || c == '$') {
                    return None;
                }
                part.extend(c.to_lowercase());
                chars.next();
            }
        }
        if part.is_empty() {
            return None;
        }
        parts.push(part);
        match chars.next() {
            None => break,
            Some('.') => {}
            Some(_) => return None,
        }
    }
    match parts.as_slice() {
        [n] => Some(TableName::new(None, n)),
        [s, n] => Some(TableName::new(Some(s), n)),
        _ => None,
    }
}

/// `CREATE SEQUENCE IF NOT EXISTS seq [AS integer];`
pub fn create_sequence(seq: &SequenceUse) -> String {
    match seq.as_type {
        Some(t) => format!(
            "CREATE SEQUENCE IF NOT EXISTS {} AS {t};",
            seq.sequence.quoted()
        ),
        None => format!("CREATE SEQUENCE IF NOT EXISTS {};", seq.sequence.quoted()),
    }
}

/// `ALTER SEQUENCE seq OWNED BY t.col;` — after this, dropping the table
/// (or the column) drops the sequence too.
pub fn sequence_owned_by(table: &TableName, seq: &SequenceUse) -> String {
    format!(
        "ALTER SEQUENCE {} OWNED BY {}.{};",
        seq.sequence.quoted(),
        table.quoted(),
        quote_ident(&seq.column)
    )
}

/// `DROP SEQUENCE seq;`
pub fn drop_sequence(seq: &TableName) -> String {
    format!("DROP SEQUENCE {};", seq.quoted())
}
