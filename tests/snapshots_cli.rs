//! A folder of many backups through the real binary: `lifeboat snapshots`,
//! `lifeboat find`, and `--snapshot latest|NAME` on inspect and plan.
//!
//! The folder holds one backup per format available (add more formats with
//! another `Root` method in tests/common/snapshot_folder.rs writing the same
//! `Data`): the record projects(id=7) is in the two older ones and gone from
//! the newest.

mod common;

use common::snapshot_folder::{json_of, names, run, Data, Root};
use serde_json::{json, Value};
use std::process::Command;

const OLDEST: &str = "migration-2025-07-11T19-46-34-951Z";
const MIDDLE: &str = "nightly-2025-07-12.json";
const NEWEST: &str = "nightly-final";
/// Dated newest by its name, but not a backup: never `latest`.
const BROKEN: &str = "nightly-2025-07-14.json";
const NOTES: &str = "notes.txt";

/// Three backups of different formats (times from a manifest, a name, a
/// manifest), a broken entry dated by its name, a file that is no backup
/// (dated by its modification time: now), and a hidden file, not listed.
fn incident_root() -> Root {
    let root = Root::new();
    root.json_directory(
        OLDEST,
        &Data::projects(&[1, 7, 9]),
        Some("2025-07-11T19:46:34.951Z"),
    );
    root.json_file(MIDDLE, &Data::projects(&[1, 7]));
    root.jsonl_gz_directory(NEWEST, &Data::projects(&[1, 2]), "2025-07-13T02:00:00Z");
    root.write(BROKEN, "{\"projects\": [{\"id\": 1},\n");
    root.write("notes.txt", "restore drill on Friday");
    root.write(".DS_Store", "not a backup");
    root
}

#[test]
fn snapshots_lists_every_format_oldest_first_with_counts() {
    let root = incident_root();
    let (out, _) = run(&["snapshots", &root.arg(), "--json"], 0);
    let v = json_of(&out);
    let list = &v["snapshots"];
    assert_eq!(names(list), [OLDEST, MIDDLE, NEWEST, BROKEN, NOTES]);
    assert_eq!(v["latest"], NEWEST);
    let formats: Vec<&Value> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["format"])
        .collect();
    assert_eq!(
        formats,
        [
            &json!("json-directory"),
            &json!("json-file"),
            &json!("json-directory"),
            &Value::Null,
            &Value::Null
        ]
    );
    assert_eq!(
        list[0]["time"],
        json!({"text": "2025-07-11T19:46:34.951Z", "source": "backup"})
    );
    assert_eq!(
        list[1]["time"],
        json!({"text": "2025-07-12", "source": "name"})
    );
    assert_eq!(
        list[2]["time"],
        json!({"text": "2025-07-13T02:00:00Z", "source": "backup"})
    );
    assert_eq!(
        list[3]["time"],
        json!({"text": "2025-07-14", "source": "name"})
    );
    assert_eq!(list[4]["time"]["source"], "modified");
    assert_eq!(
        list[0]["tables"],
        json!([{"table": "projects", "rows": 3}, {"table": "sessions", "rows": 3}])
    );
    assert_eq!(
        list[2]["tables"],
        json!([{"table": "projects", "rows": 2}, {"table": "sessions", "rows": 2}])
    );
    assert_eq!(list[2]["error"], Value::Null);
    let error = list[3]["error"].as_str().unwrap();
    assert!(error.contains(&format!("{BROKEN}:2")), "{error}");

    let (text, _) = run(&["snapshots", &root.arg()], 0);
    assert!(
        text.starts_with("3 backups in ") && text.contains("and 2 entries that do not open"),
        "{text}"
    );
    let line = |name: &str| {
        text.lines()
            .position(|l| l.trim_start().starts_with(name))
            .unwrap()
    };
    assert!(
        line(OLDEST) < line(MIDDLE)
            && line(MIDDLE) < line(NEWEST)
            && line(NEWEST) < line(BROKEN)
            && line(BROKEN) < line(NOTES)
    );
    assert!(text.contains("projects 3, sessions 3"), "{text}");
    assert!(text.contains("(file modified)"), "{text}");
    assert!(
        text.contains(&format!("Latest: {NEWEST} (2025-07-13T02:00:00Z)")),
        "{text}"
    );
    assert!(!text.contains(".DS_Store"), "{text}");
}

