//! The typed confirmation of `lifeboat restore`, in a real terminal (tmux):
//! the database's name commits, anything else cancels and changes nothing.

mod common;

use common::tmux::Tmux;
use std::path::Path;
use std::process::Command;

fn restore_command() -> String {
    format!(
        "'{}' restore --db live.db --backup backup --pick 'projects:name=ToeTheLine' --undo-out undo.sql; echo \"EXIT=$?\"",
        env!("CARGO_BIN_EXE_lifeboat")
    )
}

fn projects(root: &Path) -> String {
    let out = Command::new("sqlite3")
        .arg(root.join("live.db"))
        .arg("SELECT name FROM projects ORDER BY name")
        .output()
        .expect("sqlite3 is installed (.ci/run installs it)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn typing_the_database_name_commits() {
    let (dir, root) = common::built_demo();
    assert!(!projects(&root).contains("ToeTheLine"));
    let tmux = Tmux::start(&root, dir.path(), &restore_command());
    let screen = tmux.wait_for("Type the database name (live.db)");
    assert!(screen.contains("The plan can run."), "{screen}");
    tmux.type_line("live.db");
    let screen = tmux.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert!(screen.contains("COMMITTED."), "{screen}");
    assert!(projects(&root).contains("ToeTheLine"));
    assert!(root.join("undo.sql").is_file());
}

#[test]
fn anything_else_cancels_and_changes_nothing() {
    let (dir, root) = common::built_demo();
    let before = projects(&root);
    let tmux = Tmux::start(&root, dir.path(), &restore_command());
    tmux.wait_for("Type the database name (live.db)");
    tmux.type_line("yes");
    let screen = tmux.wait_for("EXIT=");
    assert!(screen.contains("Cancelled; nothing changed."), "{screen}");
    assert!(screen.contains("EXIT=2"), "{screen}");
    assert_eq!(projects(&root), before);
    assert!(!root.join("undo.sql").exists());
}
