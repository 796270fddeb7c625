//! The console end to end in a real terminal (tmux): it opens on the demo,
//! fills the tables view, opens a table, quits, and leaves the terminal as
//! it found it.

mod common;

use common::tmux::Tmux;
use std::process::Command;

#[test]
fn the_console_shows_the_damage_opens_a_table_and_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("demo");
    let out = Command::new(env!("CARGO_BIN_EXE_lifeboat"))
        .args(["demo", "--dir"])
        .arg(&root)
        .env("XDG_DATA_HOME", dir.path())
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
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
    let screen = tmux.wait_for("column budget is missing live");
    assert!(screen.contains("2 missing"), "{screen}");
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
