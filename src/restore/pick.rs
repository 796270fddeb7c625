//! `--pick` specifications: which backup rows the operator wants back.
//!
//! - `TABLE` — every row of TABLE that is missing live.
//! - `TABLE:COL=VALUE[,COL=VALUE...]` — backup rows whose columns equal the
//!   values (compared by meaning by the caller, as in the diff).
//!
//! TABLE may be schema-qualified (`public.projects`) and contain hyphens
//! (`bazaar-vid_user`). Any table part, column or value may be double-quoted,
//! with `""` for a literal quote: `"odd:name"`, `name="Acme, Inc."`. Unquoted
//! parts are trimmed of surrounding spaces, so `projects: id = 7` works; a
//! value with significant spaces, a comma or a quote must be quoted.

use crate::catalog::TableName;
use crate::error::{Error, Result};
use crate::report::visible;
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PickSpec {
    /// Every row of the table that is missing live.
    Table { table: String },
    /// Backup rows whose columns hold these values (column, value as typed).
    Match {
        table: String,
        conditions: Vec<(String, String)>,
    },
}

impl PickSpec {
    /// The table as written (canonical form: parts quoted only where needed,
    /// `public.projects`, `"odd:name"`).
    pub fn table(&self) -> &str {
        match self {
            PickSpec::Table { table } | PickSpec::Match { table, .. } => table,
        }
    }

    /// The table as a [`TableName`] to look up with `Catalog::resolve`:
    /// `public.projects` → schema `public`, name `projects`; a quoted part
    /// keeps its dots (`"a.b"` → name `a.b`).
    pub fn table_name(&self) -> TableName {
        let mut p = Parser::new(self.table());
        match p.table() {
            Ok(name) if p.at_end() => name,
            // Only reachable if `table` was built by hand, not by parse_pick.
            _ => TableName::new(None, self.table()),
        }
    }

    /// `(column, value)` pairs; empty for a whole-table pick.
    pub fn conditions(&self) -> &[(String, String)] {
        match self {
            PickSpec::Table { .. } => &[],
            PickSpec::Match { conditions, .. } => conditions,
        }
    }
}

/// Parse one `--pick` argument. Errors are [`Error::Usage`] quoting the spec.
pub fn parse_pick(spec: &str) -> Result<PickSpec> {
    let fail = |why: String| Error::Usage(format!("invalid --pick '{}': {why}", visible(spec)));
    let mut p = Parser::new(spec);
    let table = p.table().map_err(fail)?;
    let table = render_table(&table);
    if p.at_end() {
        return Ok(PickSpec::Table { table });
    }
    // `table()` stops only at the end or at ':'.
    p.bump();
    let conditions = p.conditions().map_err(fail)?;
    Ok(PickSpec::Match { table, conditions })
}

/// `--restore-columns TABLE[:COLUMN,...]`: a table and the columns whose
/// backup values go back into its live rows; no columns = every column the
/// backup has and live lacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnsSpec {
    pub table: TableName,
    pub columns: Vec<String>,
}

pub fn parse_columns_spec(spec: &str) -> Result<ColumnsSpec> {
    let fail = |why: String| {
        Error::Usage(format!(
            "invalid --restore-columns '{}': {why}",
            visible(spec)
        ))
    };
    let mut p = Parser::new(spec);
    let table = p.table().map_err(fail)?;
    let mut columns = Vec::new();
    if !p.at_end() {
        p.bump();
        loop {
            let column = p.part(",", "column name").map_err(fail)?;
            if !columns.contains(&column) {
                columns.push(column);
            }
            if p.at_end() {
                break;
            }
            p.bump();
        }
    }
    Ok(ColumnsSpec { table, columns })
}

impl FromStr for PickSpec {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        parse_pick(s)
    }
}

impl fmt::Display for PickSpec {
    /// The canonical spec: parses back to the same value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.table())?;
        for (i, (column, value)) in self.conditions().iter().enumerate() {
            f.write_str(if i == 0 { ":" } else { "," })?;
            write!(f, "{}={}", quote_if(column, "=,\""), quote_if(value, ",\""))?;
        }
        Ok(())
    }
}

/// A table name as a spec writes it: parts quoted only where needed.
pub(crate) fn render_table(name: &TableName) -> String {
    let part = |s: &str| quote_if(s, ".:\"");
    match &name.schema {
        Some(schema) => format!("{}.{}", part(schema), part(&name.name)),
        None => part(&name.name),
    }
}

