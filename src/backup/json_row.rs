//! One JSON object → one row of cells, aligned to the columns seen so far.
//! Numbers keep their literal text (never through f64); nested objects and
//! arrays keep their raw JSON text.

use crate::error::{Error, Result};
use crate::value::Cell;
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::Deserializer;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

/// Column names in order of first appearance, with a lookup by name.
#[derive(Debug, Default)]
pub(crate) struct ColumnIndex {
    pub names: Vec<String>,
    by_name: HashMap<String, usize>,
}

impl ColumnIndex {
    pub fn from_header(names: Vec<String>) -> std::result::Result<Self, String> {
        let mut index = ColumnIndex::default();
        for name in names {
            if index.by_name.contains_key(&name) {
                return Err(format!("duplicate column \"{name}\" in header"));
            }
            index.position_or_add(&name);
        }
        Ok(index)
    }

    /// `hint` is where the key is expected (rows usually repeat one key
    /// order), checked before hashing.
    pub(crate) fn position_or_add_hinted(&mut self, name: &str, hint: usize) -> usize {
        match self.names.get(hint) {
            Some(n) if n == name => hint,
            _ => self.position_or_add(name),
        }
    }

    fn position_or_add(&mut self, name: &str) -> usize {
        if let Some(&i) = self.by_name.get(name) {
            return i;
        }
        let i = self.names.len();
        self.names.push(name.to_owned());
        self.by_name.insert(name.to_owned(), i);
        i
    }
}

/// Turn a serde_json error inside a value that starts at (`line`, `column`)
/// of `file` into an error with the absolute line and column.
pub(crate) fn json_error(file: &Path, line: u64, column: u64, e: &serde_json::Error) -> Error {
    let text = e.to_string();
    let message = match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => &text,
    };
    if e.line() == 0 {
        return Error::backup(file, Some(line), message.to_string());
    }
    let abs_line = line + e.line() as u64 - 1;
    if e.column() == 0 {
        // serde_json stopped on a newline: the problem is at the end of the previous line.
        return Error::backup(
            file,
            Some(abs_line.saturating_sub(1).max(1)),
            message.to_string(),
        );
    }
    let abs_col = if e.line() == 1 {
        column + e.column() as u64 - 1
    } else {
        e.column() as u64
    };
    Error::backup(file, Some(abs_line), format!("column {abs_col}: {message}"))
}

/// Check that `bytes` (a value starting at `line`) is UTF-8, naming the exact
/// line of the first bad byte.
pub(crate) fn utf8<'a>(file: &Path, line: u64, bytes: &'a [u8]) -> Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let bad_line = line + good.iter().filter(|&&b| b == b'\n').count() as u64;
        Error::backup(
            file,
            Some(bad_line),
            format!(
                "invalid UTF-8 (byte 0x{:02x})",
                bytes.get(e.valid_up_to()).copied().unwrap_or(0)
            ),
        )
    })
}

/// Parse one object element into cells aligned with `columns` (which grows as
/// new keys appear). `line`/`column` locate the element's first byte.
pub(crate) fn parse_object(
    file: &Path,
    line: u64,
    column: u64,
    text: &str,
    columns: &mut ColumnIndex,
) -> Result<Vec<Option<Cell>>> {
    match text.as_bytes().first() {
        Some(b'{') => {}
        _ => {
            return Err(Error::backup(
                file,
                Some(line),
                format!(
                    "expected a JSON object per row, found {}",
                    describe(text.as_bytes().first().copied())
                ),
            ))
        }
    }
    if let Some(cells) = super::json_fast_row::parse_flat_object(text, columns) {
        return Ok(cells);
    }
    let mut cells: Vec<Option<Cell>> = Vec::with_capacity(columns.names.len());
    let mut de = serde_json::Deserializer::from_str(text);
    let seed = RowSeed {
        columns,
        cells: &mut cells,
    };
    seed.deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| json_error(file, line, column, &e))?;
    cells.resize(columns.names.len(), None);
    Ok(cells)
}

fn describe(first: Option<u8>) -> &'static str {
    match first {
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        Some(b'-' | b'0'..=b'9') => "a number",
        _ => "something else",
    }
}

