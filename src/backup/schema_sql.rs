//! `schema.sql`, or the DDL statements of a plain pg_dump: split into
//! statements with sqlparser's tokenizer (so `;` inside strings, comments
//! and dollar quotes does not split), parse each, and keep what describes
//! tables: CREATE TABLE (also `PARTITION OF`), ALTER TABLE (keys, defaults,
//! identity, ATTACH PARTITION), CREATE TYPE AS ENUM, CREATE DOMAIN.
//! Sequences (CREATE/ALTER SEQUENCE ... OWNED BY) are skipped: the column's
//! `DEFAULT nextval(...)` (or its identity) is what the catalog records.

use super::schema_ddl::{CatalogBuilder, SchemaParts};
use super::schema_pg::{self, Special};
use crate::catalog::{Catalog, Table, TableName};
use crate::error::{Error, Result};
use sqlparser::ast::Statement;
use sqlparser::dialect::{PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};
use std::path::Path;

/// What a statement is, from its first words, before parsing it.
#[derive(Debug, PartialEq, Eq)]
enum Kind {
    /// CREATE TABLE / ALTER TABLE: a parse failure is an error.
    Table,
    /// Known not to describe columns or keys: not even parsed (sqlparser
    /// rejects some pg_dump spellings, e.g. CREATE SEQUENCE option order).
    Ignored,
    Other,
}

/// Leading words of statements that never matter for the catalog: objects
/// that hold no rows (sqlparser rejects many of pg_dump's spellings of them,
/// and a warning would only be noise). Any ALTER other than ALTER TABLE/TYPE
/// is one too (`ALTER DOMAIN ... OWNER TO`, `ALTER AGGREGATE ...`). A
/// statement lifeboat does not know at all is still parsed, and warned about
/// when it cannot be.
const IGNORED: &[&[&str]] = &[
    &["SET"],
    &["RESET"],
    &["SELECT"],
    &["COMMENT"],
    &["GRANT"],
    &["REVOKE"],
    &["REFRESH"],
    &["SECURITY", "LABEL"],
    &["CREATE", "INDEX"],
    &["CREATE", "UNIQUE", "INDEX"],
    &["CREATE", "SEQUENCE"],
    &["CREATE", "EXTENSION"],
    &["CREATE", "SCHEMA"],
    &["CREATE", "TRIGGER"],
    &["CREATE", "CONSTRAINT", "TRIGGER"],
    &["CREATE", "EVENT", "TRIGGER"],
    &["CREATE", "POLICY"],
    &["CREATE", "PUBLICATION"],
    &["CREATE", "SUBSCRIPTION"],
    &["CREATE", "FUNCTION"],
    &["CREATE", "PROCEDURE"],
    &["CREATE", "AGGREGATE"],
    &["CREATE", "OR", "REPLACE"],
    &["CREATE", "VIEW"],
    &["CREATE", "RECURSIVE", "VIEW"],
    &["CREATE", "MATERIALIZED", "VIEW"],
    &["CREATE", "RULE"],
    &["CREATE", "CAST"],
    &["CREATE", "COLLATION"],
    &["CREATE", "CONVERSION"],
    &["CREATE", "DEFAULT", "CONVERSION"],
    &["CREATE", "OPERATOR"],
    &["CREATE", "TEXT", "SEARCH"],
    &["CREATE", "STATISTICS"],
    &["CREATE", "SERVER"],
    &["CREATE", "USER", "MAPPING"],
    &["CREATE", "FOREIGN", "DATA", "WRAPPER"],
    &["CREATE", "LANGUAGE"],
    &["CREATE", "PROCEDURAL", "LANGUAGE"],
    &["CREATE", "TRUSTED"],
    &["CREATE", "TRANSFORM"],
    &["CREATE", "ACCESS", "METHOD"],
];

pub(crate) fn read(path: &Path, warnings: &mut Vec<String>) -> Result<Catalog> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, &e))?;
    let text = super::json_row::utf8(path, 1, &bytes)?;
    parse(path, text, warnings)
}

