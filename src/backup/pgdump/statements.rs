//! Splits the SQL part of a plain dump into statements, line by line, so a
//! `COPY ... FROM stdin;` is recognised only where a statement starts: the
//! same words inside a function body, a string or a comment are not one.
//! COPY, SET and the DDL that describes tables keep their text (to parse
//! them); the rest is tracked for quoting and then dropped, so memory stays
//! small. INSERTs are read by the scanner itself (`inserts`), not here.

/// Longest statement text kept (1,600 quoted 63-byte column names fit).
const MAX_KEPT: usize = 1 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Copy,
    Set,
    /// CREATE TABLE/TYPE/DOMAIN, ALTER TABLE/TYPE: for the schema.
    Schema,
    /// An INSERT the scanner did not take (it did not start its line).
    Insert,
    Other,
}

/// CREATE [modifiers] TABLE|TYPE|DOMAIN, ALTER TABLE|TYPE, judged from the
/// words on the statement's first line (pg_dump keeps them there).
fn schema_statement(s: &[u8]) -> bool {
    let mut words = s
        .split(|b| b.is_ascii_whitespace() || *b == b'(')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_uppercase());
    let create = match words.next().as_deref() {
        Some(b"CREATE") => true,
        Some(b"ALTER") => false,
        _ => return false,
    };
    for w in words {
        match w.as_slice() {
            b"TABLE" | b"TYPE" => return true,
            b"DOMAIN" => return create,
            b"OR" | b"REPLACE" | b"GLOBAL" | b"LOCAL" | b"TEMP" | b"TEMPORARY" | b"UNLOGGED"
                if create => {}
            _ => return false,
        }
    }
    false
}

/// A statement that ended (at its top-level `;`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Ended {
    pub kind: Kind,
    /// The statement without its `;`, comments and line breaks replaced by
    /// spaces; empty for [`Kind::Other`].
    pub text: Vec<u8>,
    /// Line where the statement started.
    pub line: u64,
    /// Whether only whitespace follows the `;` on its line.
    pub rest_blank: bool,
}

#[derive(Debug)]
enum Lex {
    Code,
    Single { backslashes: bool },
    Double,
    Dollar(Vec<u8>),
    Block(u32),
}

#[derive(Debug)]
struct Current {
    kind: Kind,
    text: Vec<u8>,
    line: u64,
}

#[derive(Debug)]
pub(crate) struct Splitter {
    lex: Lex,
    current: Option<Current>,
    /// `SET standard_conforming_strings = off` makes backslashes escapes in '...'.
    pub standard_strings: bool,
}

impl Default for Splitter {
    fn default() -> Self {
        Splitter {
            lex: Lex::Code,
            current: None,
            standard_strings: true,
        }
    }
}

fn ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// `word` (ASCII, upper case) starts `s`, followed by a non-identifier byte or the end.
pub(crate) fn starts_with_word(s: &[u8], word: &[u8]) -> bool {
    s.len() >= word.len()
        && s[..word.len()].eq_ignore_ascii_case(word)
        && s.get(word.len()).is_none_or(|&b| !ident_byte(b))
}

/// `$tag$` at the start of `s` (tag empty or an identifier not starting with a digit).
fn dollar_tag(s: &[u8]) -> Option<&[u8]> {
    let end = 1 + s[1..].iter().position(|&b| b == b'$')?;
    let tag = &s[1..end];
    let valid = tag.iter().all(|&b| ident_byte(b) && b != b'$')
        && tag.first().is_none_or(|b| !b.is_ascii_digit());
    valid.then_some(&s[..=end])
}

impl Splitter {
    /// Whether a statement has begun and not yet ended (for end-of-file checks).
    pub(crate) fn in_statement(&self) -> bool {
        self.current.is_some() || !matches!(self.lex, Lex::Code)
    }

