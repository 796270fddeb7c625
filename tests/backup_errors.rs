//! Every kind of bad backup input yields an error naming the file and line.

use flate2::write::GzEncoder;
use flate2::Compression;
use lifeboat::backup::Backup;
use lifeboat::catalog::TableName;
use lifeboat::Error;
use std::io::Write;
use std::path::Path;
use tempfile::TempDir;

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

/// Open a one-file backup and read all rows; return the first error's text.
fn first_error(file: &str, bytes: &[u8]) -> String {
    let dir = TempDir::new().unwrap();
    write(dir.path(), file, bytes);
    let backup = match Backup::open(dir.path()) {
        Ok(b) => b,
        Err(e) => return rel(&e, dir.path()),
    };
    let table = &backup.tables[0];
    let reader = match backup.rows(table) {
        Ok(r) => r,
        Err(e) => return rel(&e, dir.path()),
    };
    for row in reader {
        if let Err(e) = row {
            return rel(&e, dir.path());
        }
    }
    panic!("{file}: no error")
}

/// The message with the temp dir prefix removed, so tests can compare exactly.
fn rel(e: &Error, dir: &Path) -> String {
    e.to_string().replace(&format!("{}/", dir.display()), "")
}

#[test]
fn malformed_json_names_line_and_column() {
    let err = first_error("p.json", b"[\n  {\"id\": 1},\n  {\"id\": 2,, \"x\": 3}\n]");
    assert!(err.starts_with("p.json:3: column 12: "), "{err}");
}

#[test]
fn malformed_json_on_a_later_line_of_a_pretty_element() {
    let err = first_error("p.json", b"[\n  {\n    \"id\": 1,\n    \"x\": tru\n  }\n]");
    assert_eq!(err, "p.json:4: expected ident");
}

#[test]
fn unclosed_array_and_trailing_garbage() {
    let err = first_error("p.json", b"[{\"id\": 1},\n{\"id\": 2}\n");
    assert_eq!(
        err,
        "p.json:3: unexpected end of file: in the rows array is not closed with ']'"
    );
    let err = first_error("p.json", b"[{\"id\": 1}]\nxyz");
    assert!(
        err.starts_with("p.json:2: column 1: unexpected 'x'"),
        "{err}"
    );
    let err = first_error("p.json", b"[{\"id\": 1},]");
    assert!(err.contains("trailing comma"), "{err}");
    let err = first_error("p.json", b"{\"id\": 1}\n{\"id\": 2}");
    // Top-level object that is not a {table: [rows]} map: no array values.
    assert!(err.starts_with("p.json"), "{err}");
}

#[test]
fn non_object_rows() {
    let err = first_error("p.json", b"[\n{\"id\": 1},\n42\n]");
    assert_eq!(
        err,
        "p.json:3: expected a JSON object per row, found a number"
    );
    let err = first_error("u.jsonl", b"{\"id\": 1}\n[1,2]\n");
    assert_eq!(
        err,
        "u.jsonl:2: expected a JSON object per row, found an array"
    );
}

#[test]
fn malformed_jsonl_line() {
    let err = first_error("u.jsonl", b"{\"id\": 1}\n\n{\"id\": }\n");
    assert!(err.starts_with("u.jsonl:3: column 8: "), "{err}");
}

#[test]
fn duplicate_key_in_object() {
    let err = first_error(
        "p.json",
        b"[\n{\"id\": 1,\n \"name\": \"a\",\n \"id\": 2}\n]",
    );
    assert!(err.starts_with("p.json:4: "), "{err}");
    assert!(err.contains("duplicate key \"id\""), "{err}");
    let err = first_error("u.jsonl", b"{\"a\": 1, \"a\": null}\n");
    assert!(
        err.starts_with("u.jsonl:1: ") && err.contains("duplicate key \"a\""),
        "{err}"
    );
}

#[test]
fn csv_wrong_field_count() {
    let err = first_error("t.csv", b"a,b,c,d,e\n1,2,3,4,5\n1,2,3,4\n");
    assert_eq!(err, "t.csv:3: 4 fields, header has 5");
    // A quoted field spanning lines: the record's first line is named.
    let err = first_error("t.csv", b"a,b\n\"x\ny\",1,2\n");
    assert_eq!(err, "t.csv:2: 3 fields, header has 2");
}

#[test]
fn csv_unterminated_quote_and_garbage_after_quote() {
    let err = first_error("t.csv", b"a,b\n1,\"open\n\n");
    assert_eq!(err, "t.csv:2: unexpected end of file inside a quoted field");
    let err = first_error("t.csv", b"a,b\n1,\"x\"y\n");
    assert!(
        err.starts_with("t.csv:2: unexpected 'y' after a closing quote"),
        "{err}"
    );
}