pub(crate) fn parse(path: &Path, sql: &str, warnings: &mut Vec<String>) -> Result<Catalog> {
    Ok(parse_parts(path, sql, warnings)?.catalog)
}

/// [`parse`], keeping which tables are partitions of which.
pub(crate) fn parse_parts(
    path: &Path,
    sql: &str,
    warnings: &mut Vec<String>,
) -> Result<SchemaParts> {
    let dialect = PostgreSqlDialect {};
    let tokens = Tokenizer::new(&dialect, sql)
        .tokenize_with_location()
        .map_err(|e| {
            Error::backup(
                path,
                Some(e.location.line),
                format!("cannot split into statements: {}", e.message),
            )
        })?;
    let mut reader = SchemaReader::new(path);
    for stmt_tokens in split_statements(tokens) {
        reader.tokens(stmt_tokens, 0, warnings)?;
    }
    Ok(reader.finish(warnings))
}

/// Builds the catalog one statement at a time (a dump's DDL is read as the
/// dump is scanned, between its data blocks).
pub(crate) struct SchemaReader {
    path: std::path::PathBuf,
    builder: CatalogBuilder,
}

impl SchemaReader {
    pub(crate) fn new(path: &Path) -> SchemaReader {
        SchemaReader {
            path: path.to_path_buf(),
            builder: CatalogBuilder::default(),
        }
    }

    /// One statement without its `;`, starting on line `line` of the file.
    pub(crate) fn statement(
        &mut self,
        line: u64,
        sql: &str,
        warnings: &mut Vec<String>,
    ) -> Result<()> {
        let tokens = Tokenizer::new(&PostgreSqlDialect {}, sql)
            .tokenize_with_location()
            .map_err(|e| {
                Error::backup(
                    &self.path,
                    Some(line + e.location.line.saturating_sub(1)),
                    format!("cannot read statement: {}", e.message),
                )
            })?;
        self.tokens(tokens, line.saturating_sub(1), warnings)
    }

    /// A table created so far (INSERTs without a column list take its columns).
    pub(crate) fn table(&self, name: &TableName) -> Option<&Table> {
        self.builder.tables.iter().find(|t| t.name == *name)
    }

    pub(crate) fn finish(self, warnings: &mut Vec<String>) -> SchemaParts {
        self.builder.finish(warnings, &self.path)
    }

    /// `line_base` is added to the tokens' line numbers.
    fn tokens(
        &mut self,
        mut stmt_tokens: Vec<TokenWithSpan>,
        line_base: u64,
        warnings: &mut Vec<String>,
    ) -> Result<()> {
        let path = self.path.as_path();
        let Some(first) = stmt_tokens
            .iter()
            .find(|t| !matches!(t.token, Token::Whitespace(_)))
        else {
            return Ok(());
        };
        let line = first.span.start.line + line_base;
        let kind = kind_of(&stmt_tokens);
        if kind == Kind::Ignored || schema_pg::alter_type_without_labels(&stmt_tokens) {
            return Ok(());
        }
        match schema_pg::special(&stmt_tokens) {
            Some(Special::Domain { name, base }) => {
                self.builder.create_domain(&name, base);
                return Ok(());
            }
            Some(Special::Attach { parent, child }) => {
                self.builder.attach_partition(parent, child);
                return Ok(());
            }
            None => {}
        }
        schema_pg::strip_unsupported(&mut stmt_tokens);
        let matters = kind == Kind::Table
            && (!is_alter(&stmt_tokens) || schema_pg::alter_matters(&stmt_tokens));
        // SQLite's `AUTOINCREMENT` only parses in its own dialect (in
        // PostgreSQL's, sqlparser reads the word and drops it).
        let sqlite_ddl = stmt_tokens.iter().any(|t| {
            matches!(&t.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("AUTOINCREMENT"))
        });
        let parser = if sqlite_ddl {
            Parser::new(&SQLiteDialect {})
        } else {
            Parser::new(&PostgreSqlDialect {})
        };
        let parsed = parser
            .with_tokens_with_locations(stmt_tokens)
            .parse_statement_to_end();
        let statement = match parsed {
            Ok(s) => s,
            Err(message) if matters => {
                return Err(Error::backup(path, Some(line), message));
            }
            Err(message) => {
                warnings.push(format!(
                    "{}:{line}: statement ignored, cannot parse it: {message}",
                    path.display()
                ));
                return Ok(());
            }
        };
        apply(&mut self.builder, &statement, path, line, warnings)
    }
}

