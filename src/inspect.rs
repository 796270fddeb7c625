//! `lifeboat inspect`: read-only exploration of a backup — what it holds,
//! when it was taken, and what lifeboat could not use.

use crate::backup::{Backup, BackupFormat, FileFormat};
use crate::error::Result;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InspectColumn {
    pub name: String,
    /// From schema.sql, when the backup has one.
    pub data_type: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InspectTable {
    pub name: String,
    pub file: String,
    /// `json`, `jsonl`, `csv`, with `+gzip` when compressed.
    pub format: String,
    pub rows: u64,
    pub columns: Vec<InspectColumn>,
    pub primary_key: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InspectReport {
    pub path: String,
    pub format: String,
    pub created_at: Option<String>,
    pub has_schema: bool,
    /// Where the schema came from (`schema.sql`, the dump's DDL, the database's catalog).
    pub schema_source: Option<String>,
    /// What the format says of itself (server version, database, compression).
    pub details: BTreeMap<String, String>,
    pub tables: Vec<InspectTable>,
    pub warnings: Vec<String>,
}

/// Read every table of the backup once: row counts, columns, and manifest checks.
pub fn inspect(backup: &Backup) -> Result<InspectReport> {
    let mut tables = Vec::new();
    let mut warnings = backup.warnings.clone();
    let mut counted = BTreeMap::new();
    for src in &backup.tables {
        let schema = backup.schema.as_ref().and_then(|s| s.resolve(&src.name));
        // With the columns known from the schema, a count known at open (a
        // dump's scan) or one count(*) (a database) is enough; otherwise the
        // rows are read, which also finds every key a JSON row uses.
        let (rows, seen_columns) = match schema {
            Some(_) if src.rows.is_some() || src.format == FileFormat::Database => {
                (backup.count_rows(src)?, Vec::new())
            }
            _ => {
                let mut reader = backup.rows(src)?;
                let mut rows = 0u64;
                for row in reader.by_ref() {
                    row?;
                    rows += 1;
                }
                (rows, reader.columns().to_vec())
            }
        };
        let mut columns: Vec<InspectColumn> = schema
            .map(|t| {
                t.columns
                    .iter()
                    .map(|c| InspectColumn {
                        name: c.name.clone(),
                        data_type: Some(c.data_type.clone()),
                    })
                    .collect()
            })
            .unwrap_or_default();
        for name in &seen_columns {
            if !columns.iter().any(|c| &c.name == name) {
                columns.push(InspectColumn {
                    name: name.clone(),
                    data_type: None,
                });
            }
        }
        counted.insert(src.name.clone(), rows);
        let format = src.format.as_str();
        tables.push(InspectTable {
            name: src.name.to_string(),
            file: src.path.display().to_string(),
            format: if src.gzip {
                format!("{format}+gzip")
            } else {
                format.to_string()
            },
            rows,
            columns,
            primary_key: schema
                .and_then(|t| t.primary_key.as_ref())
                .map(|pk| pk.columns.clone()),
        });
    }
    warnings.extend(backup.manifest_mismatches(&counted));
    Ok(InspectReport {
        path: backup.path.display().to_string(),
        format: backup.format.as_str().to_string(),
        created_at: backup.created_at.clone(),
        has_schema: backup.schema.is_some(),
        schema_source: backup
            .schema
            .as_ref()
            .map(|_| schema_source(backup.format).into()),
        details: backup.details.clone(),
        tables,
        warnings,
    })
}

fn schema_source(format: BackupFormat) -> &'static str {
    match format {
        BackupFormat::JsonDirectory | BackupFormat::JsonFile => "schema.sql",
        BackupFormat::PgDumpPlain => "the dump's CREATE/ALTER statements",
        BackupFormat::PgDumpCustom | BackupFormat::PgDumpDirectory | BackupFormat::PgDumpTar => {
            "the archive's schema (pg_restore --schema-only)"
        }
        BackupFormat::SqliteFile | BackupFormat::Database => "the database's own catalog",
    }
}
