//! One PostgreSQL database with awkward data, backed up in every format
//! lifeboat reads, by the real tools: a JSON-lines folder with schema.sql,
//! plain pg_dump (COPY, gzipped, --inserts, --column-inserts), custom,
//! directory and tar archives, and a snapshot restored into a scratch
//! database.

use super::{pg_dump_url, TestPg};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The source database: every type and name the issue lists. Keys: serial,
/// identity, composite on a partitioned table, none on `audit_nopk`.
/// No jsonb `null` literal: a JSON export writes it as `null`, the same as
/// SQL NULL, so no reader could tell them apart (README, Backup formats).
pub const SOURCE: &str = r#"
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
CREATE TABLE projects (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    "camelCase" text,
    budget numeric(12,4),
    tags text[],
    meta jsonb,
    doc json,
    blob bytea,
    created timestamptz,
    local_at timestamp,
    mood mood,
    contact email
);
CREATE TABLE sessions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id int NOT NULL REFERENCES projects(id),
    note text
);
CREATE TABLE "vector-sync-status" (
    "itemId" bigint PRIMARY KEY,
    project_id int REFERENCES projects(id),
    "lastSyncedAt" timestamptz
);
CREATE TABLE events (
    id int,
    at date,
    project_id int REFERENCES projects(id),
    payload text,
    PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE TABLE events_h1 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2025-07-01');
CREATE TABLE events_h2 PARTITION OF events FOR VALUES FROM ('2025-07-01') TO ('2026-01-01');
CREATE TABLE audit_nopk (project_id int, line text);

INSERT INTO projects (name, "camelCase", budget, tags, meta, doc, blob, created, local_at, mood, contact) VALUES
 ('ToeTheLine', 'camel', 1234.5000, ARRAY['a,b', 'c"d', NULL], '{"b": 1, "a": "x\ty"}', '{"z": 1,  "a": [1, 2]}',
  '\x00ff5c', '2025-07-11 19:46:34.951+02', '2025-07-11 19:46:34.951', 'happy', 'toe@example.com'),
 (E'Tab\tand\\back', '', 0.0001, '{}', '{"k": null}', '[]', '', '2025-01-01 00:00:00+00', '2025-01-01 00:00:00', 'sad', 'tab@example.com'),
 ('quote''s "double" ;', NULL, -99999999.9999, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (E'new\nline\r\nand \\N and \\.', '\N', 1, ARRAY['\N', ''], '[]', '"\\\\."', '\x5c4e', 'infinity', '-infinity', 'ok', 'nl@example.com'),
 ('unicode é € 日本語 🙂 👩‍💻', 'ü', 3.1415, ARRAY['ü'], '{"ü": "ß"}', '{}', '\xdeadbeef', '2025-03-30 01:30:00-08', '2025-03-30 02:30:00', 'ok', 'u@example.com'),
 (E'bell\007 esc\033[31m del\177', 'ctl', 5, NULL, '{"nested": {"k": [true, false, null]}}', NULL, NULL, '2025-07-12 03:00:00+00', NULL, NULL, NULL);

INSERT INTO sessions (project_id, note) SELECT 1 + (g % 6), 'session ' || g || E'\t' || repeat('x', g % 5) FROM generate_series(1, 30) g;
INSERT INTO "vector-sync-status" VALUES (10, 1, '2025-07-11 10:00:00+00'), (20, 2, NULL), (30, 2, '2025-07-11 11:00:00+00'), (40, NULL, NULL);
INSERT INTO events SELECT g, DATE '2025-01-01' + (g * 11), 1 + (g % 6), 'event ' || g FROM generate_series(1, 30) g;
INSERT INTO audit_nopk VALUES (1, 'created'), (2, 'created'), (2, 'created'), (2, NULL), (3, '');
"#;

/// What the bad migration did to the live copy: project 2 and everything
/// hanging off it gone, a value changed, a live-only row added.
pub const DAMAGE: &str = r#"
DELETE FROM sessions WHERE project_id = 2 OR id = 3;
DELETE FROM "vector-sync-status" WHERE project_id = 2;
DELETE FROM events WHERE project_id = 2;
DELETE FROM audit_nopk WHERE project_id = 2;
DELETE FROM projects WHERE id = 2;
UPDATE projects SET budget = 1 WHERE id = 3;
INSERT INTO projects (name) VALUES ('only live');
"#;

/// A backup in one format: its name and what to pass as `--backup`.
pub struct Made {
    pub format: &'static str,
    /// The name `inspect` gives the detected format.
    pub detected: &'static str,
    pub backup: String,
}

fn run(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("run {cmd:?}: {e} (is PostgreSQL's client installed?)"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Each table as JSON lines, the way an application's exporter writes it
/// (`row_to_json` per row; a partitioned table through its parent), and
/// the schema from `pg_dump --schema-only`.
fn json_folder(url: &str, dir: &Path) {
    std::fs::create_dir_all(dir).expect("json dir");
    for (file, from) in [
        ("projects", "projects"),
        ("sessions", "sessions"),
        ("vector-sync-status", "\"vector-sync-status\""),
        ("events", "events"),
        ("audit_nopk", "audit_nopk"),
    ] {
        let out = Command::new("psql")
            .args(["-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", url, "-c"])
            .arg(format!("SELECT row_to_json(t) FROM {from} t"))
            .output()
            .expect("run psql");
        assert!(
            out.status.success(),
            "psql export of {from}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::write(dir.join(format!("{file}.jsonl")), &out.stdout).expect("write jsonl");
    }
    pg_dump_url(url, &dir.join("schema.sql"), &["--schema-only"]);
}

/// Every format, made from `source` into `dir`; `snapshot` is an empty
/// database that receives a pg_restore of the custom archive.
pub fn make_all(source: &TestPg, snapshot: &TestPg, dir: &Path) -> Vec<Made> {
    let url = source.url();
    let at = |name: &str| -> PathBuf { dir.join(name) };
    json_folder(&url, &at("json"));
    pg_dump_url(&url, &at("plain.sql"), &[]);
    pg_dump_url(&url, &at("plain.sql.gz"), &["-Z", "6"]);
    pg_dump_url(&url, &at("inserts.sql"), &["--inserts"]);
    pg_dump_url(
        &url,
        &at("column-inserts.sql"),
        &["--column-inserts", "--rows-per-insert=3"],
    );
    pg_dump_url(&url, &at("custom.dump"), &["-Fc"]);
    pg_dump_url(&url, &at("directory"), &["-Fd"]);
    pg_dump_url(&url, &at("archive.tar"), &["-Ft"]);
    run(Command::new("pg_restore")
        .args(["--no-owner", "-d", &snapshot.url()])
        .arg(at("custom.dump")));
    let files = [
        ("json", "json-directory", "json"),
        ("plain", "pg-dump-plain", "plain.sql"),
        ("plain gzip", "pg-dump-plain", "plain.sql.gz"),
        ("inserts", "pg-dump-plain", "inserts.sql"),
        ("column inserts", "pg-dump-plain", "column-inserts.sql"),
        ("custom", "pg-dump-custom", "custom.dump"),
        ("directory", "pg-dump-directory", "directory"),
        ("tar", "pg-dump-tar", "archive.tar"),
    ];
    let mut made: Vec<Made> = files
        .into_iter()
        .map(|(format, detected, file)| Made {
            format,
            detected,
            backup: at(file).display().to_string(),
        })
        .collect();
    made.push(Made {
        format: "restored snapshot",
        detected: "database",
        backup: snapshot.url(),
    });
    made
}
