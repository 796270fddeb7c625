//! `pg_restore -l` output: the header comments (when, from which server,
//! which format) and the `TABLE DATA` entries.
//!
//! An entry line is `ID; TABLEOID OID DESC SCHEMA NAME OWNER` with names
//! unquoted, so `TABLE DATA Other Schema t x postgres` cannot be split by
//! itself. The `-- Name: t x; Type: TABLE; Schema: Other Schema; Owner:
//! postgres` comments of the schema-only output can: [`resolve`] matches
//! the two (a table's data entry carries the table's schema, name and owner).

use crate::catalog::TableName;

/// What the header comments say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Header {
    /// `2025-07-12 03:00:00 UTC` as pg_restore prints it.
    pub created: Option<String>,
    pub dbname: Option<String>,
    pub format: Option<String>,
    pub server_version: Option<String>,
    pub pg_dump_version: Option<String>,
}

/// One `TABLE DATA` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DataLine {
    pub dump_id: u32,
    /// `SCHEMA NAME OWNER`, space-separated, as printed.
    pub names: String,
    /// The whole line, to hand back to `pg_restore -L`.
    pub line: String,
}

pub(crate) fn parse_list(text: &str) -> (Header, Vec<DataLine>) {
    let mut header = Header::default();
    let mut data = Vec::new();
    for line in text.lines() {
        if let Some(comment) = line.strip_prefix(';') {
            let comment = comment.trim();
            let value = |key: &str| comment.strip_prefix(key).map(|v| v.trim().to_owned());
            if let Some(v) = value("Archive created at") {
                header.created = Some(v);
            } else if let Some(v) = value("dbname:") {
                header.dbname = Some(v);
            } else if let Some(v) = value("Format:") {
                header.format = Some(v);
            } else if let Some(v) = value("Dumped from database version:") {
                header.server_version = Some(v);
            } else if let Some(v) = value("Dumped by pg_dump version:") {
                header.pg_dump_version = Some(v);
            }
            continue;
        }
        if let Some(d) = data_line(line) {
            data.push(d);
        }
    }
    (header, data)
}

/// `3381; 0 16423 TABLE DATA Other Schema t x postgres`.
fn data_line(line: &str) -> Option<DataLine> {
    let (id, rest) = line.split_once(';')?;
    let dump_id = id.trim().parse().ok()?;
    let mut words = rest.trim_start().splitn(3, ' ');
    let (_tableoid, _oid, desc) = (words.next()?, words.next()?, words.next()?);
    let names = desc.strip_prefix("TABLE DATA ")?;
    Some(DataLine {
        dump_id,
        names: names.to_owned(),
        line: line.to_owned(),
    })
}

/// A table as the schema-only output's `-- Name:` comment names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Named {
    pub table: TableName,
    /// `SCHEMA NAME OWNER` as `pg_restore -l` would print it.
    pub printed: String,
}

/// The tables (`Type: TABLE`) named in the comments of schema-only output.
pub(crate) fn table_comments(sql: &str) -> Vec<Named> {
    let mut out = Vec::new();
    for line in sql.lines() {
        let Some(rest) = line.strip_prefix("-- Name: ") else {
            continue;
        };
        let Some((name, rest)) = rest.split_once("; Type: TABLE; Schema: ") else {
            continue;
        };
        let Some((schema, rest)) = rest.split_once("; Owner: ") else {
            continue;
        };
        let owner = rest.split_once("; Tablespace: ").map_or(rest, |(o, _)| o);
        out.push(Named {
            table: TableName::new(Some(schema), name),
            printed: format!("{schema} {name} {owner}"),
        });
    }
    out
}

/// How sure [`resolve`] is of a data entry's table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// A table comment printed the same way.
    Named(TableName),
    /// No comment (a data-only archive), but `SCHEMA NAME OWNER` are three
    /// words: no name has a space.
    Words(TableName),
    /// More words than that: some name has a space; this is one guess
    /// (first word the schema, last the owner), the COPY header will tell.
    Guess(TableName),
}

