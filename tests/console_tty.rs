//! The console end to end in a real terminal (tmux): it opens on the demo,
//! fills the tables view, opens a table, finds and picks a lost project,
//! shows the plan, rehearses, restores with the typed confirmation, quits,
//! and leaves the terminal as it found it.

mod common;

use common::tmux::Tmux;
use std::process::Command;

#[test]
fn the_console_shows_the_damage_opens_a_table_and_restores_the_terminal() {
    let (dir, root) = common::built_demo();
    let command = format!(
        "'{}' --db live.db --backup backup; echo \"EXIT=$?\"; stty -a | grep -o ' -icanon'",
        env!("CARGO_BIN_EXE_lifeboat")
    );
    let tmux = Tmux::start(&root, dir.path(), &command);
    let screen = tmux.wait_for("Tables (6)");
    assert!(screen.contains(" LIVE "), "{screen}");
    assert!(
        screen.contains("auth_configs") && screen.contains("dropped"),
        "{screen}"
    );
    assert!(screen.contains("94 missing"), "{screen}");
    tmux.keys(&["j", "Enter"]);
    let screen = tmux.wait_for("projects — row 1 of 7");
    assert!(screen.contains("2 missing live · 1 changed"), "{screen}");
    // The Schema tab lists the columns the migration dropped.
    tmux.keys(&["Tab"]);
    let screen = tmux.wait_for("Columns to write back into the live rows by key");
    assert!(screen.contains("[ ] budget  (missing live)"), "{screen}");
    // Esc and q apart: sent together a terminal reads them as Alt-q.
    tmux.keys(&["Escape"]);
    tmux.wait_for("94 missing");
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
    // Back on the normal screen, in cooked mode: the console's frame is gone
    // and the shell line discipline is as before (no ` -icanon`).
    assert!(!screen.contains("Tables (6)"), "{screen}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!tmux.screen().contains(" -icanon"), "{}", tmux.screen());
}

fn sqlite(db: &std::path::Path, sql: &str) -> String {
    let out = Command::new("sqlite3")
        .arg(db)
        .arg(sql)
        .output()
        .expect("sqlite3 is installed (.ci/run installs it)");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[test]
fn find_pick_plan_rehearse_and_restore_a_lost_project_from_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("demo");
    let command = format!(
        "'{}' demo --dir '{}'; echo \"EXIT=$?\"; stty -a | grep -o ' -icanon'",
        env!("CARGO_BIN_EXE_lifeboat"),
        root.display()
    );
    let tmux = Tmux::start(dir.path(), dir.path(), &command);
    tmux.wait_for("Tables (6)");
    let live = root.join("live.db");
    let lost = "SELECT count(*) FROM projects WHERE name = 'ToeTheLine'";
    assert_eq!(sqlite(&live, lost), "0");

    // Find it without knowing its id: the search spans every backup table.
    tmux.keys(&["/"]);
    tmux.keys(&["-l", "ToeTheLine"]);
    let screen = tmux.wait_for("projects:74 name: ToeTheLine");
    assert!(screen.contains("users:"), "{screen}");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("missing live, backup line 74");
    assert!(screen.contains("toetheline.example.net"), "{screen}");

    // Pick it: its session and the session's violations come along.
    tmux.keys(&["Space"]);
    let screen = tmux.wait_for("violations insert 12 (dependents 12)");
    assert!(
        screen.contains("test_sessions insert 1 (dependents 1)"),
        "{screen}"
    );
    assert!(screen.contains("projects insert 1 (picked 1)"), "{screen}");

    // The plan: warnings first, then the exact SQL down to COMMIT.
    tmux.keys(&["p"]);
    let screen = tmux.wait_for("The plan can run.");
    assert!(
        screen.contains("column budget no longer exists live"),
        "{screen}"
    );
    tmux.keys(&["G"]);
    let screen = tmux.wait_for("COMMIT;");
    assert!(screen.contains("INSERT INTO"), "{screen}");

    tmux.keys(&["R"]);
    tmux.wait_for("REHEARSED — rolled back, nothing changed");
    assert_eq!(sqlite(&live, lost), "0");
    tmux.escape();

    // A wrong name cancels; the right one commits.
    tmux.keys(&["X"]);
    tmux.wait_for("Type the database name live.db");
    tmux.keys(&["-l", "app"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("Restore cancelled");
    assert_eq!(sqlite(&live, lost), "0");
    tmux.keys(&["X"]);
    tmux.wait_for("Type the database name live.db");
    tmux.keys(&["-l", "live.db"]);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("COMMITTED and verified");
    assert!(
        screen.contains("verified: 14 row(s) read back, all as in the backup"),
        "{screen}"
    );
    assert!(screen.contains("undo script:"), "{screen}");

    assert_eq!(sqlite(&live, lost), "1");
    assert_eq!(
        sqlite(
            &live,
            "SELECT count(*) FROM violations v JOIN test_sessions s ON s.id = v.session_id \
             JOIN projects p ON p.id = s.project_id WHERE p.name = 'ToeTheLine'"
        ),
        "12"
    );
    // The lists start over from a fresh diff: 94 violations were missing, now 82.
    tmux.keys(&["Escape"]);
    tmux.wait_for("82 missing");
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!tmux.screen().contains(" -icanon"), "{}", tmux.screen());
    let journal = std::fs::read_to_string(dir.path().join("lifeboat/journal.jsonl")).unwrap();
    assert!(journal.contains("\"outcome\":\"committed\""), "{journal}");
}

#[test]
fn a_restore_that_fails_rolls_back_and_names_the_statement_and_the_backup_row() {
    let (dir, root) = common::built_demo();
    let live = root.join("live.db");
    // The application refuses new violations: the restore must fail whole.
    sqlite(
        &live,
        "CREATE TRIGGER frozen BEFORE INSERT ON violations \
         BEGIN SELECT RAISE(ABORT, 'violations are frozen'); END;",
    );
    let count =
        "SELECT (SELECT count(*) FROM projects) || ',' || (SELECT count(*) FROM test_sessions)";
    let before = sqlite(&live, count);
    let command = format!(
        "'{}' --db live.db --backup backup; echo \"EXIT=$?\"",
        env!("CARGO_BIN_EXE_lifeboat")
    );
    let tmux = Tmux::start(&root, dir.path(), &command);
    tmux.wait_for("Tables (6)");
    tmux.keys(&["/"]);
    tmux.keys(&["-l", "ToeTheLine"]);
    tmux.wait_for("projects:74 name: ToeTheLine");
    tmux.keys(&["Enter"]);
    tmux.wait_for("missing live, backup line 74");
    tmux.keys(&["Space"]);
    tmux.wait_for("violations insert 12");
    tmux.keys(&["X"]);
    tmux.wait_for("Type the database name live.db");
    tmux.keys(&["-l", "live.db"]);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("ROLLED BACK — nothing changed");
    assert!(screen.contains("violations are frozen"), "{screen}");
    assert!(
        screen.contains("backup rows in it: backup/violations.jsonl:"),
        "{screen}"
    );
    assert!(
        screen.contains("failed: INSERT INTO \"violations\""),
        "{screen}"
    );
    assert_eq!(sqlite(&live, count), before);
    tmux.escape();
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
}
