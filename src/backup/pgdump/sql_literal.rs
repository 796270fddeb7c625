//! One value of an INSERT as pg_dump writes it (`--inserts`), turned into
//! the text COPY would have written for it: `'it''s'`, `E'a\nb'`, numbers
//! as written (`-12.50`, `1.5e-10`; `'NaN'` is quoted), `NULL`,
//! `true`/`false` (COPY says `t`/`f`), `B'0101'`, and `DEFAULT` (pg_dump's
//! placeholder for a generated column). A `::type` cast after a value is skipped.
//! Hand-written for speed: a dump can hold millions of these.

use super::cursor::Cursor;
use super::escapes::{hex, unescape};
use crate::error::Result;
use crate::report::visible;

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Value {
    Null,
    Default,
    /// The text is in the `out` buffer given to [`value`] (when decoding).
    Text,
}

/// Read one value at the cursor. With `out`, its text is decoded into it;
/// without, the value is only skipped (counting rows during the scan).
/// `backslashes`: `standard_conforming_strings` is off, so `'...'` has escapes.
pub(crate) fn value(
    c: &mut Cursor,
    backslashes: bool,
    mut out: Option<&mut String>,
    raw: &mut Vec<u8>,
) -> Result<Value> {
    if let Some(o) = out.as_deref_mut() {
        o.clear();
    }
    raw.clear();
    let Some(b) = c.peek()? else {
        return Err(c.error("file ends where a value was expected"));
    };
    let prefixed = |p: u8| b.eq_ignore_ascii_case(&p) && c.peek2() == Some(b'\'');
    let value = if b == b'\'' {
        string(c, backslashes, raw)?;
        finish_text(c, raw, out, backslashes)?
    } else if prefixed(b'e') {
        c.bump();
        string(c, true, raw)?;
        finish_text(c, raw, out, true)?
    } else if prefixed(b'b') || prefixed(b'x') {
        c.bump();
        string(c, false, raw)?;
        bits(c, raw, b.eq_ignore_ascii_case(&b'x'), out)?
    } else if b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.') {
        number(c, raw, out)?
    } else if b.is_ascii_alphabetic() {
        word(c, raw, out)?
    } else {
        return Err(c.error(format!(
            "expected a value (a quoted string, a number, NULL, true, false or B'...'), found {}",
            visible(&(b as char).to_string())
        )));
    };
    skip_cast(c)?;
    Ok(value)
}

/// `'...'` at the cursor: its content into `raw` with `''` undoubled; with
/// `backslashes`, `\x` pairs are kept as they are (undone by [`unescape`]).
fn string(c: &mut Cursor, backslashes: bool, raw: &mut Vec<u8>) -> Result<()> {
    let start = c.line();
    c.bump();
    loop {
        let rest = c.rest();
        let stop = rest
            .iter()
            .position(|&b| b == b'\'' || (backslashes && b == b'\\'));
        match stop {
            None => {
                raw.extend_from_slice(rest);
                let n = rest.len();
                c.advance(n);
                if c.peek()?.is_none() {
                    return Err(c.error(format!(
                        "string starting at line {start} never ends (truncated dump?)"
                    )));
                }
            }
            Some(i) => {
                let quote = rest[i] == b'\'';
                raw.extend_from_slice(&rest[..i]);
                c.advance(i);
                if quote {
                    if c.peek2() == Some(b'\'') {
                        raw.push(b'\'');
                        c.advance(2);
                    } else {
                        c.bump();
                        return Ok(());
                    }
                } else {
                    // Keep `\` and the byte after it (which may be a quote).
                    raw.push(b'\\');
                    c.bump();
                    match c.peek()? {
                        Some(b) => {
                            raw.push(b);
                            c.bump();
                        }
                        None => return Err(c.error("file ends inside a string")),
                    }
                }
            }
        }
    }
}

fn finish_text(
    c: &Cursor,
    raw: &mut Vec<u8>,
    out: Option<&mut String>,
    escapes: bool,
) -> Result<Value> {
    let Some(out) = out else {
        return Ok(Value::Text);
    };
    let bytes = if escapes && raw.contains(&b'\\') {
        unescape(raw).map_err(|m| c.error(m))?
    } else {
        std::mem::take(raw)
    };
    match String::from_utf8(bytes) {
        Ok(s) => *out = s,
        Err(_) => return Err(c.error("string is not valid UTF-8")),
    }
    Ok(Value::Text)
}

/// `B'0101'` is `0101`; `X'1F'` is `00011111`. Checked also when not decoded.
fn bits(c: &Cursor, raw: &[u8], hex_digits: bool, mut out: Option<&mut String>) -> Result<Value> {
    for &b in raw {
        let digits = match (hex_digits, b) {
            (false, b'0' | b'1') => None,
            (true, _) if hex(b).is_some() => hex(b),
            _ => {
                return Err(c.error(format!(
                    "bit string has a {} in it",
                    visible(&(b as char).to_string())
                )))
            }
        };
        if let Some(o) = out.as_deref_mut() {
            match digits {
                Some(v) => o.push_str(&format!("{v:04b}")),
                None => o.push(b as char),
            }
        }
    }
    Ok(Value::Text)
}