/// Which table a data entry belongs to.
pub(crate) fn resolve(data: &DataLine, tables: &[Named]) -> Resolved {
    if let Some(n) = tables.iter().find(|n| n.printed == data.names) {
        return Resolved::Named(n.table.clone());
    }
    let words: Vec<&str> = data.names.split(' ').collect();
    match words.as_slice() {
        [schema, name] | [schema, name, _] => Resolved::Words(TableName::new(Some(schema), name)),
        [schema, middle @ .., _owner] if !middle.is_empty() => {
            Resolved::Guess(TableName::new(Some(schema), &middle.join(" ")))
        }
        _ => Resolved::Guess(TableName::new(None, &data.names)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "\
;
; Archive created at 2026-11-22 01:39:17 UTC
;     dbname: h2exp
;     TOC Entries: 26
;     Format: CUSTOM
;     Dumped from database version: 15.20 (Debian 15.20-0+deb12u1)
;     Dumped by pg_dump version: 15.20 (Debian 15.20-0+deb12u1)
;
; Selected TOC Entries:
;
219; 1259 16423 TABLE Other Schema t x postgres
3228; 0 0 TABLE ATTACH public meas_2024 postgres
3381; 0 16423 TABLE DATA Other Schema t x postgres
3379; 0 16412 TABLE DATA public camelCase postgres
3400; 0 16500 MATERIALIZED VIEW DATA public mv postgres
3234; 2606 16418 FK CONSTRAINT public vector-sync-status vector-sync-status_itemId_fkey postgres
";

    #[test]
    fn header_and_data_entries() {
        let (h, data) = parse_list(LIST);
        assert_eq!(h.created.as_deref(), Some("2026-11-22 01:39:17 UTC"));
        assert_eq!(h.dbname.as_deref(), Some("h2exp"));
        assert_eq!(h.format.as_deref(), Some("CUSTOM"));
        assert_eq!(
            h.server_version.as_deref(),
            Some("15.20 (Debian 15.20-0+deb12u1)")
        );
        assert!(h.pg_dump_version.is_some());
        let ids: Vec<u32> = data.iter().map(|d| d.dump_id).collect();
        assert_eq!(ids, [3381, 3379]);
        assert_eq!(data[0].names, "Other Schema t x postgres");
        assert_eq!(
            data[0].line,
            "3381; 0 16423 TABLE DATA Other Schema t x postgres"
        );
    }

    #[test]
    fn names_with_spaces_resolve_through_the_schema_comments() {
        let sql = "\
-- Name: t x; Type: TABLE; Schema: Other Schema; Owner: postgres
CREATE TABLE \"Other Schema\".\"t x\" (v text);
-- Name: camelCase; Type: TABLE; Schema: public; Owner: postgres; Tablespace: fast
-- Name: camelCase camelCase_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
";
        let tables = table_comments(sql);
        assert_eq!(tables.len(), 2);
        let (_, data) = parse_list(LIST);
        let public = |n: &str| TableName::new(Some("public"), n);
        assert_eq!(
            resolve(&data[0], &tables),
            Resolved::Named(TableName::new(Some("Other Schema"), "t x"))
        );
        assert_eq!(
            resolve(&data[1], &tables),
            Resolved::Named(public("camelCase"))
        );
        // Without comments (a data-only archive) the words are split.
        assert_eq!(
            resolve(&data[0], &[]),
            Resolved::Guess(TableName::new(Some("Other"), "Schema t x"))
        );
        assert_eq!(resolve(&data[1], &[]), Resolved::Words(public("camelCase")));
    }

    #[test]
    fn other_lines_are_not_data_entries() {
        for line in [
            "",
            "x; 0 0 TABLE DATA a b c",
            "12; 0 0 TABLE a b c",
            "12;",
            "12; 0 0 SEQUENCE SET public s postgres",
        ] {
            assert_eq!(data_line(line), None, "{line}");
        }
    }
}
