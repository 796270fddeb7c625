//! A folder of many backups for tests: one `Data` (rows per table as JSON
//! objects) written as a snapshot in any format. Add a format with another
//! `Root` method writing the same `Data`.

use flate2::write::GzEncoder;
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// Rows per table, as JSON objects: every backup format is written from it.
pub struct Data {
    pub tables: Vec<(&'static str, Vec<Value>)>,
}

impl Data {
    /// projects(id, name) and sessions(id, project_id), one session per project.
    pub fn projects(ids: &[i64]) -> Data {
        let projects = ids
            .iter()
            .map(|&id| json!({"id": id, "name": format!("project {id}")}))
            .collect();
        let sessions = ids
            .iter()
            .map(|&id| json!({"id": id * 10, "project_id": id}))
            .collect();
        Data {
            tables: vec![("projects", projects), ("sessions", sessions)],
        }
    }

    /// CREATE TABLE and INSERT statements for PostgreSQL and SQLite: the
    /// first column is the key, numbers are bigint, strings text.
    pub fn sql(&self) -> String {
        let mut out = String::new();
        for (table, rows) in &self.tables {
            let Some(Value::Object(first)) = rows.first() else {
                continue;
            };
            let columns: Vec<String> = first
                .iter()
                .enumerate()
                .map(|(i, (name, v))| {
                    let ty = if v.is_number() { "bigint" } else { "text" };
                    let key = if i == 0 { " PRIMARY KEY" } else { "" };
                    format!("\"{name}\" {ty}{key}")
                })
                .collect();
            out.push_str(&format!(
                "CREATE TABLE \"{table}\" ({});\n",
                columns.join(", ")
            ));
            for row in rows {
                let Value::Object(row) = row else { continue };
                let values: Vec<String> = row
                    .values()
                    .map(|v| match v {
                        Value::String(s) => format!("'{}'", s.replace('\'', "''")),
                        other => other.to_string(),
                    })
                    .collect();
                out.push_str(&format!(
                    "INSERT INTO \"{table}\" VALUES ({});\n",
                    values.join(", ")
                ));
            }
        }
        out
    }
}

/// The folder of backups, built one snapshot at a time.
pub struct Root {
    dir: TempDir,
}

impl Root {
    pub fn new() -> Root {
        Root {
            dir: tempfile::Builder::new()
                .prefix("lifeboat-snapshots-")
                .tempdir()
                .unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn arg(&self) -> String {
        self.path().display().to_string()
    }

    /// A directory of `TABLE.json` arrays, with a manifest when `created_at` is given.
    pub fn json_directory(&self, name: &str, data: &Data, created_at: Option<&str>) -> PathBuf {
        let dir = self.path().join(name);
        std::fs::create_dir(&dir).unwrap();
        for (table, rows) in &data.tables {
            let text = serde_json::to_string_pretty(rows).unwrap();
            std::fs::write(dir.join(format!("{table}.json")), text).unwrap();
        }
        if let Some(at) = created_at {
            let counts: serde_json::Map<String, Value> = data
                .tables
                .iter()
                .map(|(t, rows)| (t.to_string(), json!(rows.len())))
                .collect();
            let manifest = json!({"created_at": at, "tables": counts});
            std::fs::write(dir.join("manifest.json"), manifest.to_string()).unwrap();
        }
        dir
    }

    /// One file `{"table": [rows], ...}`.
    pub fn json_file(&self, name: &str, data: &Data) -> PathBuf {
        let file = self.path().join(name);
        let top: serde_json::Map<String, Value> = data
            .tables
            .iter()
            .map(|(t, rows)| (t.to_string(), Value::Array(rows.clone())))
            .collect();
        std::fs::write(&file, Value::Object(top).to_string()).unwrap();
        file
    }

    /// A directory of gzipped JSON lines, with a manifest giving the time.
    pub fn jsonl_gz_directory(&self, name: &str, data: &Data, created_at: &str) -> PathBuf {
        let dir = self.path().join(name);
        std::fs::create_dir(&dir).unwrap();
        for (table, rows) in &data.tables {
            let file = std::fs::File::create(dir.join(format!("{table}.jsonl.gz"))).unwrap();
            let mut gz = GzEncoder::new(file, flate2::Compression::default());
            for row in rows {
                writeln!(gz, "{row}").unwrap();
            }
            gz.finish().unwrap();
        }
        let manifest = json!({"createdAt": created_at});
        std::fs::write(dir.join("manifest.json"), manifest.to_string()).unwrap();
        dir
    }

    /// `pg_dump ARGS -f ROOT/NAME URL` (plain, `-Z6`, `-Fc`, `-Fd`, `-Ft`...).
    pub fn pg_dump(&self, name: &str, url: &str, args: &[&str]) -> PathBuf {
        let path = self.path().join(name);
        super::pg_dump_url(url, &path, args);
        path
    }

    /// A SQLite database file holding `data`, made by the sqlite3 CLI.
    pub fn sqlite_file(&self, name: &str, data: &Data) -> PathBuf {
        let path = self.path().join(name);
        let out = std::process::Command::new("sqlite3")
            .arg(&path)
            .arg(data.sql())
            .output()
            .expect("run sqlite3");
        assert!(
            out.status.success(),
            "sqlite3: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        path
    }

    pub fn write(&self, name: &str, content: &str) {
        std::fs::write(self.path().join(name), content).unwrap();
    }
}

pub fn lifeboat(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lifeboat"))
        .env_remove("LIFEBOAT_DATABASE_URL")
        .env_remove("DATABASE_URL")
        .args(args)
        .output()
        .unwrap()
}

/// Run the binary; expect exit `code`; (stdout, stderr).
pub fn run(args: &[&str], code: i32) -> (String, String) {
    let out = lifeboat(args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}\nstdout: {stdout}\nstderr: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    (stdout, stderr)
}

pub fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The `name` of each element of a JSON array.
pub fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect()
}