fn number(c: &mut Cursor, raw: &mut Vec<u8>, out: Option<&mut String>) -> Result<Value> {
    let rest = c.rest();
    let n = rest
        .iter()
        .position(|&b| !(b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-')))
        .unwrap_or(rest.len());
    raw.extend_from_slice(&rest[..n]);
    c.advance(n);
    if !raw.iter().any(u8::is_ascii_digit) {
        return Err(c.error(format!(
            "expected a number, found {}",
            visible(&String::from_utf8_lossy(raw))
        )));
    }
    if let Some(out) = out {
        // Only ASCII bytes were taken.
        out.push_str(&String::from_utf8_lossy(raw));
    }
    Ok(Value::Text)
}

fn word(c: &mut Cursor, raw: &mut Vec<u8>, out: Option<&mut String>) -> Result<Value> {
    let rest = c.rest();
    let n = rest
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
        .unwrap_or(rest.len());
    raw.extend_from_slice(&rest[..n]);
    c.advance(n);
    let text = |s: &str, out: Option<&mut String>| {
        if let Some(o) = out {
            o.push_str(s);
        }
        Value::Text
    };
    Ok(match raw.to_ascii_lowercase().as_slice() {
        b"null" => Value::Null,
        b"default" => Value::Default,
        b"true" => text("t", out),
        b"false" => text("f", out),
        _ => {
            return Err(c.error(format!(
            "expected a value (a quoted string, a number, NULL, true, false or B'...'), found {}",
            visible(&String::from_utf8_lossy(raw))
        )))
        }
    })
}

/// `::type` after a value: skipped up to the `,` or `)` that ends the value.
fn skip_cast(c: &mut Cursor) -> Result<()> {
    c.skip_space()?;
    if !(c.peek()? == Some(b':') && c.peek2() == Some(b':')) {
        return Ok(());
    }
    let mut depth = 0u32;
    let mut quoted = false;
    while let Some(b) = c.peek()? {
        match b {
            b'"' => quoted = !quoted,
            b'(' | b'[' if !quoted => depth += 1,
            b')' | b']' if !quoted && depth > 0 => depth -= 1,
            b',' | b')' | b';' if !quoted && depth == 0 => return Ok(()),
            _ => {}
        }
        c.bump();
    }
    Err(c.error("file ends inside a type cast"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backup::pgdump::lines::Lines;

    /// Values separated by `,` as [`value`] reads them from a file holding `sql`.
    fn values(sql: &str, backslashes: bool) -> Result<Vec<Option<String>>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.sql");
        std::fs::write(&path, sql).unwrap();
        let mut c = Cursor::new(Lines::open(&path, false)?);
        let (mut out, mut text, mut raw) = (Vec::new(), String::new(), Vec::new());
        loop {
            c.skip_space()?;
            if c.peek()?.is_none() {
                return Ok(out);
            }
            match value(&mut c, backslashes, Some(&mut text), &mut raw)? {
                Value::Null => out.push(None),
                Value::Default => out.push(Some("<default>".into())),
                Value::Text => out.push(Some(text.clone())),
            }
            c.skip_space()?;
            if c.peek()? == Some(b',') {
                c.bump();
            }
        }
    }

    #[test]
    fn values_become_copy_text() {
        let got = values(
            "'it''s', E'a\\tb\\n', -12.50, 1.5e-10, 'NaN', NULL, true, FALSE, B'0101', X'1F', DEFAULT,\n\
             'two\nlines', '2025-01-01'::timestamp with time zone, 'x'::\"my type\"[], 7",
            false,
        )
        .unwrap();
        let want: Vec<Option<&str>> = vec![
            Some("it's"),
            Some("a\tb\n"),
            Some("-12.50"),
            Some("1.5e-10"),
            Some("NaN"),
            None,
            Some("t"),
            Some("f"),
            Some("0101"),
            Some("00011111"),
            Some("<default>"),
            Some("two\nlines"),
            Some("2025-01-01"),
            Some("x"),
            Some("7"),
        ];
        assert_eq!(
            got,
            want.iter()
                .map(|v| v.map(str::to_owned))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn backslashes_in_plain_strings_only_when_standard_strings_are_off() {
        assert_eq!(values(r"'a\b'", false).unwrap(), [Some(r"a\b".to_owned())]);
        assert_eq!(
            values(r"'a\\b\'c'", true).unwrap(),
            [Some(r"a\b'c".to_owned())]
        );
    }

    #[test]
    fn malformed_values_are_errors_with_the_line() {
        for (sql, expected) in [
            ("\n@", ":2: expected a value"),
            ("'open", ":1: string starting at line 1 never ends"),
            ("B'012'", "bit string has a 2"),
            ("maybe", "expected a value"),
            ("-", "expected a number"),
            ("E'\\uD800'", "surrogate"),
            ("'x'::text", ""),
        ] {
            match values(sql, false) {
                Ok(_) => assert!(expected.is_empty(), "{sql}"),
                Err(e) => assert!(e.to_string().contains(expected), "{sql}: {e}"),
            }
        }
    }
}