    /// Feed one line (without its `\n`); statements that end on it are pushed to `out`.
    pub(crate) fn feed(&mut self, line: &[u8], number: u64, out: &mut Vec<Ended>) {
        let mut i = 0;
        while i < line.len() {
            let b = line[i];
            match &mut self.lex {
                Lex::Code => {
                    if self.current.is_none() {
                        if b.is_ascii_whitespace() {
                            i += 1;
                            continue;
                        }
                        // psql meta-command (`\connect`, `\restrict`): the rest of the line.
                        if b == b'\\' {
                            return;
                        }
                        if !line[i..].starts_with(b"--") && !line[i..].starts_with(b"/*") {
                            let rest = &line[i..];
                            let kind = if starts_with_word(rest, b"COPY") {
                                Kind::Copy
                            } else if starts_with_word(rest, b"SET") {
                                Kind::Set
                            } else if starts_with_word(rest, b"INSERT") {
                                Kind::Insert
                            } else if schema_statement(rest) {
                                Kind::Schema
                            } else {
                                Kind::Other
                            };
                            self.current = Some(Current {
                                kind,
                                text: Vec::new(),
                                line: number,
                            });
                        }
                    }
                    if line[i..].starts_with(b"--") {
                        break;
                    }
                    if line[i..].starts_with(b"/*") {
                        self.lex = Lex::Block(1);
                        self.keep(b" ");
                        i += 2;
                        continue;
                    }
                    match b {
                        b';' => {
                            let rest_blank = line[i + 1..].iter().all(u8::is_ascii_whitespace);
                            if let Some(c) = self.current.take() {
                                out.push(Ended {
                                    kind: c.kind,
                                    text: c.text,
                                    line: c.line,
                                    rest_blank,
                                });
                            }
                            i += 1;
                            continue;
                        }
                        b'\'' => {
                            let prev = i.checked_sub(1).map(|p| line[p]);
                            let before = i.checked_sub(2).map(|p| line[p]);
                            let e_string = matches!(prev, Some(b'e' | b'E'))
                                && before.is_none_or(|b| !ident_byte(b));
                            self.lex = Lex::Single {
                                backslashes: e_string || !self.standard_strings,
                            };
                        }
                        b'"' => self.lex = Lex::Double,
                        b'$' if i == 0 || !ident_byte(line[i - 1]) => {
                            if let Some(tag) = dollar_tag(&line[i..]) {
                                self.lex = Lex::Dollar(tag.to_vec());
                                let n = tag.len();
                                self.keep_range(line, i, i + n);
                                i += n;
                                continue;
                            }
                        }
                        _ => {}
                    }
                    self.keep_range(line, i, i + 1);
                    i += 1;
                }
                Lex::Single { backslashes } => {
                    let n = if b == b'\\' && *backslashes {
                        2
                    } else if b == b'\'' {
                        if line.get(i + 1) == Some(&b'\'') {
                            2
                        } else {
                            self.lex = Lex::Code;
                            1
                        }
                    } else {
                        1
                    };
                    let end = (i + n).min(line.len());
                    self.keep_range(line, i, end);
                    i = end;
                }
                Lex::Double => {
                    let n = if b == b'"' {
                        if line.get(i + 1) == Some(&b'"') {
                            2
                        } else {
                            self.lex = Lex::Code;
                            1
                        }
                    } else {
                        1
                    };
                    self.keep_range(line, i, i + n);
                    i += n;
                }
                Lex::Dollar(tag) => {
                    if line[i..].starts_with(tag) {
                        let n = tag.len();
                        self.lex = Lex::Code;
                        self.keep_range(line, i, i + n);
                        i += n;
                    } else {
                        self.keep_range(line, i, i + 1);
                        i += 1;
                    }
                }
                Lex::Block(depth) => {
                    if line[i..].starts_with(b"/*") {
                        *depth += 1;
                        i += 2;
                    } else if line[i..].starts_with(b"*/") {
                        *depth -= 1;
                        if *depth == 0 {
                            self.lex = Lex::Code;
                        }
                        i += 2;
                    } else {
                        i += 1;
                    }
                }
            }
        }
        // The line break inside a statement (or a quoted text) is kept as a space.
        self.keep(b" ");
    }

    fn keep_range(&mut self, line: &[u8], from: usize, to: usize) {
        self.keep(&line[from..to]);
    }