/// Quote `s` when unquoted it would not read back as itself.
fn quote_if(s: &str, special: &str) -> String {
    let needs = s.is_empty()
        || s.trim() != s
        || s.starts_with('"')
        || s.chars().any(|c| special.contains(c) || c.is_control());
    if !needs {
        return s.to_owned();
    }
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// A hand-written scanner: the grammar is small and the errors must be exact.
struct Parser {
    chars: Vec<char>,
    pos: usize,
}

type Step<T> = std::result::Result<T, String>;

impl Parser {
    fn new(s: &str) -> Self {
        Parser {
            chars: s.chars().collect(),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn bump(&mut self) {
        self.pos += 1;
    }

    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    /// `part[.part]`, stopping at the end or at ':'.
    fn table(&mut self) -> Step<TableName> {
        let first = self.part(".:", "table name")?;
        if self.peek() != Some('.') {
            return Ok(TableName::new(None, &first));
        }
        self.bump();
        let second = self.part(".:", "table name after the schema")?;
        if self.peek() == Some('.') {
            return Err("too many dots in the table name; write SCHEMA.TABLE, quoting a part that contains a dot (\"a.b\")".into());
        }
        Ok(TableName::new(Some(&first), &second))
    }

    /// A quoted or bare piece ending before one of `stops` (or the end);
    /// `what` names it in errors.
    fn part(&mut self, stops: &str, what: &str) -> Step<String> {
        self.skip_spaces();
        if self.peek() == Some('"') {
            let text = self.quoted(what)?;
            self.skip_spaces();
            return match self.peek() {
                Some(c) if !stops.contains(c) => Err(format!(
                    "unexpected {:?} after the quoted {what} \"{}\"",
                    c,
                    visible(&text)
                )),
                _ => Ok(text),
            };
        }
        let start = self.pos;
        while let Some(c) = self.peek() {
            if stops.contains(c) {
                break;
            }
            if c == '"' {
                return Err(format!(
                    "a quote inside an unquoted {what}; quote the whole {what} and double inner quotes (\"a\"\"b\")"
                ));
            }
            self.bump();
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        let text = text.trim();
        if text.is_empty() {
            return Err(format!("empty {what}"));
        }
        Ok(text.to_owned())
    }

    /// A `"..."` string with `""` for a quote; the cursor is on the opening quote.
    fn quoted(&mut self, what: &str) -> Step<String> {
        let open = self.pos;
        self.bump();
        let mut out = String::new();
        loop {
            match self.peek() {
                None => {
                    return Err(format!(
                        "unterminated quote in {what} starting at character {}",
                        open + 1
                    ))
                }
                Some('"') if self.chars.get(self.pos + 1) == Some(&'"') => {
                    out.push('"');
                    self.pos += 2;
                }
                Some('"') => {
                    self.bump();
                    return Ok(out);
                }
                Some(c) => {
                    out.push(c);
                    self.bump();
                }
            }
        }
    }

    /// `COL=VALUE[,COL=VALUE...]` up to the end.
    fn conditions(&mut self) -> Step<Vec<(String, String)>> {
        let mut out: Vec<(String, String)> = Vec::new();
        self.skip_spaces();
        if self.at_end() {
            return Err(
                "no COLUMN=VALUE after ':'; write TABLE alone to pick every missing row".into(),
            );
        }
        loop {
            let column = self.part("=,", "column name")?;
            if self.peek() != Some('=') {
                return Err(format!(
                    "missing '=' after column {}; write COLUMN=VALUE",
                    visible(&column)
                ));
            }
            self.bump();
            let value = self.value(&column)?;
            if out.iter().any(|(c, _)| c == &column) {
                return Err(format!("column {} given twice", visible(&column)));
            }
            out.push((column, value));
            if self.at_end() {
                return Ok(out);
            }
            // `value()` stops only at the end or at ','.
            self.bump();
        }
    }

    fn value(&mut self, column: &str) -> Step<String> {
        let what = format!("value of {}", visible(column));
        self.skip_spaces();
        if self.at_end() || self.peek() == Some(',') {
            return Err(format!(
                "empty {what}; write {}=\"\" for an empty string",
                visible(column)
            ));
        }
        self.part(",", &what)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matched(table: &str, conds: &[(&str, &str)]) -> PickSpec {
        PickSpec::Match {
            table: table.into(),
            conditions: conds
                .iter()
                .map(|(c, v)| (c.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn usage(spec: &str) -> String {
        match parse_pick(spec) {
            Err(Error::Usage(m)) => m,
            other => panic!("{spec}: expected a usage error, got {other:?}"),
        }
    }

    #[test]
    fn whole_tables() {
        let p = parse_pick("projects").unwrap();
        assert_eq!(
            p,
            PickSpec::Table {
                table: "projects".into()
            }
        );
        assert_eq!(p.table_name(), TableName::new(None, "projects"));
        let p = parse_pick("public.projects").unwrap();
        assert_eq!(p.table_name(), TableName::new(Some("public"), "projects"));
        let p = parse_pick(" bazaar-vid_user ").unwrap();
        assert_eq!(p.table(), "bazaar-vid_user");
        let p = parse_pick("\"odd:na.me\"").unwrap();
        assert_eq!(p.table_name(), TableName::new(None, "odd:na.me"));
        assert_eq!(p.to_string(), "\"odd:na.me\"");
        let p = parse_pick("\"My Schema\".\"vector-sync-status\"").unwrap();
        assert_eq!(
            p.table_name(),
            TableName::new(Some("My Schema"), "vector-sync-status")
        );
        assert_eq!(p.to_string(), "My Schema.vector-sync-status");
    }

    #[test]
    fn conditions_with_quotes_commas_and_colons() {
        assert_eq!(
            parse_pick("projects:id=7").unwrap(),
            matched("projects", &[("id", "7")])
        );
        assert_eq!(
            parse_pick("bazaar-vid_project:userId=user_2XQ, name = \"Acme, Inc.\"").unwrap(),
            matched(
                "bazaar-vid_project",
                &[("userId", "user_2XQ"), ("name", "Acme, Inc.")]
            )
        );
        assert_eq!(
            parse_pick(r#"t:note="say ""hi"", ok",at=2024-01-01T10:00:00Z,k=a=b"#).unwrap(),
            matched(
                "t",
                &[
                    ("note", "say \"hi\", ok"),
                    ("at", "2024-01-01T10:00:00Z"),
                    ("k", "a=b")
                ]
            )
        );
        assert_eq!(
            parse_pick(r#"public.t:"we,ird=col"="  padded ""#).unwrap(),
            matched("public.t", &[("we,ird=col", "  padded ")])
        );
        assert_eq!(parse_pick("t:e=\"\"").unwrap(), matched("t", &[("e", "")]));
    }

    #[test]
    fn columns_specs() {
        let spec = parse_columns_spec("projects").unwrap();
        assert_eq!(spec.table, TableName::new(None, "projects"));
        assert!(spec.columns.is_empty());
        let spec =
            parse_columns_spec("public.projects:total_hours, \"Start Date\",total_hours").unwrap();
        assert_eq!(spec.table, TableName::new(Some("public"), "projects"));
        assert_eq!(spec.columns, vec!["total_hours", "Start Date"]);
        let spec = parse_columns_spec("\"vector-sync-status\":last_sync").unwrap();
        assert_eq!(spec.table.name, "vector-sync-status");
        assert_eq!(spec.columns, vec!["last_sync"]);
        for bad in ["projects:", "projects:a,,b", ":a", "projects:\"a"] {
            let err = parse_columns_spec(bad).unwrap_err().to_string();
            assert!(err.contains("--restore-columns"), "{bad}: {err}");
        }
    }

    #[test]
    fn display_round_trips() {
        for spec in [
            "projects",
            "public.projects:id=7",
            r#"t:note="say ""hi"", ok",at=2024-01-01T10:00:00Z"#,
            r#""a.b".c:"x=y"="",v=" lead""#,
            "bazaar-vid_project:userId=user_2XQ,projectId=3",
        ] {
            let p = parse_pick(spec).unwrap();
            assert_eq!(p.to_string(), spec, "canonical form");
            assert_eq!(parse_pick(&p.to_string()).unwrap(), p);
        }
        let p = parse_pick(" projects : id = 7 , name=x").unwrap();
        assert_eq!(p.to_string(), "projects:id=7,name=x");
    }

    #[test]
    fn malformed_specs_are_usage_errors_quoting_the_spec() {
        assert_eq!(usage(""), "invalid --pick '': empty table name");
        assert_eq!(usage(":id=1"), "invalid --pick ':id=1': empty table name");
        assert!(usage("public.:id=1").contains("empty table name after the schema"));
        assert!(usage("a.b.c").contains("too many dots"));
        assert!(usage("projects:").contains("no COLUMN=VALUE after ':'"));
        assert_eq!(
            usage("projects:id"),
            "invalid --pick 'projects:id': missing '=' after column id; write COLUMN=VALUE"
        );
        assert!(usage("projects:id,x=1").contains("missing '=' after column id"));
        assert!(usage("projects:=1").contains("empty column name"));
        assert!(usage("projects:id=1,").contains("empty column name"));
        assert!(usage("projects:id=").contains("empty value of id; write id=\"\""));
        assert!(usage("projects:id=1,id=2").contains("column id given twice"));
        let m = usage("projects:name=\"Acme, Inc.");
        assert!(m.contains("unterminated quote in value of name"), "{m}");
        assert!(usage("projects:name=\"a\"b").contains("unexpected 'b' after the quoted"));
        assert!(usage("projects:name=O\"Brien").contains("quote inside an unquoted value"));
        assert!(usage("\"projects").contains("unterminated quote in table name"));
        // Control characters in the spec are shown, not sent to the terminal.
        let m = usage("pro\u{1b}[31m:x");
        assert!(
            m.contains("pro\\u{1b}[31m:x") && !m.contains('\u{1b}'),
            "{m}"
        );
    }
}