struct RowSeed<'c> {
    columns: &'c mut ColumnIndex,
    cells: &'c mut Vec<Option<Cell>>,
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let mut hint = 0;
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            let raw: &'de RawValue = map.next_value()?;
            let i = self.columns.position_or_add_hinted(&key, hint);
            hint = i + 1;
            if i >= self.cells.len() {
                self.cells.resize(i + 1, None);
            }
            if self.cells[i].is_some() {
                return Err(de::Error::custom(format!("duplicate key \"{key}\"")));
            }
            self.cells[i] = Some(raw_to_cell(raw.get()).map_err(de::Error::custom)?);
        }
        Ok(())
    }
}

/// Classify an already-validated raw JSON value.
fn raw_to_cell(raw: &str) -> std::result::Result<Cell, serde_json::Error> {
    Ok(match raw.as_bytes().first() {
        Some(b'"') => {
            let inner = &raw[1..raw.len() - 1];
            // serde_json has already rejected raw control characters.
            if memchr::memchr(b'\\', inner.as_bytes()).is_some() {
                Cell::Text(serde_json::from_str::<String>(raw)?)
            } else {
                Cell::Text(inner.to_owned())
            }
        }
        Some(b't') => Cell::Bool(true),
        Some(b'f') => Cell::Bool(false),
        Some(b'n') => Cell::Null,
        Some(b'{' | b'[') => Cell::Json(raw.to_owned()),
        _ => Cell::Number(raw.to_owned()),
    })
}

/// An object key, borrowed when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(
                self,
                v: &'de str,
            ) -> std::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(text: &str, cols: &mut ColumnIndex) -> Result<Vec<Option<Cell>>> {
        parse_object(Path::new("t.json"), 3, 5, text, cols)
    }

    #[test]
    fn numbers_keep_their_literal() {
        let mut cols = ColumnIndex::default();
        let cells = row(
            r#"{"a": 10.50, "b": 1e3, "c": 12345678901234567890123}"#,
            &mut cols,
        )
        .unwrap();
        assert_eq!(
            cells,
            vec![
                Some(Cell::Number("10.50".into())),
                Some(Cell::Number("1e3".into())),
                Some(Cell::Number("12345678901234567890123".into()))
            ]
        );
    }

    #[test]
    fn nested_values_keep_their_json_and_escapes_decode() {
        let mut cols = ColumnIndex::default();
        let cells = row(
            r#"{"j": {"x": [1, 2]}, "s": "a\"b\\c\nd\te\u0001", "n": null, "t": true}"#,
            &mut cols,
        )
        .unwrap();
        // Nested JSON in canonical order is kept compact (same JSON, no whitespace).
        assert_eq!(cells[0], Some(Cell::Json(r#"{"x":[1,2]}"#.into())));
        assert_eq!(cells[1], Some(Cell::Text("a\"b\\c\nd\te\u{1}".into())));
        assert_eq!(cells[2], Some(Cell::Null));
        assert_eq!(cells[3], Some(Cell::Bool(true)));
    }

    #[test]
    fn columns_grow_and_absent_keys_are_none() {
        let mut cols = ColumnIndex::default();
        row(r#"{"a": 1}"#, &mut cols).unwrap();
        let cells = row(r#"{"b": 2}"#, &mut cols).unwrap();
        assert_eq!(cols.names, vec!["a", "b"]);
        assert_eq!(cells, vec![None, Some(Cell::Number("2".into()))]);
    }

    #[test]
    fn duplicate_key_names_line_and_key() {
        let mut cols = ColumnIndex::default();
        let err = row("{\"a\": 1,\n \"a\": 2}", &mut cols)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("t.json:4: "), "{err}");
        assert!(err.contains("duplicate key \"a\""), "{err}");
    }

    #[test]
    fn non_object_is_an_error() {
        let mut cols = ColumnIndex::default();
        let err = row("[1]", &mut cols).unwrap_err().to_string();
        assert_eq!(
            err,
            "t.json:3: expected a JSON object per row, found an array"
        );
    }
}
