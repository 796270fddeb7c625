//! Find JSON values' byte spans in a stream without parsing them: strings,
//! escapes and nesting are tracked so a 300 MB array is walked one element at
//! a time. serde_json then parses each element from its own small slice.

use super::source::ByteSource;
use crate::error::Result;

/// Where a captured value began, for error positions inside it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Start {
    pub line: u64,
    pub column: u64,
}

/// Read one JSON value starting at the next non-whitespace byte. Its bytes are
/// appended to `capture` when given (otherwise the value is skipped). Only the
/// span is found here; validity is serde_json's job.
pub(crate) fn read_value(src: &mut ByteSource, capture: Option<&mut Vec<u8>>) -> Result<Start> {
    let first = match src.skip_ws()? {
        Some(b) => b,
        None => return Err(src.error("unexpected end of file: expected a JSON value")),
    };
    let start = Start {
        line: src.line(),
        column: src.column(),
    };
    match first {
        b'{' | b'[' | b'"' => read_delimited(src, capture)?,
        b'}' | b']' | b',' | b':' => {
            return Err(src.error(format!(
                "column {}: expected a JSON value, found '{}'",
                start.column, first as char
            )))
        }
        _ => read_scalar(src, capture)?,
    }
    Ok(start)
}

/// Bytes that start a string or change nesting depth outside strings.
static STRUCTURAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'{' as usize] = true;
    t[b'}' as usize] = true;
    t[b'[' as usize] = true;
    t[b']' as usize] = true;
    t
};

/// An object, array or string: ends where nesting returns to zero.
fn read_delimited(src: &mut ByteSource, mut capture: Option<&mut Vec<u8>>) -> Result<()> {
    let mut depth: usize = 0;
    let mut in_string = false;
    // A backslash was the last byte of the previous chunk.
    let mut escape = false;
    loop {
        if !src.fill()? {
            let what = if in_string {
                "string"
            } else {
                "object or array"
            };
            return Err(src.error(format!("unexpected end of file inside a JSON {what}")));
        }
        let chunk = src.chunk();
        let mut done = false;
        let mut i = 0;
        if escape {
            escape = false;
            i = 1;
        }
        while i < chunk.len() {
            if in_string {
                // Jump to the next quote or backslash. Row strings are short,
                // where a plain loop beats memchr's per-call setup.
                let Some(j) = crate::value::quote_or_backslash(&chunk[i..]) else {
                    i = chunk.len();
                    break;
                };
                i += j + 1;
                if chunk[i - 1] == b'\\' {
                    if i < chunk.len() {
                        i += 1;
                    } else {
                        escape = true;
                    }
                } else {
                    in_string = false;
                    if depth == 0 {
                        done = true;
                        break;
                    }
                }
                continue;
            }
            // Skip bytes that cannot change nesting (numbers, literals, `:`, `,`, spaces).
            while i < chunk.len() && !STRUCTURAL[chunk[i] as usize] {
                i += 1;
            }
            let Some(&b) = chunk.get(i) else {
                break;
            };
            i += 1;
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    // The first byte opened something, so depth is at least 1 here.
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        done = true;
                        break;
                    }
                }
                _ => {}
            }
        }
        if let Some(buf) = capture.as_deref_mut() {
            buf.extend_from_slice(&chunk[..i]);
        }
        src.consume(i);
        if done {
            return Ok(());
        }
    }
}

/// A number or literal: ends at whitespace, a delimiter, or end of file.
fn read_scalar(src: &mut ByteSource, mut capture: Option<&mut Vec<u8>>) -> Result<()> {
    loop {
        if !src.fill()? {
            return Ok(());
        }
        let chunk = src.chunk();
        let end = chunk.iter().position(|&b| {
            matches!(
                b,
                b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}' | b':' | b'"' | b'[' | b'{'
            )
        });
        let n = end.unwrap_or(chunk.len());
        if let Some(buf) = capture.as_deref_mut() {
            buf.extend_from_slice(&chunk[..n]);
        }
        src.consume(n);
        if end.is_some() {
            return Ok(());
        }
    }
}

