//! Backup directories in every file format, written into a temp dir per test.

use flate2::write::GzEncoder;
use flate2::Compression;
use lifeboat::backup::{Backup, BackupFormat, BackupRow, FileFormat};
use lifeboat::catalog::TableName;
use lifeboat::value::Cell;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use tempfile::TempDir;

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// All rows of a table as (columns, rows).
fn read_all(backup: &Backup, name: &TableName) -> (Vec<String>, Vec<BackupRow>) {
    let table = backup
        .table(name)
        .unwrap_or_else(|| panic!("no table {name}"));
    let mut reader = backup.rows(table).unwrap();
    let rows: Vec<BackupRow> = reader.by_ref().map(|r| r.unwrap()).collect();
    (reader.columns().to_vec(), rows)
}

fn t(s: &str) -> Option<Cell> {
    Some(Cell::Text(s.into()))
}
fn n(s: &str) -> Option<Cell> {
    Some(Cell::Number(s.into()))
}
fn bare(name: &str) -> TableName {
    TableName::new(None, name)
}

const PROJECTS_JSON: &str = r#"[
  {"id": 1, "name": "alpha", "budget": 10.50, "active": true, "meta": {"k": [1, 2]}},
  {
    "id": 2,
    "name": "beta",
    "budget": null,
    "owner": "u1"
  }
]
"#;

fn check_projects(cols: &[String], rows: &[BackupRow]) {
    assert_eq!(cols, ["id", "name", "budget", "active", "meta", "owner"]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].line, 2);
    assert_eq!(
        rows[0].cells,
        vec![
            n("1"),
            t("alpha"),
            n("10.50"),
            Some(Cell::Bool(true)),
            Some(Cell::Json(r#"{"k":[1,2]}"#.into()))
        ]
    );
    assert_eq!(rows[1].line, 3);
    assert_eq!(
        rows[1].cells,
        vec![n("2"), t("beta"), Some(Cell::Null), None, None, t("u1")]
    );
}

#[test]
fn json_array_plain_and_gzipped() {
    for gzip in [false, true] {
        let dir = TempDir::new().unwrap();
        if gzip {
            write(
                dir.path(),
                "projects.json.gz",
                &gz(PROJECTS_JSON.as_bytes()),
            );
        } else {
            write(dir.path(), "projects.json", PROJECTS_JSON.as_bytes());
        }
        let backup = Backup::open(dir.path()).unwrap();
        assert_eq!(backup.format, BackupFormat::JsonDirectory);
        assert_eq!(backup.tables.len(), 1);
        assert_eq!(backup.tables[0].format, FileFormat::Json);
        assert_eq!(backup.tables[0].gzip, gzip);
        let (cols, rows) = read_all(&backup, &bare("projects"));
        check_projects(&cols, &rows);
    }
}

#[test]
fn jsonl_and_ndjson_with_blank_lines_plain_and_gzipped() {
    let text = "{\"id\": 1, \"name\": \"a\"}\n\n   \n{\"id\": 2, \"extra\": [1]}\r\n{\"id\": 3}";
    for (file, gzip) in [("users.jsonl", false), ("users.ndjson.gz", true)] {
        let dir = TempDir::new().unwrap();
        let bytes = if gzip {
            gz(text.as_bytes())
        } else {
            text.as_bytes().to_vec()
        };
        write(dir.path(), file, &bytes);
        let backup = Backup::open(dir.path()).unwrap();
        assert_eq!(backup.tables[0].format, FileFormat::Jsonl);
        let (cols, rows) = read_all(&backup, &bare("users"));
        assert_eq!(cols, ["id", "name", "extra"]);
        assert_eq!(
            rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![1, 4, 5]
        );
        assert_eq!(
            rows[1].cells,
            vec![n("2"), None, Some(Cell::Json("[1]".into()))]
        );
        assert_eq!(rows[2].cells, vec![n("3"), None, None]);
    }
}

#[test]
fn csv_null_versus_empty_string_quotes_and_newlines() {
    let text = "id,name,note\r\n1,,\"\"\r\n2,\"a \"\"quoted\"\"\nline, comma\",plain\n3,x,\"tab\there\\back\"\n";
    for (file, gzip) in [("notes.csv", false), ("notes.csv.gz", true)] {
        let dir = TempDir::new().unwrap();
        let bytes = if gzip {
            gz(text.as_bytes())
        } else {
            text.as_bytes().to_vec()
        };
        write(dir.path(), file, &bytes);
        let backup = Backup::open(dir.path()).unwrap();
        let (cols, rows) = read_all(&backup, &bare("notes"));
        assert_eq!(cols, ["id", "name", "note"]);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].cells, vec![t("1"), Some(Cell::Null), t("")]);
        assert_eq!(rows[1].line, 3);
        assert_eq!(
            rows[1].cells,
            vec![t("2"), t("a \"quoted\"\nline, comma"), t("plain")]
        );
        assert_eq!(rows[2].line, 5);
        assert_eq!(rows[2].cells, vec![t("3"), t("x"), t("tab\there\\back")]);
    }
}

