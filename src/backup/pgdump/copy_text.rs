//! One line of PostgreSQL's COPY text format (what `pg_dump --format=plain`
//! writes between `COPY ... FROM stdin;` and `\.`), decoded the way
//! `COPY FROM` reads it: fields split at raw tabs, `\N` (the whole raw field)
//! is NULL, backslash escapes undone afterwards, so `\\N` is the text `\N`.
//!
//! The live side has its own chunk-fed parser (`live::copy_text`) tuned for
//! `COPY TO STDOUT`; this one is line-at-a-time because a dump is read by
//! lines anyway. Both undo escapes with `value::copy_text`, which refuses
//! what PostgreSQL never writes (raw CR/LF, a stray `\.`).

use crate::value::copy_text::unescape_into;
use std::fmt;

/// What a line turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum Line {
    /// A row; its fields are in `out`.
    Row,
    /// The end-of-data marker `\.`; `out` is left empty.
    EndOfData,
}

/// Why one line could not be decoded. The caller adds file, line and table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyError {
    /// 1-based field number where the problem is.
    pub column: usize,
    pub message: String,
}

impl fmt::Display for CopyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for CopyError {}

/// Decode `line` (without its line terminator) into `out` (cleared first):
/// `None` for NULL, `Some(text)` otherwise.
pub fn decode_line(line: &[u8], out: &mut Vec<Option<String>>) -> Result<Line, CopyError> {
    out.clear();
    if line == b"\\." {
        return Ok(Line::EndOfData);
    }
    let mut scratch = Vec::new();
    for (i, raw) in line.split(|&b| b == b'\t').enumerate() {
        let column = i + 1;
        let err = |message: String| CopyError { column, message };
        if raw == b"\\N" {
            out.push(None);
            continue;
        }
        let bytes: &[u8] = if raw.iter().any(|&b| matches!(b, b'\\' | b'\r' | b'\n')) {
            unescape_into(raw, &mut scratch).map_err(err)?;
            &scratch
        } else {
            raw
        };
        if let Some(at) = memchr::memchr(0, bytes) {
            // PostgreSQL text cannot hold NUL; COPY FROM rejects it too.
            return Err(err(format!("NUL byte at decoded byte {}", at + 1)));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            err(format!(
                "invalid UTF-8 at decoded byte {}",
                e.valid_up_to() + 1
            ))
        })?;
        out.push(Some(text.to_owned()));
    }
    Ok(Line::Row)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(line: &[u8]) -> Result<Vec<Option<String>>, CopyError> {
        let mut out = vec![Some("stale".to_owned())];
        assert_eq!(decode_line(line, &mut out)?, Line::Row);
        Ok(out)
    }

    fn s(text: &str) -> Option<String> {
        Some(text.to_owned())
    }

    #[test]
    fn null_empty_and_the_text_backslash_n_are_three_different_things() {
        assert_eq!(
            decode(b"\\N\t\t\\\\N\tN\t\\\\").unwrap(),
            vec![None, s(""), s("\\N"), s("N"), s("\\")]
        );
        // `\N` is NULL only as a whole field.
        assert_eq!(decode(b"a\\N").unwrap(), vec![s("aN")]);
        assert_eq!(decode(b"\\Nx").unwrap(), vec![s("Nx")]);
        assert_eq!(decode(b"").unwrap(), vec![s("")]);
        assert_eq!(decode(b"\t").unwrap(), vec![s(""), s("")]);
    }

    #[test]
    fn control_character_escapes() {
        assert_eq!(
            decode(b"a\\tb\\nc\\rd\\be\\ff\\vg\ttab\\\\t").unwrap(),
            vec![s("a\tb\nc\rd\u{8}e\u{c}f\u{b}g"), s("tab\\t")]
        );
    }

    #[test]
    fn octal_and_hex_escapes() {
        // Octal takes at most three digits; hex at most two.
        assert_eq!(
            decode(b"\\101\\1011\\7\\18\tx\\x41\\x4z\\x414\\xg\\x").unwrap(),
            vec![s("AA1\u{7}\u{1}8"), s("xA\u{4}zA4xgx")]
        );
        // Oversized octal keeps its low byte: \501 = 0x141 -> 0x41.
        assert_eq!(decode(b"\\501").unwrap(), vec![s("A")]);
    }

    #[test]
    fn other_escaped_characters_stand_for_themselves() {
        assert_eq!(
            decode(b"\\q\\\"\\'\\ \\\xc3\xa9").unwrap(),
            vec![s("q\"' é")]
        );
    }

    #[test]
    fn unicode_passes_through_and_escaped_utf8_bytes_are_reassembled() {
        assert_eq!(
            decode("€\t日本語\t🙂".as_bytes()).unwrap(),
            vec![s("€"), s("日本語"), s("🙂")]
        );
        assert_eq!(
            decode(b"\\342\\202\\254\t\\xe2\\x82\\xac").unwrap(),
            vec![s("€"), s("€")]
        );
    }

    #[test]
    fn end_of_data_marker() {
        let mut out = vec![s("stale")];
        assert_eq!(decode_line(b"\\.", &mut out).unwrap(), Line::EndOfData);
        assert!(out.is_empty());
        let e = decode(b"a\t\\.").unwrap_err();
        assert_eq!((e.column, e.message.contains("end-of-data")), (2, true));
        // An escaped backslash followed by a dot is just text.
        assert_eq!(decode(b"\\\\.").unwrap(), vec![s("\\.")]);
    }

    #[test]
    fn errors_name_the_column_and_the_problem() {
        let e = decode(b"ok\t\xff").unwrap_err();
        assert_eq!(e.to_string(), "column 2: invalid UTF-8 at decoded byte 1");
        let e = decode(b"ok\tok\tab\\xff").unwrap_err();
        assert_eq!(e.to_string(), "column 3: invalid UTF-8 at decoded byte 3");
        let e = decode(b"ab\\").unwrap_err();
        assert_eq!(e.to_string(), "column 1: field ends with a lone backslash");
        let e = decode(b"a\tb\\000c").unwrap_err();
        assert_eq!(e.to_string(), "column 2: NUL byte at decoded byte 2");
        let e = decode(b"a\r").unwrap_err();
        assert!(e.message.contains("raw carriage return"), "{e}");
        let e = decode(b"\\777").unwrap_err();
        assert!(e.message.contains("invalid UTF-8"), "{e}");
    }
}
