//! `manifest.json`, read liberally: exporters spell it many ways.

use super::Manifest;
use crate::catalog::TableName;
use crate::error::{Error, Result};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// A manifest is metadata, not rows: refuse anything implausibly large.
const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;

const CREATED_KEYS: [&str; 6] = [
    "created_at",
    "createdAt",
    "timestamp",
    "created",
    "exported_at",
    "exportedAt",
];
const COUNT_KEYS: [&str; 5] = ["tables", "row_counts", "rowCounts", "counts", "rows"];
const ENTRY_COUNT_KEYS: [&str; 5] = ["rows", "count", "row_count", "rowCount", "records"];

/// Parse a manifest; entries we cannot use become warnings.
pub(crate) fn read(path: &Path, warnings: &mut Vec<String>) -> Result<Manifest> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, &e))?;
    if meta.len() > MAX_MANIFEST_BYTES {
        return Err(Error::backup(path, None, "manifest is larger than 64 MiB"));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, &e))?;
    let text = super::json_row::utf8(path, 1, &bytes)?;
    let value: Value =
        serde_json::from_str(text).map_err(|e| super::json_row::json_error(path, 1, 1, &e))?;
    parse(path, &value, warnings)
}

fn parse(path: &Path, value: &Value, warnings: &mut Vec<String>) -> Result<Manifest> {
    let Value::Object(top) = value else {
        return Err(Error::backup(path, Some(1), "expected a JSON object"));
    };
    let mut manifest = Manifest {
        created_at: CREATED_KEYS
            .iter()
            .find_map(|k| top.get(*k).and_then(Value::as_str))
            .map(str::to_owned),
        row_counts: BTreeMap::new(),
    };
    let Some(counts) = COUNT_KEYS.iter().find_map(|k| top.get(*k)) else {
        return Ok(manifest);
    };
    let entries: Vec<(String, &Value)> = match counts {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        // `[{"name": "projects", "rows": 12}, ...]`
        Value::Array(items) => items
            .iter()
            .filter_map(|item| {
                let name = ["name", "table"]
                    .iter()
                    .find_map(|k| item.get(*k).and_then(Value::as_str));
                match name {
                    Some(n) => Some((n.to_owned(), item)),
                    None => {
                        warnings.push(format!(
                            "{}: table entry without a \"name\" ignored: {item}",
                            path.display()
                        ));
                        None
                    }
                }
            })
            .collect(),
        other => {
            warnings.push(format!(
                "{}: table counts ignored: expected an object, found {other}",
                path.display()
            ));
            return Ok(manifest);
        }
    };
    for (name, v) in entries {
        let count = match v {
            Value::Object(o) => ENTRY_COUNT_KEYS.iter().find_map(|k| o.get(*k)),
            other => Some(other),
        };
        match count.and_then(as_count) {
            Some(n) => {
                manifest.row_counts.insert(name, n);
            }
            None => warnings.push(format!(
                "{}: no usable row count for table \"{name}\"",
                path.display()
            )),
        }
    }
    Ok(manifest)
}

/// A non-negative integer, also when written as a string (`"12"`).
fn as_count(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl Manifest {
    /// Compare the manifest's row counts with rows actually counted in the
    /// backup. A manifest key matches a table by its full name (`public.projects`)
    /// or, when unambiguous, its bare name. One message per disagreement.
    pub fn mismatches(&self, counted: &BTreeMap<TableName, u64>) -> Vec<String> {
        let mut out = Vec::new();
        let mut matched: Vec<&TableName> = Vec::new();
        for (key, &expected) in &self.row_counts {
            let full: Vec<&TableName> = counted.keys().filter(|t| t.to_string() == *key).collect();
            let hits = if full.is_empty() {
                counted.keys().filter(|t| t.name == *key).collect()
            } else {
                full
            };
            match hits.as_slice() {
                [t] => {
                    matched.push(t);
                    let actual = counted[*t];
                    if actual != expected {
                        out.push(format!(
                            "{t}: manifest says {expected} rows, backup file has {actual}"
                        ));
                    }
                }
                [] => out.push(format!(
                    "{key}: manifest says {expected} rows, but the backup has no file for it"
                )),
                _ => out.push(format!(
                    "{key}: manifest entry matches several tables ({})",
                    hits.iter()
                        .map(|t| t.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
        if !self.row_counts.is_empty() {
            for t in counted.keys().filter(|t| !matched.contains(t)) {
                out.push(format!("{t}: not listed in the manifest"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn liberal_spellings() {
        let mut w = Vec::new();
        let m = parse(
            Path::new("manifest.json"),
            &json!({"createdAt": "2025-07-11T19:46:34Z",
                    "counts": {"projects": 12, "users": {"rows": 3}, "bad": "x"}}),
            &mut w,
        )
        .unwrap();
        assert_eq!(m.created_at.as_deref(), Some("2025-07-11T19:46:34Z"));
        assert_eq!(m.row_counts.get("projects"), Some(&12));
        assert_eq!(m.row_counts.get("users"), Some(&3));
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("\"bad\""));
    }

    #[test]
    fn mismatches_name_tables() {
        let mut m = Manifest::default();
        m.row_counts.insert("projects".into(), 12);
        m.row_counts.insert("ghost".into(), 1);
        let mut counted = BTreeMap::new();
        counted.insert(TableName::new(Some("public"), "projects"), 11);
        counted.insert(TableName::new(None, "users"), 2);
        let got = m.mismatches(&counted);
        assert_eq!(
            got,
            vec![
                "ghost: manifest says 1 rows, but the backup has no file for it",
                "public.projects: manifest says 12 rows, backup file has 11",
                "users: not listed in the manifest",
            ]
        );
    }
}