#[test]
fn invalid_utf8_names_file_and_line() {
    let err = first_error("p.json", b"[\n{\"id\": 1},\n{\"name\": \"caf\xe9\"}\n]");
    assert_eq!(err, "p.json:3: invalid UTF-8 (byte 0xe9)");
    let err = first_error("p.json", b"[\n{\"id\": 1,\n\"name\":\n \"\xff\"}\n]");
    assert_eq!(err, "p.json:4: invalid UTF-8 (byte 0xff)");
    let err = first_error("u.jsonl", b"{\"id\": 1}\n{\"id\": \"\xc3\"}\n");
    assert_eq!(err, "u.jsonl:2: invalid UTF-8 (byte 0xc3)");
    let err = first_error("t.csv", b"a,b\n1,2\n3,\"multi\nline \xfe\"\n");
    assert_eq!(err, "t.csv:3: invalid UTF-8 (byte 0xfe)");
}

#[test]
fn truncated_gzip_names_the_file() {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    let mut text = String::from("[");
    for i in 0..20_000 {
        text.push_str(&format!("{{\"id\": {i}, \"v\": \"row {i}\"}},"));
    }
    text.push_str("{}]");
    enc.write_all(text.as_bytes()).unwrap();
    let full = enc.finish().unwrap();
    let cut = &full[..full.len() / 2];
    let err = first_error("p.json.gz", cut);
    assert!(err.starts_with("p.json.gz:"), "{err}");
    assert!(err.contains("truncated or corrupt gzip"), "{err}");
    let err = first_error("q.csv.gz", b"not gzip at all");
    assert!(
        err.starts_with("q.csv.gz:1: ") && err.contains("gzip"),
        "{err}"
    );
}

#[test]
fn empty_missing_and_unreadable_paths() {
    let dir = TempDir::new().unwrap();
    let err = Backup::open(dir.path()).unwrap_err().to_string();
    assert!(err.contains(&dir.path().display().to_string()), "{err}");
    assert!(err.contains("empty"), "{err}");

    let missing = dir.path().join("nope");
    let err = Backup::open(&missing).unwrap_err().to_string();
    assert!(err.starts_with(&missing.display().to_string()), "{err}");

    write(dir.path(), "README.txt", b"x");
    let err = Backup::open(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("no table files") && err.contains("README.txt"),
        "{err}"
    );
}

#[test]
fn invalid_table_names() {
    for (file, why) in [
        ("bad\u{1}name.json", "control character"),
        ("public..json", "empty table name"),
        ("a.b.c.json", "more than one dot"),
    ] {
        let dir = TempDir::new().unwrap();
        write(dir.path(), file, b"[]");
        let err = Backup::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains(file), "{err}");
        assert!(err.contains(why), "{err}");
    }
    let long = format!("{}.csv", "t".repeat(64));
    let dir = TempDir::new().unwrap();
    write(dir.path(), &long, b"a\n");
    let err = Backup::open(dir.path()).unwrap_err().to_string();
    assert!(err.contains(&long) && err.contains("at most 63"), "{err}");
}

#[test]
fn two_files_for_one_table() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "projects.json", b"[]");
    write(dir.path(), "projects.csv", b"id\n");
    let err = Backup::open(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("projects.json") && err.contains("projects.csv"),
        "{err}"
    );
}

#[test]
fn single_file_backup_errors() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "dump.json", b"{\"a\": [],\n \"a\": []}");
    let err = Backup::open(&dir.path().join("dump.json"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("dump.json:2") && err.contains("duplicate key \"a\""),
        "{err}"
    );

    write(
        dir.path(),
        "dump.json",
        b"{\"a\": [\n{\"x\": 1},\n{\"x\": oops}\n]}",
    );
    let backup = Backup::open(&dir.path().join("dump.json")).unwrap();
    let table = backup.table(&TableName::new(None, "a")).unwrap();
    let errs: Vec<String> = backup
        .rows(table)
        .unwrap()
        .filter_map(|r| r.err().map(|e| e.to_string()))
        .collect();
    assert_eq!(errs.len(), 1);
    assert!(errs[0].contains("dump.json:3: column 7"), "{}", errs[0]);

    // An object file beside other table files is not silently misread.
    let dir = TempDir::new().unwrap();
    write(dir.path(), "dump.json", b"{\"a\": []}");
    write(dir.path(), "b.csv", b"id\n");
    let err = Backup::open(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("dump.json:1") && err.contains("not an array"),
        "{err}"
    );
}

#[test]
fn manifest_that_is_not_json() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "p.json", b"[]");
    write(dir.path(), "manifest.json", b"{\n\"tables\": {,}\n}");
    let err = Backup::open(dir.path()).unwrap_err().to_string();
    assert!(err.contains("manifest.json:2: column"), "{err}");
}
