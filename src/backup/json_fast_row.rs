//! A fast path for the common row: a flat JSON object whose values are
//! strings, numbers, booleans, null or nested JSON. It parses the element
//! once, straight into cells. Anything it does not fully understand — a
//! syntax error, a duplicate key, an escaped key — makes it return None, and
//! the serde-based parser (which owns all error messages) reads the row
//! instead, so both paths accept exactly the same input.

use super::json_row::ColumnIndex;
use crate::value::quote_or_backslash;
use crate::value::Cell;

pub(crate) fn parse_flat_object(
    text: &str,
    columns: &mut ColumnIndex,
) -> Option<Vec<Option<Cell>>> {
    let b = text.as_bytes();
    let mut cells: Vec<Option<Cell>> = vec![None; columns.names.len()];
    let mut i = ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return (ws(b, i + 1) == b.len()).then(|| {
            cells.resize(columns.names.len(), None);
            cells
        });
    }
    let mut hint = 0;
    loop {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let key_end = plain_string_end(b, i)?;
        let key = &text[i + 1..key_end];
        i = ws(b, key_end + 1);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = ws(b, i + 1);
        let (cell, next) = value(text, i)?;
        let col = columns.position_or_add_hinted(key, hint);
        hint = col + 1;
        if col >= cells.len() {
            cells.resize(col + 1, None);
        }
        if cells[col].is_some() {
            return None; // duplicate key: the full parser reports it
        }
        cells[col] = Some(cell);
        i = ws(b, next);
        match b.get(i) {
            Some(b',') => i = ws(b, i + 1),
            Some(b'}') => break,
            _ => return None,
        }
    }
    if ws(b, i + 1) != b.len() {
        return None;
    }
    cells.resize(columns.names.len(), None);
    Some(cells)
}

fn ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// One value at `i`: the cell and the index just past it.
fn value(text: &str, i: usize) -> Option<(Cell, usize)> {
    let b = text.as_bytes();
    match *b.get(i)? {
        b'"' => {
            let (s, end) = string(text, i)?;
            Some((Cell::Text(s), end))
        }
        b't' => literal(b, i, b"true", Cell::Bool(true)),
        b'f' => literal(b, i, b"false", Cell::Bool(false)),
        b'n' => literal(b, i, b"null", Cell::Null),
        b'-' | b'0'..=b'9' => {
            let end = number_end(b, i)?;
            Some((Cell::Number(text[i..end].to_owned()), end))
        }
        b'{' | b'[' => {
            let end = nested_end(b, i)?;
            let raw = &text[i..end];
            // The nested text must be valid JSON. Most is already in
            // canonical order: then the compact canonical text is both the
            // proof and the cell (the same JSON, without its whitespace),
            // which the diff's canonicalizer then takes as is.
            if let Some(compact) = crate::value::json_canonical_if_simple(raw) {
                return Some((Cell::Json(compact), end));
            }
            serde_json::from_str::<serde::de::IgnoredAny>(raw).ok()?;
            Some((Cell::Json(raw.to_owned()), end))
        }
        _ => None,
    }
}

fn literal(b: &[u8], i: usize, word: &[u8], cell: Cell) -> Option<(Cell, usize)> {
    b[i..].starts_with(word).then_some((cell, i + word.len()))
}

/// JSON number grammar; returns the end index.
fn number_end(b: &[u8], mut i: usize) -> Option<usize> {
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    let int_start = i;
    let n = digits(&mut i);
    if n == 0 || (n > 1 && b[int_start] == b'0') {
        return None;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
    }
    Some(i)
}

/// End quote of a string without escapes (keys); None if it has any.
fn plain_string_end(b: &[u8], start: usize) -> Option<usize> {
    let rest = &b[start + 1..];
    let end = quote_or_backslash(rest)?;
    if rest[end] == b'\\' || rest[..end].iter().any(|&c| c < 0x20) {
        return None;
    }
    Some(start + 1 + end)
}

/// A string value at `start`, unescaped; returns it and the index past its end quote.
fn string(text: &str, start: usize) -> Option<(String, usize)> {
    crate::value::read_json_string(text.as_bytes(), start).ok()
}

/// End of a nested object/array at `start` (balanced brackets outside strings).
fn nested_end(b: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    while i < b.len() {
        match b[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'"' => {
                // Skip the string, honouring escapes.
                i += 1;
                loop {
                    let rel = quote_or_backslash(&b[i..])?;
                    i += rel;
                    if b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    break;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Option<Vec<Option<Cell>>> {
        parse_flat_object(text, &mut ColumnIndex::default())
    }

    #[test]
    fn reads_a_typical_row() {
        let cells = parse(r#" {"id": "a", "n": -1.50e2, "ok": true, "x": null, "j": {"k": [1, "]"]}, "s": "q\"\\\n\u00e9\ud83d\ude00"} "#).unwrap();
        assert_eq!(
            cells,
            vec![
                Some(Cell::Text("a".into())),
                Some(Cell::Number("-1.50e2".into())),
                Some(Cell::Bool(true)),
                Some(Cell::Null),
                Some(Cell::Json(r#"{"k":[1,"]"]}"#.into())),
                Some(Cell::Text("q\"\\\né😀".into())),
            ]
        );
    }

    #[test]
    fn declines_what_the_full_parser_must_judge() {
        for text in [
            r#"{"a": 1, "a": 2}"#,
            r#"{"a\n": 1}"#,
            r#"{"a": 01}"#,
            r#"{"a": [1,]}"#,
            r#"{"a": "x"} x"#,
            r#"{"a": "\x"}"#,
            r#"{"a": tru}"#,
            r#"{"a": 1,}"#,
            r#"{"a" 1}"#,
            "{\"a\": \"tab\there\"}",
            r#"[1]"#,
            r#"{"a": "\ud800"}"#,
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn agrees_with_the_full_parser() {
        use std::path::Path;
        for text in [
            r#"{"id": 1, "name": "O'Brien \"the\" \\ one", "tags": ["a", "b"], "score": 10.50}"#,
            r#"{}"#,
            r#"{"u": "\u0041\u00e9", "deep": {"a": {"b": [[], {}]}}}"#,
        ] {
            let mut a = ColumnIndex::default();
            let mut b = ColumnIndex::default();
            let fast = parse_flat_object(text, &mut a).unwrap();
            let slow =
                super::super::json_row::parse_object(Path::new("t.json"), 1, 1, text, &mut b)
                    .unwrap();
            assert_eq!(fast, slow, "{text}");
            assert_eq!(a.names, b.names);
        }
    }
}