    /// Keep bytes of a COPY, SET or schema statement, up to [`MAX_KEPT`]
    /// (beyond that the text is cut, and parsing it will fail).
    fn keep(&mut self, bytes: &[u8]) {
        if let Some(c) = &mut self.current {
            if matches!(c.kind, Kind::Copy | Kind::Set | Kind::Schema)
                && c.text.len() + bytes.len() <= MAX_KEPT
            {
                c.text.extend_from_slice(bytes);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(sql: &str) -> Vec<(Kind, String, u64)> {
        let mut s = Splitter::default();
        let mut out = Vec::new();
        for (i, line) in sql.split('\n').enumerate() {
            s.feed(line.as_bytes(), i as u64 + 1, &mut out);
        }
        out.into_iter()
            .map(|e| {
                let text = String::from_utf8(e.text).unwrap();
                (e.kind, text.trim().to_owned(), e.line)
            })
            .collect()
    }

    #[test]
    fn copy_inside_function_bodies_strings_and_comments_is_not_a_statement() {
        let sql = "CREATE FUNCTION f() AS $$\nCOPY foo (a) FROM stdin;\n$$;\n\
                   SELECT 'x;\nCOPY bar FROM stdin;';\n\
                   /* outer /* nested */\nCOPY baz FROM stdin; */\n\
                   -- COPY qux FROM stdin;\n\
                   SELECT $body$ $$ ; $body$, E'\\';COPY z FROM stdin;';\n\
                   COPY public.\"a;b\" (\"c\"\"d\") FROM stdin;";
        let got = split(sql);
        let kinds: Vec<Kind> = got.iter().map(|g| g.0).collect();
        assert_eq!(
            kinds,
            vec![Kind::Other, Kind::Other, Kind::Other, Kind::Copy]
        );
        assert_eq!(got[3].1, "COPY public.\"a;b\" (\"c\"\"d\") FROM stdin");
        assert_eq!(got[3].2, 10);
    }

    #[test]
    fn meta_commands_and_several_statements_on_a_line() {
        let got = split("\\restrict abc;\nSET a = 1; SET b = 'x'; copy t from stdin;\n");
        assert_eq!(
            got,
            vec![
                (Kind::Set, "SET a = 1".into(), 2),
                (Kind::Set, "SET b = 'x'".into(), 2),
                (Kind::Copy, "copy t from stdin".into(), 2),
            ]
        );
        // COPYRIGHT is not COPY.
        assert_eq!(split("COPYRIGHT;")[0].0, Kind::Other);
    }

    #[test]
    fn table_ddl_keeps_its_text_other_ddl_does_not() {
        let got = split(
            "CREATE TABLE public.\"a\" (\n  x int -- note\n);\nALTER TABLE ONLY t\n  ADD CONSTRAINT k PRIMARY KEY (x);\n\
             CREATE UNLOGGED TABLE u (y text);\nCREATE DOMAIN d AS int;\nCREATE FUNCTION f() AS $$x$$;\n\
             ALTER DOMAIN d OWNER TO x;\nCREATE INDEX i ON t (x);\nSET a = 1; INSERT INTO t VALUES (1);",
        );
        let kinds: Vec<Kind> = got.iter().map(|g| g.0).collect();
        use Kind::*;
        assert_eq!(
            kinds,
            [Schema, Schema, Schema, Schema, Other, Other, Other, Set, Insert]
        );
        assert_eq!(got[0].1, "CREATE TABLE public.\"a\" (   x int  )");
        assert_eq!(
            got[1].1,
            "ALTER TABLE ONLY t   ADD CONSTRAINT k PRIMARY KEY (x)"
        );
        assert!(got[4].1.is_empty());
    }

    #[test]
    fn without_standard_strings_backslash_escapes_quotes() {
        let mut s = Splitter {
            standard_strings: false,
            ..Splitter::default()
        };
        let mut out = Vec::new();
        s.feed(b"SELECT 'a\\';COPY x FROM stdin;';", 1, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].kind, Kind::Other);
        assert!(!s.in_statement());
    }
}
