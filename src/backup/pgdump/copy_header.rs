//! `COPY schema.table (col, ...) FROM stdin` as pg_dump writes it: names
//! are unquoted (folded to lower case, as PostgreSQL does) or double-quoted
//! with `""` for a quote (`"vector-sync-status"`, `"camelCase"`).

use crate::catalog::TableName;

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct CopyHeader {
    pub table: TableName,
    pub columns: Vec<String>,
}

#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    Quoted(String),
    Punct(u8),
}

fn tokens(text: &[u8]) -> Result<Vec<Token>, String> {
    let text = std::str::from_utf8(text).map_err(|_| "invalid UTF-8 in COPY statement")?;
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
        } else if b == b'"' {
            let mut name = String::new();
            let mut j = i + 1;
            loop {
                let Some(end) = text[j..].find('"').map(|p| j + p) else {
                    return Err("unterminated quoted name in COPY statement".into());
                };
                name.push_str(&text[j..end]);
                if bytes.get(end + 1) == Some(&b'"') {
                    name.push('"');
                    j = end + 2;
                } else {
                    i = end + 1;
                    break;
                }
            }
            if name.is_empty() {
                return Err("empty quoted name in COPY statement".into());
            }
            out.push(Token::Quoted(name));
        } else if b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80 {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric()
                    || matches!(bytes[i], b'_' | b'$')
                    || bytes[i] >= 0x80)
            {
                i += 1;
            }
            out.push(Token::Word(text[start..i].to_ascii_lowercase()));
        } else {
            out.push(Token::Punct(b));
            i += 1;
        }
    }
    Ok(out)
}

fn name(t: Option<&Token>) -> Option<String> {
    match t {
        Some(Token::Word(w) | Token::Quoted(w)) => Some(w.clone()),
        _ => None,
    }
}

fn is_word(t: Option<&Token>, word: &str) -> bool {
    matches!(t, Some(Token::Word(w)) if w == word)
}

/// Parse a COPY statement (without `;`). `Ok(None)` when it carries no
/// inline data (`TO stdout`, `FROM 'file'`, `COPY (SELECT ...)`).
pub(crate) fn parse(text: &[u8]) -> Result<Option<CopyHeader>, String> {
    let t = tokens(text)?;
    let mut i = 0;
    if !is_word(t.get(i), "copy") {
        return Err("not a COPY statement".into());
    }
    i += 1;
    let Some(first) = name(t.get(i)) else {
        return Ok(None); // COPY (query) TO ...
    };
    i += 1;
    let table = if t.get(i) == Some(&Token::Punct(b'.')) {
        let Some(second) = name(t.get(i + 1)) else {
            return Err("expected a table name after the schema in COPY".into());
        };
        i += 2;
        if t.get(i) == Some(&Token::Punct(b'.')) {
            return Err("COPY names a table with more than two parts".into());
        }
        TableName::new(Some(&first), &second)
    } else {
        TableName::new(None, &first)
    };
    let mut columns = Vec::new();
    if t.get(i) == Some(&Token::Punct(b'(')) {
        i += 1;
        loop {
            let Some(column) = name(t.get(i)) else {
                return Err(format!(
                    "expected a column name at column {} of the list",
                    columns.len() + 1
                ));
            };
            columns.push(column);
            i += 1;
            match t.get(i) {
                Some(Token::Punct(b',')) => i += 1,
                Some(Token::Punct(b')')) => {
                    i += 1;
                    break;
                }
                _ => return Err("expected `,` or `)` in the COPY column list".into()),
            }
        }
    }
    if !is_word(t.get(i), "from") || !is_word(t.get(i + 1), "stdin") {
        return Ok(None);
    }
    if i + 2 != t.len() {
        // pg_dump writes text-format COPY without options; CSV or binary
        // data would need another decoder.
        return Err(
            "COPY ... FROM stdin with options is not supported (only pg_dump's text format)".into(),
        );
    }
    Ok(Some(CopyHeader { table, columns }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(text: &str) -> CopyHeader {
        parse(text.as_bytes()).unwrap().unwrap()
    }

    #[test]
    fn quoted_and_unquoted_names() {
        let h = header(
            r#"COPY public."vector-sync-status" (id, "camelCase", "se;mi""q", MixedUp) FROM stdin"#,
        );
        assert_eq!(
            h.table,
            TableName::new(Some("public"), "vector-sync-status")
        );
        assert_eq!(h.columns, vec!["id", "camelCase", "se;mi\"q", "mixedup"]);
        let h = header("copy  Items  from  STDIN");
        assert_eq!(h.table, TableName::new(None, "items"));
        assert!(h.columns.is_empty());
        assert_eq!(
            header(r#"COPY "Ü"."日本" ("é") FROM stdin"#).columns,
            vec!["é"]
        );
    }

    #[test]
    fn copies_without_inline_data_are_not_headers() {
        for text in [
            "COPY t TO stdout",
            "COPY t FROM '/tmp/x'",
            "COPY (SELECT 1) TO stdout",
        ] {
            assert_eq!(parse(text.as_bytes()).unwrap(), None, "{text}");
        }
    }

    #[test]
    fn malformed_headers_are_errors() {
        for text in [
            "COPY a.b.c FROM stdin",
            "COPY t (a, FROM stdin",
            "COPY t (a b) FROM stdin",
            r#"COPY "t FROM stdin"#,
            r#"COPY "" FROM stdin"#,
            "COPY t FROM stdin WITH (FORMAT csv)",
        ] {
            assert!(parse(text.as_bytes()).is_err(), "{text}");
        }
    }
}
