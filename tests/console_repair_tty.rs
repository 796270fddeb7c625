//! Schema repair from the console, end to end in a real terminal (tmux) on
//! the demo: `M` recreates the dropped auth_configs table and Space brings
//! its rows, Space on projects' Schema tab writes two dropped columns back,
//! the preview shows the DDL, and the commit leaves the live SQLite file
//! with the table, its rows, the columns and the backup's values.

mod common;

use common::tmux::Tmux;
use std::process::Command;

fn sqlite(db: &std::path::Path, sql: &str) -> String {
    let out = Command::new("sqlite3")
        .arg(db)
        .arg(sql)
        .output()
        .expect("sqlite3 is installed (.ci/run installs it)");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The backup's value of `column` for every projects row live still has,
/// as `id=HEX` lines sorted by id (what the write-back must produce; hex,
/// as sqlite3's `hex()`, so values with newlines compare whole).
fn backup_values(backup: &std::path::Path, live_ids: &str, column: &str) -> String {
    let text = std::fs::read_to_string(backup.join("projects.json")).expect("projects.json");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&text).expect("json array");
    let mut out: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            let id = r["id"].as_str()?;
            live_ids.lines().any(|l| l == id).then(|| {
                let v = match &r[column] {
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let hex: String = v.bytes().map(|b| format!("{b:02X}")).collect();
                format!("{id}={hex}")
            })
        })
        .collect();
    out.sort();
    out.join("\n")
}

#[test]
fn repair_a_dropped_table_and_write_dropped_columns_back_then_commit() {
    let (dir, root) = common::built_demo();
    let live = root.join("live.db");
    let tables = "SELECT count(*) FROM sqlite_master WHERE name = 'auth_configs'";
    assert_eq!(sqlite(&live, tables), "0");
    let live_ids = sqlite(&live, "SELECT id FROM projects ORDER BY id");
    let command = format!(
        "'{}' --db live.db --backup backup; echo \"EXIT=$?\"",
        env!("CARGO_BIN_EXE_lifeboat")
    );
    let tmux = Tmux::start(&root, dir.path(), &command);
    tmux.wait_for("Tables (6)");

    // auth_configs is first (dropped): repair its structure, pick its rows.
    tmux.keys(&["M"]);
    tmux.wait_for("auth_configs [repair]");
    tmux.keys(&["Space"]);
    tmux.wait_for("auth_configs insert 5");

    // projects' Schema tab: write launch_date and notes back.
    tmux.keys(&["j", "Enter"]);
    tmux.wait_for("projects — row 1 of 7");
    tmux.keys(&["Tab"]);
    let screen = tmux.wait_for("[ ] launch_date  (missing live)");
    assert!(screen.contains("[ ] notes  (missing live)"), "{screen}");
    tmux.keys(&["j"]);
    tmux.wait_for("▸ [ ] launch_date");
    tmux.keys(&["Space"]);
    tmux.wait_for("[x] launch_date");
    tmux.keys(&["j"]);
    tmux.wait_for("▸ [ ] is_public");
    tmux.keys(&["j"]);
    tmux.wait_for("▸ [ ] notes");
    tmux.keys(&["Space"]);
    let screen = tmux.wait_for("[x] notes");
    assert!(
        screen.contains("write back: projects(launch_date, notes)"),
        "{screen}"
    );

    // The preview: the schema section, then the DDL in the SQL.
    tmux.keys(&["p"]);
    let screen = tmux.wait_for("The plan can run.");
    assert!(
        screen.contains("create table auth_configs (5 columns, from the backup's DDL)"),
        "{screen}"
    );
    assert!(
        screen.contains("write back projects: launch_date, notes into 5 live row(s)"),
        "{screen}"
    );
    tmux.keys(&["G"]);
    tmux.wait_for("COMMIT;");
    tmux.keys(&["g"]);
    tmux.keys(&["C-d"]);
    tmux.wait_for("CREATE TABLE \"auth_configs\"");

    // Commit with the typed confirmation.
    tmux.keys(&["X"]);
    tmux.wait_for("Type the database name live.db");
    tmux.keys(&["-l", "live.db"]);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("COMMITTED");
    assert!(screen.contains("COMMITTED and verified"), "{screen}");

    // The live file really has the table, its rows, the columns and values.
    assert_eq!(sqlite(&live, tables), "1");
    assert_eq!(sqlite(&live, "SELECT count(*) FROM auth_configs"), "5");
    for column in ["launch_date", "notes"] {
        let got = sqlite(
            &live,
            &format!("SELECT id || '=' || coalesce(hex({column}), '') FROM projects ORDER BY id"),
        );
        let got: Vec<&str> = got
            .lines()
            .filter(|l| live_ids.lines().any(|id| l.starts_with(&format!("{id}="))))
            .collect();
        assert_eq!(
            got.join("\n"),
            backup_values(&root.join("backup"), &live_ids, column),
            "{column}"
        );
    }
    // Columns not picked stay dropped.
    let columns = sqlite(
        &live,
        "SELECT group_concat(name) FROM pragma_table_info('projects')",
    );
    assert!(!columns.contains("budget"), "{columns}");

    tmux.keys(&["Escape"]);
    tmux.wait_for("Tables (");
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
    let journal = std::fs::read_to_string(dir.path().join("lifeboat/journal.jsonl"))
        .expect("journal written");
    assert!(
        journal.contains("\"repair_schema\":\"auth_configs\""),
        "{journal}"
    );
    assert!(
        journal.contains("\"restore_columns\":\"projects:launch_date,notes\""),
        "{journal}"
    );
}