#[test]
fn schema_qualified_and_hyphenated_names() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "public.projects.json", b"[]");
    write(dir.path(), "vector-sync-status.jsonl", b"{\"id\": 1}\n");
    write(dir.path(), "bazaar-vid_user.csv", b"id,\"userId\"\n1,u\n");
    let backup = Backup::open(dir.path()).unwrap();
    let names: Vec<TableName> = backup.tables.iter().map(|t| t.name.clone()).collect();
    assert_eq!(
        names,
        vec![
            bare("bazaar-vid_user"),
            TableName::new(Some("public"), "projects"),
            bare("vector-sync-status"),
        ]
    );
    let (_, rows) = read_all(&backup, &TableName::new(Some("public"), "projects"));
    assert!(rows.is_empty());
    let (cols, _) = read_all(&backup, &bare("bazaar-vid_user"));
    assert_eq!(cols, ["id", "userId"]);
}

#[test]
fn single_json_file_passed_directly_and_in_a_directory() {
    let text = r#"{
  "exported_by": {"tool": "x", "rows": [1, 2, 3]},
  "users": [{"id": "u1"}, {"id": "u2"}],
  "createdAt": "2025-07-11T19:46:34.951Z",
  "projects": [
    {"id": 1, "userId": "u1"}
  ],
  "empty": []
}"#;
    let dir = TempDir::new().unwrap();
    write(dir.path(), "dump.json", text.as_bytes());
    for path in [dir.path().join("dump.json"), dir.path().to_path_buf()] {
        let backup = Backup::open(&path).unwrap();
        assert_eq!(backup.format, BackupFormat::JsonFile);
        assert_eq!(
            backup.created_at.as_deref(),
            Some("2025-07-11T19:46:34.951Z")
        );
        let keys: Vec<_> = backup
            .tables
            .iter()
            .map(|t| t.key_in_file.clone().unwrap())
            .collect();
        assert_eq!(keys, ["users", "projects", "empty"]);
        assert_eq!(backup.warnings.len(), 1, "{:?}", backup.warnings);
        assert!(backup.warnings[0].contains("\"exported_by\" is not an array"));
        let (cols, rows) = read_all(&backup, &bare("projects"));
        assert_eq!(cols, ["id", "userId"]);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 6);
        assert_eq!(rows[0].cells, vec![n("1"), t("u1")]);
        let (_, rows) = read_all(&backup, &bare("users"));
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].cells, vec![t("u2")]);
        let (_, rows) = read_all(&backup, &bare("empty"));
        assert!(rows.is_empty());
    }
}