#[test]
fn find_says_which_snapshot_still_holds_the_record_and_since_when_it_is_gone() {
    let root = incident_root();
    let (out, _) = run(
        &["find", &root.arg(), "--pick", "projects:id=7", "--json"],
        0,
    );
    let v = json_of(&out);
    assert_eq!(
        names(&v["snapshots"]),
        [OLDEST, MIDDLE, NEWEST, BROKEN, NOTES]
    );
    let holds: Vec<&Value> = v["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["holds"])
        .collect();
    assert_eq!(
        holds,
        [
            &json!(true),
            &json!(true),
            &json!(false),
            &Value::Null,
            &Value::Null
        ]
    );
    assert_eq!(v["newest_holding"], MIDDLE);
    assert_eq!(v["oldest_holding"], OLDEST);
    assert_eq!(v["gone_since"], NEWEST);
    // Where the row is: the file and line, in each format.
    let at = |i: usize| {
        v["snapshots"][i]["picks"][0]["at"][0]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(
        at(0).ends_with(&format!("{OLDEST}/projects.json:6")),
        "{}",
        at(0)
    );
    assert!(at(1).ends_with(&format!("{MIDDLE}:1")), "{}", at(1));
    assert_eq!(v["snapshots"][2]["picks"][0]["rows"], 0);

    let (text, _) = run(&["find", &root.arg(), "--pick", "projects:id=7"], 0);
    assert!(
        text.contains(&format!("Newest holding it: {MIDDLE} (2025-07-12)")),
        "{text}"
    );
    assert!(
        text.contains(&format!("Gone since:   {NEWEST} (2025-07-13T02:00:00Z)")),
        "{text}"
    );
    assert!(text.contains("cannot tell"), "{text}");

    // Several picks: a snapshot holds them when it holds every one.
    let (out, _) = run(
        &[
            "find",
            &root.arg(),
            "--pick",
            "projects:id=9",
            "--pick",
            "sessions:project_id=9",
            "--json",
        ],
        0,
    );
    let v = json_of(&out);
    assert_eq!(
        (&v["newest_holding"], &v["gone_since"]),
        (&json!(OLDEST), &json!(MIDDLE))
    );
    // A schema-qualified pick (as the live side names the table) finds the
    // backup's unqualified table.
    let (out, _) = run(
        &[
            "find",
            &root.arg(),
            "--pick",
            "public.projects:id=7",
            "--json",
        ],
        0,
    );
    assert_eq!(json_of(&out)["newest_holding"], MIDDLE);
    // Still in the newest: not gone.
    let (out, _) = run(
        &["find", &root.arg(), "--pick", "projects:id=1", "--json"],
        0,
    );
    let v = json_of(&out);
    assert_eq!(
        (&v["newest_holding"], &v["gone_since"]),
        (&json!(NEWEST), &Value::Null)
    );
}

#[test]
fn find_exits_1_when_no_snapshot_holds_it_and_says_why() {
    let root = incident_root();
    let (text, _) = run(&["find", &root.arg(), "--pick", "projects:id=404"], 1);
    assert!(text.contains("No snapshot holds it."), "{text}");
    assert!(text.contains("projects:id=404: no matching row"), "{text}");
    let (text, _) = run(&["find", &root.arg(), "--pick", "invoices:id=1"], 1);
    assert!(text.contains("not there (no table invoices)"), "{text}");
    let (text, _) = run(&["find", &root.arg(), "--pick", "projects:colour=red"], 1);
    assert!(text.contains("has no column colour"), "{text}");
    let (_, err) = run(&["find", &root.arg(), "--pick", "projects:id="], 2);
    assert!(err.contains("invalid --pick"), "{err}");
}

#[test]
fn snapshot_latest_and_names_choose_the_backup_for_inspect() {
    let root = incident_root();
    let inspected = |spec: &str| {
        let (out, err) = run(
            &[
                "inspect",
                "--backup",
                &root.arg(),
                "--snapshot",
                spec,
                "--json",
            ],
            0,
        );
        (json_of(&out)["path"].as_str().unwrap().to_owned(), err)
    };
    let (path, err) = inspected("latest");
    assert!(path.ends_with(NEWEST), "{path}");
    assert!(
        err.contains(&format!("Snapshot {NEWEST} (2025-07-13T02:00:00Z)")),
        "{err}"
    );
    assert!(inspected("mig").0.ends_with(OLDEST));
    assert!(inspected(MIDDLE).0.ends_with(MIDDLE));
    assert!(inspected("nightly-f").0.ends_with(NEWEST));

    let (_, err) = run(
        &["inspect", "--backup", &root.arg(), "--snapshot", "nightly"],
        2,
    );
    assert!(err.contains("\"nightly\" starts 3 snapshot names"), "{err}");
    for name in [MIDDLE, NEWEST, BROKEN] {
        assert!(err.contains(name), "{err}");
    }
    let (_, err) = run(
        &["inspect", "--backup", &root.arg(), "--snapshot", "weekly"],
        2,
    );
    assert!(
        err.contains("no snapshot is named or starts with \"weekly\""),
        "{err}"
    );
    assert!(err.contains(OLDEST) && err.contains(BROKEN), "{err}");
    // Chosen by name, a broken entry gives its own error.
    let (_, err) = run(
        &["inspect", "--backup", &root.arg(), "--snapshot", BROKEN],
        2,
    );
    assert!(err.contains(&format!("{BROKEN}:2")), "{err}");
    // --backup ROOT alone does not open: the error says how to choose one.
    let (_, err) = run(&["inspect", "--backup", &root.arg()], 2);
    assert!(err.contains("looks like a folder of backups"), "{err}");
    assert!(err.contains("--snapshot latest"), "{err}");
    // The console needs --backup for --snapshot.
    let (_, err) = run(&["--snapshot", "latest"], 2);
    assert!(err.contains("--backup"), "{err}");
}

#[test]
fn plan_reads_the_chosen_snapshot() {
    let root = incident_root();
    let live = tempfile::tempdir().unwrap();
    let db = live.path().join("live.db");
    let status = Command::new("sqlite3")
        .arg(&db)
        .arg(
            "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
             CREATE TABLE sessions (id INTEGER PRIMARY KEY, project_id INTEGER REFERENCES projects(id));
             INSERT INTO projects VALUES (1, 'project 1');
             INSERT INTO sessions VALUES (10, 1);",
        )
        .status()
        .unwrap();
    assert!(status.success());
    let db = db.display().to_string();
    let plan = |spec: &str, code: i32| {
        let args = [
            "plan",
            "--db",
            &db,
            "--backup",
            &root.arg(),
            "--snapshot",
            spec,
            "--pick",
            "projects:id=7",
        ];
        run(&args, code)
    };
    let (script, _) = plan("nightly-2025-07-12", 0);
    assert!(script.contains("'project 7'"), "{script}");
    assert!(
        script.contains(MIDDLE),
        "the header names the backup: {script}"
    );
    let (_, err) = plan("latest", 2);
    assert!(err.contains("no backup row has those values"), "{err}");

    // diff and restore read the chosen snapshot too.
    let diffed = |spec: &str| {
        let args = [
            "diff",
            "--db",
            &db,
            "--backup",
            &root.arg(),
            "--snapshot",
            spec,
            "--json",
        ];
        let (out, _) = run(&args, 1);
        json_of(&out)["backup"]["path"].as_str().unwrap().to_owned()
    };
    assert!(diffed("latest").ends_with(NEWEST));
    assert!(diffed("mig").ends_with(OLDEST));
    let args = [
        "restore",
        "--db",
        &db,
        "--backup",
        &root.arg(),
        "--snapshot",
        MIDDLE,
        "--pick",
        "projects:id=7",
        "--dry-run",
    ];
    let (out, err) = run(&args, 0);
    assert!(
        out.contains("REHEARSED") || out.contains("rolled back"),
        "{out}\n{err}"
    );
    assert!(err.contains(&format!("Snapshot {MIDDLE}")), "{err}");
}

#[test]
fn a_folder_with_no_backups() {
    let root = Root::new();
    root.write("notes.txt", "hello");
    let (text, err) = run(&["snapshots", &root.arg()], 2);
    assert!(text.contains("0 backups in"), "{text}");
    assert!(err.contains("no entry of"), "{err}");
    let (_, err) = run(
        &["inspect", "--backup", &root.arg(), "--snapshot", "latest"],
        2,
    );
    assert!(err.contains("no entry opens as a backup"), "{err}");
    // A file is not a folder of backups.
    let file = root.path().join("notes.txt").display().to_string();
    let (_, err) = run(&["snapshots", &file], 2);
    assert!(err.contains("is not a folder of backups"), "{err}");
}