fn is_alter(tokens: &[TokenWithSpan]) -> bool {
    tokens
        .iter()
        .find(|t| !matches!(t.token, Token::Whitespace(_)))
        .is_some_and(
            |t| matches!(&t.token, Token::Word(w) if w.value.eq_ignore_ascii_case("ALTER")),
        )
}

fn apply(
    builder: &mut CatalogBuilder,
    statement: &Statement,
    path: &Path,
    line: u64,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let at = |m: String| Error::backup(path, Some(line), m);
    match statement {
        Statement::CreateTable(ct) => {
            if let Some(w) = builder.create_table(ct).map_err(at)? {
                warnings.push(format!("{}:{line}: {w}", path.display()));
            }
            Ok(())
        }
        Statement::AlterTable(at_) => {
            for w in builder.alter_table(at_).map_err(at)? {
                warnings.push(format!("{}:{line}: {w}", path.display()));
            }
            Ok(())
        }
        Statement::CreateType {
            name,
            representation,
        } => {
            builder.create_type(name, representation.as_ref());
            Ok(())
        }
        Statement::AlterType(alter) => {
            builder.alter_type(alter);
            Ok(())
        }
        // SET, COMMENT, CREATE INDEX/SEQUENCE, SELECT set_config, ...: not about columns or keys.
        _ => Ok(()),
    }
}

trait ParseToEnd {
    fn parse_statement_to_end(self) -> std::result::Result<Statement, String>;
}

impl ParseToEnd for Parser<'_> {
    fn parse_statement_to_end(mut self) -> std::result::Result<Statement, String> {
        let statement = self.parse_statement().map_err(|e| e.to_string())?;
        let rest = self.peek_token();
        if rest.token != Token::EOF {
            return Err(format!(
                "unexpected {} at line {} column {}",
                rest.token, rest.span.start.line, rest.span.start.column
            ));
        }
        Ok(statement)
    }
}

/// Group tokens into statements at top-level semicolons (the tokenizer has
/// already put strings, comments and dollar-quoted bodies into single tokens).
/// psql meta-commands (`\restrict KEY`, `\connect db`: a backslash first on
/// its line) end at the line's end, not at a semicolon, and are dropped.
fn split_statements(tokens: Vec<TokenWithSpan>) -> Vec<Vec<TokenWithSpan>> {
    let mut out = Vec::new();
    let mut current: Vec<TokenWithSpan> = Vec::new();
    let mut meta_line = None;
    let mut line_has_tokens = false;
    let mut last_line = 0;
    for t in tokens {
        let line = t.span.start.line;
        if line != last_line {
            last_line = line;
            line_has_tokens = false;
        }
        if meta_line == Some(line) {
            continue;
        }
        if matches!(t.token, Token::Whitespace(_)) {
            current.push(t);
            continue;
        }
        if t.token == Token::Backslash && !line_has_tokens {
            meta_line = Some(line);
            continue;
        }
        line_has_tokens = true;
        match t.token {
            Token::SemiColon => out.push(std::mem::take(&mut current)),
            Token::EOF => {}
            _ => current.push(t),
        }
    }
    out.push(current);
    out
}

