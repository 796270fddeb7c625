//! Backup::open: find the table files, `schema.sql` and `manifest.json`, and
//! account for every other file with a warning.

use super::detect::{detect, Detected};
use super::json_scan::{after_element, expect_byte, read_key, read_value};
use super::names::{classify, table_name, timestamp_in_name, Entry};
use super::source::ByteSource;
use super::{manifest, pgdump, schema_sql, Backup, BackupFormat, FileFormat, Locator, TableSource};
use crate::catalog::TableName;
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

const SCHEMA_FILE: &str = "schema.sql";
const MANIFEST_FILE: &str = "manifest.json";
const CREATED_KEYS: [&str; 3] = ["created_at", "createdAt", "timestamp"];

pub(crate) fn open(path: &Path) -> Result<Backup> {
    // A database URL names no file: known by its scheme before any file is looked at.
    if let Some(url) = super::database::url_in(path)? {
        return super::database::open_url(url);
    }
    match detect(path)? {
        Detected::JsonDirectory => open_dir(path),
        Detected::Json => open_json_file(path),
        Detected::PgDumpPlain => super::plain_dump::open(path, created_from_names(path)),
        Detected::PgArchive => Ok(pgdump::Archive::open(path)?.into_backup()),
        Detected::Sqlite => super::database::open_file(path),
    }
}

fn open_json_file(path: &Path) -> Result<Backup> {
    let mut warnings = Vec::new();
    let (tables, created) = single_file_tables(path, &mut warnings)?;
    Ok(Backup {
        path: path.to_path_buf(),
        format: BackupFormat::JsonFile,
        created_at: created.or_else(|| created_from_names(path)),
        tables,
        schema: None,
        manifest: None,
        details: BTreeMap::new(),
        warnings,
    })
}

fn open_dir(dir: &Path) -> Result<Backup> {
    let mut warnings = Vec::new();
    let mut names: Vec<(String, PathBuf)> = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, &e))? {
        let entry = entry.map_err(|e| Error::io(dir, &e))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        names.push((name, path));
    }
    names.sort();
    if names.is_empty() {
        return Err(Error::Io {
            path: dir.to_path_buf(),
            message: "the backup directory is empty".into(),
        });
    }

    let mut schema_path = None;
    let mut manifest_path = None;
    let mut tables: Vec<TableSource> = Vec::new();
    for (name, path) in names {
        let meta = fs::metadata(&path).map_err(|e| Error::io(&path, &e))?;
        if meta.is_dir() {
            warnings.push(format!(
                "{}: a directory; subdirectories are not read",
                path.display()
            ));
            continue;
        }
        if name == SCHEMA_FILE {
            schema_path = Some(path);
            continue;
        }
        if name == MANIFEST_FILE {
            manifest_path = Some(path);
            continue;
        }
        let entry = classify(&name).map_err(|m| Error::backup(&path, None, m))?;
        match entry {
            Entry::Other(why) => warnings.push(format!("{}: {why}", path.display())),
            Entry::Table { .. } if path.file_name().and_then(|n| n.to_str()).is_none() => {
                return Err(Error::backup(&path, None, "file name is not valid UTF-8"))
            }
            Entry::Table { name, format, gzip } => {
                if let Some(other) = tables.iter().find(|t| t.name == name) {
                    return Err(Error::backup(
                        &path,
                        None,
                        format!(
                            "table {name} has two files: {} and {}; remove one",
                            other.path.display(),
                            path.display()
                        ),
                    ));
                }
                tables.push(TableSource {
                    name,
                    path,
                    format,
                    gzip,
                    key_in_file: None,
                    rows: None,
                    locator: Locator::File,
                });
            }
        }
    }

    let manifest = match &manifest_path {
        Some(p) => Some(manifest::read(p, &mut warnings)?),
        None => None,
    };
    let schema = match &schema_path {
        Some(p) => Some(schema_sql::read(p, &mut warnings)?),
        None => None,
    };

    // A JSON file whose top level is an object holds several tables.
    let mut format = BackupFormat::JsonDirectory;
    let mut created_in_file = None;
    let objects: Vec<usize> = (0..tables.len())
        .filter(|&i| tables[i].format == FileFormat::Json)
        .map(|i| top_level_is_object(&tables[i]).map(|obj| (i, obj)))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .filter_map(|(i, obj)| obj.then_some(i))
        .collect();
    if let Some(&i) = objects.first() {
        if tables.len() > 1 {
            return Err(Error::backup(
                &tables[i].path,
                Some(1),
                "top level is an object, not an array of rows; a single-file backup \
                 {\"table\": [rows]} must be the only table file in its directory",
            ));
        }
        let file = tables[i].path.clone();
        let (inner, created) = single_file_tables(&file, &mut warnings)?;
        tables = inner;
        created_in_file = created;
        format = BackupFormat::JsonFile;
    }

    if tables.is_empty() && schema.is_none() {
        return Err(Error::Io {
            path: dir.to_path_buf(),
            message: format!(
                "no table files (.json/.jsonl/.ndjson/.csv, optionally .gz) in the backup directory{}",
                if warnings.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", warnings.join("; "))
                }
            ),
        });
    }
    let created_at = manifest
        .as_ref()
        .and_then(|m| m.created_at.clone())
        .or(created_in_file)
        .or_else(|| created_from_names(dir));
    Ok(Backup {
        path: dir.to_path_buf(),
        format,
        created_at,
        tables,
        schema,
        manifest,
        details: BTreeMap::new(),
        warnings,
    })
}

