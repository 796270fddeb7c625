//! File names → table names and formats, and the backup's timestamp from its
//! directory name (`migration-2025-07-11T19-46-34-951Z`).

use super::FileFormat;
use crate::catalog::TableName;

/// PostgreSQL truncates identifiers longer than this (NAMEDATALEN - 1).
const MAX_IDENT_BYTES: usize = 63;

/// What a directory entry's name says it is.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Entry {
    Table {
        name: TableName,
        format: FileFormat,
        gzip: bool,
    },
    /// Not a table file; the reason goes into a warning.
    Other(&'static str),
}

/// Classify a file name. An error (a reason) when it looks like a table file
/// but its table name is not a valid identifier.
pub(crate) fn classify(file_name: &str) -> Result<Entry, String> {
    if file_name.starts_with('.') {
        return Ok(Entry::Other("hidden file"));
    }
    let (base, gzip) = match strip_suffix_ci(file_name, ".gz") {
        Some(b) => (b, true),
        None => (file_name, false),
    };
    let formats = [
        (".json", FileFormat::Json),
        (".jsonl", FileFormat::Jsonl),
        (".ndjson", FileFormat::Jsonl),
        (".csv", FileFormat::Csv),
    ];
    let Some((stem, format)) = formats
        .iter()
        .find_map(|(ext, f)| strip_suffix_ci(base, ext).map(|s| (s, *f)))
    else {
        return Ok(Entry::Other(
            "not a table file (.json/.jsonl/.ndjson/.csv, optionally .gz)",
        ));
    };
    let name = table_name(stem)?;
    Ok(Entry::Table { name, format, gzip })
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    if s.is_char_boundary(cut) && s[cut..].eq_ignore_ascii_case(suffix) {
        Some(&s[..cut])
    } else {
        None
    }
}

/// `public.projects` → schema `public`, name `projects`; `vector-sync-status` → bare.
pub(crate) fn table_name(stem: &str) -> Result<TableName, String> {
    let parts: Vec<&str> = stem.split('.').collect();
    let (schema, name) = match parts.as_slice() {
        [name] => (None, *name),
        [schema, name] => (Some(*schema), *name),
        _ => {
            return Err(format!(
                "table name \"{stem}\" has more than one dot; expected TABLE or SCHEMA.TABLE"
            ))
        }
    };
    if let Some(s) = schema {
        check_ident(s, "schema")?;
    }
    check_ident(name, "table")?;
    Ok(TableName::new(schema, name))
}

pub(crate) fn check_ident(ident: &str, what: &str) -> Result<(), String> {
    if ident.is_empty() {
        return Err(format!("empty {what} name"));
    }
    if ident.chars().any(char::is_control) {
        return Err(format!(
            "{what} name {ident:?} contains a control character or NUL"
        ));
    }
    if ident.len() > MAX_IDENT_BYTES {
        return Err(format!(
            "{what} name \"{ident}\" is {} bytes long; PostgreSQL allows at most {MAX_IDENT_BYTES}",
            ident.len()
        ));
    }
    Ok(())
}

/// The first `YYYY-MM-DD` in `name`, with a time if one follows:
/// `migration-2025-07-11T19-46-34-951Z` → `2025-07-11T19:46:34.951Z`,
/// `nightly-2025-07-12` → `2025-07-12`.
pub(crate) fn timestamp_in_name(name: &str) -> Option<String> {
    let b = name.as_bytes();
    (0..b.len()).find_map(|i| timestamp_at(&b[i..]))
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<&str> {
    let s = b.get(at..at + n)?;
    if s.iter().all(u8::is_ascii_digit) {
        std::str::from_utf8(s).ok()
    } else {
        None
    }
}

fn timestamp_at(b: &[u8]) -> Option<String> {
    let (y, mo, d) = (digits(b, 0, 4)?, digits(b, 5, 2)?, digits(b, 8, 2)?);
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let date = format!("{y}-{mo}-{d}");
    chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").ok()?;
    let Some(time) = time_at(b, 10) else {
        return Some(date);
    };
    Some(format!("{date}T{time}"))
}

/// `T19-46-34-951Z`, `T19:46:34.951Z`, `_193000`-less forms are not guessed.
fn time_at(b: &[u8], at: usize) -> Option<String> {
    if !matches!(b.get(at), Some(b'T' | b't' | b'_' | b' ')) {
        return None;
    }
    let h = digits(b, at + 1, 2)?;
    let sep = *b.get(at + 3)?;
    if !matches!(sep, b'-' | b':') || b.get(at + 6) != Some(&sep) {
        return None;
    }
    let (mi, s) = (digits(b, at + 4, 2)?, digits(b, at + 7, 2)?);
    chrono::NaiveTime::parse_from_str(&format!("{h}:{mi}:{s}"), "%H:%M:%S").ok()?;
    let mut out = format!("{h}:{mi}:{s}");
    let mut next = at + 9;
    if matches!(b.get(next), Some(b'-' | b'.')) {
        let len = b[next + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if len > 0 {
            out.push('.');
            out.push_str(std::str::from_utf8(&b[next + 1..next + 1 + len]).ok()?);
            next += 1 + len;
        }
    }
    if matches!(b.get(next), Some(b'Z' | b'z')) {
        out.push('Z');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_from_directory_names() {
        assert_eq!(
            timestamp_in_name("migration-2025-07-11T19-46-34-951Z").as_deref(),
            Some("2025-07-11T19:46:34.951Z")
        );
        assert_eq!(
            timestamp_in_name("nightly-2025-07-12").as_deref(),
            Some("2025-07-12")
        );
        assert_eq!(
            timestamp_in_name("b_2025-01-02T03:04:05").as_deref(),
            Some("2025-01-02T03:04:05")
        );
        assert_eq!(timestamp_in_name("backup-2025-13-40"), None);
        assert_eq!(timestamp_in_name("backup"), None);
    }

    #[test]
    fn file_names() {
        assert_eq!(
            classify("public.projects.json.gz"),
            Ok(Entry::Table {
                name: TableName::new(Some("public"), "projects"),
                format: FileFormat::Json,
                gzip: true
            })
        );
        assert_eq!(
            classify("vector-sync-status.NDJSON"),
            Ok(Entry::Table {
                name: TableName::new(None, "vector-sync-status"),
                format: FileFormat::Jsonl,
                gzip: false
            })
        );
        assert!(matches!(classify("notes.xml"), Ok(Entry::Other(_))));
        assert!(matches!(classify(".DS_Store"), Ok(Entry::Other(_))));
        assert!(classify(".json").is_ok()); // hidden
        assert!(classify("a\u{1}b.csv").is_err());
        assert!(classify("public..csv").is_err());
        assert!(classify(&format!("{}.json", "x".repeat(64))).is_err());
        assert!(classify(&format!("{}.json", "x".repeat(63))).is_ok());
    }
}