fn kind_of(tokens: &[TokenWithSpan]) -> Kind {
    let words: Vec<String> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .take(6)
        .map(|t| match &t.token {
            Token::Word(w) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
            _ => String::new(),
        })
        .collect();
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let create_table = w.first() == Some(&"CREATE")
        && w.iter()
            .skip(1)
            .take_while(|x| {
                matches!(
                    **x,
                    "OR" | "REPLACE"
                        | "GLOBAL"
                        | "LOCAL"
                        | "TEMP"
                        | "TEMPORARY"
                        | "UNLOGGED"
                        | "TABLE"
                )
            })
            .any(|x| *x == "TABLE");
    let alter_table = w.starts_with(&["ALTER", "TABLE"]);
    if create_table || alter_table {
        Kind::Table
    } else if (w.first() == Some(&"ALTER") && w.get(1) != Some(&"TYPE"))
        || IGNORED.iter().any(|prefix| w.starts_with(prefix))
    {
        Kind::Ignored
    } else {
        Kind::Other
    }
}

#[cfg(test)]
mod other_statements {
    use std::path::Path;

    /// `pg_restore --schema-only` output has statements sqlparser cannot
    /// read; they say nothing about columns or keys and must not warn.
    #[test]
    fn statements_about_objects_without_rows_are_not_warned_about() {
        let sql = "CREATE DOMAIN public.email AS text CHECK (VALUE LIKE '%@%');\n\
                   ALTER DOMAIN public.email OWNER TO postgres;\n\
                   CREATE AGGREGATE public.mysum(integer) (SFUNC = int4pl, STYPE = integer);\n\
                   CREATE MATERIALIZED VIEW public.tm AS SELECT 1 AS x WITH NO DATA;\n\
                   CREATE TABLE public.t (id integer, contact public.email);\n\
                   ALTER TABLE public.t OWNER TO postgres;\n";
        let mut warnings = Vec::new();
        let catalog = super::parse(Path::new("schema.sql"), sql, &mut warnings).expect("parses");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(catalog.tables.len(), 1);
    }
}

#[cfg(test)]
mod constraints {
    use crate::catalog::{FkAction, TableName};
    use std::path::Path;

    #[test]
    fn checks_and_fk_actions_from_create_and_alter() {
        let sql = "CREATE TABLE p (id int PRIMARY KEY);\n\
                   CREATE TABLE t (id int, p_id int REFERENCES p ON DELETE CASCADE ON UPDATE SET NULL,\n\
                     price numeric CHECK (price >= 0), qty int CONSTRAINT Qty_Pos CHECK ((qty > 0)),\n\
                     q int, CONSTRAINT pair CHECK (q BETWEEN 1 AND 9), CHECK (qty < 100),\n\
                     FOREIGN KEY (q) REFERENCES p (id) ON DELETE RESTRICT);\n\
                   ALTER TABLE ONLY t ADD CONSTRAINT later CHECK (id <> 7) NOT VALID;\n";
        let mut warnings = Vec::new();
        let catalog = super::parse(Path::new("schema.sql"), sql, &mut warnings).expect("parses");
        assert!(warnings.is_empty(), "{warnings:?}");
        let t = catalog.table(&TableName::new(None, "t")).expect("t");
        let got: Vec<(Option<&str>, &str)> = t
            .checks
            .iter()
            .map(|c| (c.name.as_deref(), c.expression.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (None, "price >= 0"),
                (Some("qty_pos"), "(qty > 0)"),
                (Some("pair"), "q BETWEEN 1 AND 9"),
                (None, "qty < 100"),
                (Some("later"), "id <> 7"),
            ]
        );
        let actions: Vec<(FkAction, FkAction)> = t
            .foreign_keys
            .iter()
            .map(|f| (f.on_delete, f.on_update))
            .collect();
        assert_eq!(
            actions,
            [
                (FkAction::Cascade, FkAction::SetNull),
                (FkAction::Restrict, FkAction::NoAction)
            ]
        );
    }
}