/// Consume `expected` (after whitespace) or fail with what was found instead.
pub(crate) fn expect_byte(src: &mut ByteSource, expected: u8, context: &str) -> Result<()> {
    match src.skip_ws()? {
        Some(b) if b == expected => {
            src.consume(1);
            Ok(())
        }
        Some(b) => Err(src.error(format!(
            "column {}: expected '{}' {context}, found '{}'",
            src.column(),
            expected as char,
            printable(b)
        ))),
        None => Err(src.error(format!(
            "unexpected end of file: expected '{}' {context}",
            expected as char
        ))),
    }
}

/// After an element: `,` (more follow) or the container's closing byte.
/// Returns true when the container is closed.
pub(crate) fn after_element(src: &mut ByteSource, close: u8, context: &str) -> Result<bool> {
    match src.skip_ws()? {
        Some(b',') => {
            src.consume(1);
            match src.skip_ws()? {
                Some(b) if b == close => Err(src.error(format!(
                    "column {}: trailing comma before '{}' {context}",
                    src.column(),
                    close as char
                ))),
                _ => Ok(false),
            }
        }
        Some(b) if b == close => {
            src.consume(1);
            Ok(true)
        }
        Some(b) => Err(src.error(format!(
            "column {}: expected ',' or '{}' {context}, found '{}'",
            src.column(),
            close as char,
            printable(b)
        ))),
        None => Err(src.error(format!(
            "unexpected end of file: {context} is not closed with '{}'",
            close as char
        ))),
    }
}

/// Nothing but whitespace may follow the top-level value.
pub(crate) fn expect_end(src: &mut ByteSource) -> Result<()> {
    match src.skip_ws()? {
        None => Ok(()),
        Some(b) => Err(src.error(format!(
            "column {}: unexpected '{}' after the end of the top-level JSON value",
            src.column(),
            printable(b)
        ))),
    }
}

pub(crate) fn printable(b: u8) -> String {
    if b.is_ascii_graphic() || b == b' ' {
        (b as char).to_string()
    } else {
        format!("\\x{b:02x}")
    }
}

/// Position the stream just inside the array that holds the rows: the whole
/// file for a per-table file, or the value of `key` in a single-file backup
/// (other tables' values are skipped, not parsed). Returns false if the array
/// is empty (the closing bracket is already consumed).
pub(crate) fn enter_rows_array(src: &mut ByteSource, key: Option<&str>) -> Result<bool> {
    if let Some(key) = key {
        seek_top_level_key(src, key)?;
    }
    match src.skip_ws()? {
        Some(b'[') => src.consume(1),
        Some(b) => {
            let what = match key {
                Some(k) => format!("the value of \"{k}\""),
                None => "the file".to_string(),
            };
            return Err(src.error(format!(
                "column {}: expected {what} to be a JSON array of row objects, found '{}'",
                src.column(),
                printable(b)
            )));
        }
        None => return Err(src.error("empty file: expected a JSON array of row objects")),
    }
    match src.skip_ws()? {
        Some(b']') => {
            src.consume(1);
            if key.is_none() {
                expect_end(src)?;
            }
            Ok(false)
        }
        _ => Ok(true),
    }
}

/// Read a top-level object key (a JSON string) and its colon.
pub(crate) fn read_key(src: &mut ByteSource, scratch: &mut Vec<u8>) -> Result<String> {
    scratch.clear();
    match src.skip_ws()? {
        Some(b'"') => {}
        Some(b) => {
            return Err(src.error(format!(
                "column {}: expected a quoted key, found '{}'",
                src.column(),
                printable(b)
            )))
        }
        None => return Err(src.error("unexpected end of file: expected a key")),
    }
    let line = src.line();
    read_value(src, Some(scratch))?;
    let key: String = serde_json::from_slice(scratch)
        .map_err(|e| super::json_row::json_error(&src.file, line, 1, &e))?;
    expect_byte(src, b':', &format!("after key \"{key}\""))?;
    Ok(key)
}

fn seek_top_level_key(src: &mut ByteSource, key: &str) -> Result<()> {
    expect_byte(src, b'{', "at the start of a single-file backup")?;
    let mut scratch = Vec::new();
    if src.skip_ws()? == Some(b'}') {
        return Err(src.error(format!("no key \"{key}\" in the top-level object")));
    }
    loop {
        let k = read_key(src, &mut scratch)?;
        if k == key {
            return Ok(());
        }
        read_value(src, None)?;
        if after_element(src, b'}', "in the top-level object")? {
            return Err(src.error(format!("no key \"{key}\" in the top-level object")));
        }
    }
}