/// The backup's own name, then its parent directory's name.
fn created_from_names(path: &Path) -> Option<String> {
    path.file_name()
        .and_then(|n| timestamp_in_name(&n.to_string_lossy()))
        .or_else(|| {
            path.parent()
                .and_then(Path::file_name)
                .and_then(|n| timestamp_in_name(&n.to_string_lossy()))
        })
}

fn top_level_is_object(t: &TableSource) -> Result<bool> {
    let mut src = ByteSource::open(&t.path, t.gzip)?;
    Ok(src.skip_ws()? == Some(b'{'))
}

/// List the tables of a single-file backup `{"table": [rows], ...}` by
/// scanning its keys (values are skipped, not parsed). String values under a
/// created-at key give the backup's timestamp; other non-array values warn.
fn single_file_tables(
    file: &Path,
    warnings: &mut Vec<String>,
) -> Result<(Vec<TableSource>, Option<String>)> {
    let gzip = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let mut src = ByteSource::open(file, gzip)?;
    expect_byte(&mut src, b'{', "at the start of a single-file backup")?;
    let mut tables: Vec<TableSource> = Vec::new();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    let mut created = None;
    let mut scratch = Vec::new();
    let mut closed = src.skip_ws()? == Some(b'}');
    if closed {
        src.consume(1);
    }
    while !closed {
        let line = src.line();
        let key = read_key(&mut src, &mut scratch)?;
        if let Some(first) = seen.insert(key.clone(), line) {
            return Err(src.error(format!("duplicate key \"{key}\" (first at line {first})")));
        }
        match src.skip_ws()? {
            Some(b'[') => {
                let name: TableName = table_name(&key)
                    .map_err(|m| Error::backup(file, Some(line), format!("key \"{key}\": {m}")))?;
                read_value(&mut src, None)?;
                tables.push(TableSource {
                    name,
                    path: file.to_path_buf(),
                    format: FileFormat::Json,
                    gzip,
                    key_in_file: Some(key),
                    rows: None,
                    locator: Locator::File,
                });
            }
            Some(b'"') if CREATED_KEYS.contains(&key.as_str()) => {
                scratch.clear();
                read_value(&mut src, Some(&mut scratch))?;
                created = serde_json::from_slice::<String>(&scratch).ok();
            }
            _ => {
                read_value(&mut src, None)?;
                warnings.push(format!(
                    "{}:{line}: key \"{key}\" is not an array of rows; ignored",
                    file.display()
                ));
            }
        }
        closed = after_element(&mut src, b'}', "in the top-level object")?;
    }
    super::json_scan::expect_end(&mut src)?;
    if tables.is_empty() {
        return Err(Error::backup(
            file,
            None,
            "no tables: expected a top-level object {\"table\": [rows], ...}",
        ));
    }
    Ok((tables, created))
}