#[test]
fn manifest_and_created_at_from_directory_name() {
    let root = TempDir::new().unwrap();
    let dir = root.path().join("migration-2025-07-11T19-46-34-951Z");
    std::fs::create_dir(&dir).unwrap();
    write(&dir, "projects.json", b"[{\"id\": 1}, {\"id\": 2}]");
    let backup = Backup::open(&dir).unwrap();
    assert_eq!(
        backup.created_at.as_deref(),
        Some("2025-07-11T19:46:34.951Z")
    );
    assert!(backup.manifest.is_none());

    let nightly = root.path().join("nightly-2025-07-12");
    std::fs::create_dir(&nightly).unwrap();
    write(&nightly, "projects.json", b"[]");
    assert_eq!(
        Backup::open(&nightly).unwrap().created_at.as_deref(),
        Some("2025-07-12")
    );

    write(
        &dir,
        "manifest.json",
        br#"{"timestamp": "2025-07-11T19:46:35Z", "tables": {"projects": {"rows": 3}, "users": 4}}"#,
    );
    let backup = Backup::open(&dir).unwrap();
    assert_eq!(backup.created_at.as_deref(), Some("2025-07-11T19:46:35Z"));
    let manifest = backup.manifest.clone().unwrap();
    assert_eq!(manifest.row_counts.get("projects"), Some(&3));
    let counted: BTreeMap<TableName, u64> = backup
        .tables
        .iter()
        .map(|t| (t.name.clone(), backup.rows(t).unwrap().count() as u64))
        .collect();
    assert_eq!(
        backup.manifest_mismatches(&counted),
        vec![
            "projects: manifest says 3 rows, backup file has 2",
            "users: manifest says 4 rows, but the backup has no file for it",
        ]
    );
    assert!(backup.warnings.is_empty(), "{:?}", backup.warnings);
}

#[test]
fn stray_files_are_warned_about_not_skipped_silently() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "projects.json", b"[]");
    write(dir.path(), "README.txt", b"hi");
    write(dir.path(), ".DS_Store", b"\0\0");
    write(dir.path(), "notes.xml", b"<x/>");
    std::fs::create_dir(dir.path().join("old")).unwrap();
    let backup = Backup::open(dir.path()).unwrap();
    assert_eq!(backup.tables.len(), 1);
    let w = backup.warnings.join("\n");
    assert_eq!(backup.warnings.len(), 4, "{w}");
    for name in ["README.txt", ".DS_Store", "notes.xml", "old"] {
        assert!(w.contains(name), "{name} missing from {w}");
    }
    assert!(w.contains("not a table file (.json/.jsonl/.ndjson/.csv, optionally .gz)"));
    assert!(w.contains("subdirectories are not read"));
}

#[test]
fn hostile_values_round_trip_exactly() {
    let nasty = "quote \" backslash \\ newline \n tab \t cr \r bell \u{7} nul-ish \u{1} é 😀 '; DROP TABLE x; --";
    let dir = TempDir::new().unwrap();
    let json = format!(
        "[{{\"v\": {}, \"k\\\"ey\\n\": 1}}]",
        serde_json::to_string(nasty).unwrap()
    );
    write(dir.path(), "a.json", json.as_bytes());
    let jsonl = serde_json::to_string(&serde_json::json!({ "v": nasty })).unwrap();
    write(dir.path(), "b.jsonl", jsonl.as_bytes());
    let csv = format!("v\n\"{}\"\n", nasty.replace('"', "\"\""));
    write(dir.path(), "c.csv", csv.as_bytes());
    let backup = Backup::open(dir.path()).unwrap();
    for name in ["a", "b", "c"] {
        let (cols, rows) = read_all(&backup, &bare(name));
        assert_eq!(cols[0], "v");
        assert_eq!(rows[0].cells[0], t(nasty), "table {name}");
        if name == "a" {
            assert_eq!(cols[1], "k\"ey\n");
        }
    }
}

#[test]
fn many_rows_stream_with_exact_lines() {
    let dir = TempDir::new().unwrap();
    let mut text = String::from("[\n");
    for i in 0..50_000 {
        if i > 0 {
            text.push_str(",\n");
        }
        text.push_str(&format!(
            // Escapes at every offset: some straddle the reader's buffer boundary.
            "{{\"id\": {i}, \"s\": \"{}\\\"q\\\\\"}}",
            "x".repeat(i % 50)
        ));
    }
    text.push_str("\n]\n");
    write(dir.path(), "big.json.gz", &gz(text.as_bytes()));
    let backup = Backup::open(dir.path()).unwrap();
    let (_, rows) = read_all(&backup, &bare("big"));
    assert_eq!(rows.len(), 50_000);
    assert_eq!(rows[49_999].line, 50_001);
    assert_eq!(rows[49_999].cells[0], n("49999"));
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(
            row.cells[1],
            t(&format!("{}\"q\\", "x".repeat(i % 50))),
            "row {i}"
        );
    }
}
