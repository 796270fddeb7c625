//! The console on a folder of snapshots, end to end in a real terminal
//! (tmux): opened on the latest snapshot, it switches to an older one with
//! the chooser, and "find in other snapshots" says where a lost row still is.

mod common;

use common::tmux::Tmux;
use std::path::Path;

const OLD: &str = "migration-2025-07-11T19-46-34-951Z";
const NEW: &str = "nightly-2025-07-12";
const TOETHELINE: &str = "6bcfc45d-6b85-47db-942b-08bf220127f3";

/// The demo's backup as taken, and a day later without ToeTheLine (dated
/// by its name: its manifest is left out).
fn folder_from_demo(backup: &Path, root: &Path) {
    for (name, drop_project) in [(OLD, false), (NEW, true)] {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(backup).unwrap() {
            let path = entry.unwrap().path();
            let file = path.file_name().unwrap().to_owned();
            if drop_project && file == "manifest.json" {
                continue;
            }
            if drop_project && file == "projects.json" {
                let rows: Vec<serde_json::Value> =
                    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                let kept: Vec<_> = rows.into_iter().filter(|r| r["id"] != TOETHELINE).collect();
                std::fs::write(dir.join(file), serde_json::to_string(&kept).unwrap()).unwrap();
            } else {
                std::fs::copy(&path, dir.join(file)).unwrap();
            }
        }
    }
}

#[test]
fn the_console_switches_snapshots_and_finds_a_row_in_the_others() {
    let (dir, demo) = common::built_demo();
    folder_from_demo(&demo.join("backup"), &demo.join("backups"));
    let command = format!(
        "'{}' --db live.db --backup backups --snapshot latest; echo \"EXIT=$?\"",
        env!("CARGO_BIN_EXE_lifeboat")
    );
    let tmux = Tmux::start(&demo, dir.path(), &command);
    // Latest: the nightly.
    let screen = tmux.wait_for("Tables (6)");
    assert!(
        screen.contains(&format!("backup: backups/{NEW}")),
        "{screen}"
    );

    tmux.keys(&["S"]);
    // The chooser opens at once ("reading the folder…") and fills in.
    tmux.wait_for("Snapshots in backups");
    let screen = tmux.wait_for("2 entries, oldest first");
    assert!(screen.contains("(shown)"), "{screen}");
    tmux.keys(&["k"]);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for(&format!("backup: backups/{OLD}"));
    assert!(screen.contains("now comparing snapshot"), "{screen}");
    tmux.wait_for("Tables (6)");

    // Find ToeTheLine, then ask which snapshots hold it.
    tmux.keys(&["/"]);
    tmux.keys(&["-l", "ToeTheLine"]);
    tmux.wait_for("projects:74 name: ToeTheLine");
    tmux.keys(&["Enter"]);
    tmux.wait_for("missing live, backup line 74");
    tmux.keys(&["F"]);
    let screen = tmux.wait_for("Newest holding it:");
    assert!(
        screen.contains(&format!("Newest holding it: {OLD}; gone since {NEW}.")),
        "{screen}"
    );
    assert!(screen.contains("does not hold it"), "{screen}");
    tmux.escape();
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
}
