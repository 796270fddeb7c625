//! The typed confirmation of `lifeboat restore`, in a real terminal (tmux):
//! the database's name commits, anything else cancels and changes nothing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    session: String,
}

impl Tmux {
    fn start(cwd: &Path, data: &Path, command: &str) -> Tmux {
        let session = format!("lifeboat-test-{}-{}", std::process::id(), rand_suffix());
        let status = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-x",
                "200",
                "-y",
                "50",
                "-s",
                &session,
                "-c",
            ])
            .arg(cwd)
            .arg(format!(
                "env XDG_DATA_HOME='{}' {command}; sleep 30",
                data.display()
            ))
            .status()
            .expect("tmux is installed (.ci/run installs it)");
        assert!(status.success());
        Tmux { session }
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args([
                "capture-pane",
                "-p",
                "-J",
                "-S",
                "-200",
                "-t",
                &self.session,
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "timed out waiting for {text:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn type_line(&self, text: &str) {
        let ok = Command::new("tmux")
            .args(["send-keys", "-t", &self.session, "-l", text])
            .status()
            .unwrap()
            .success()
            && Command::new("tmux")
                .args(["send-keys", "-t", &self.session, "Enter"])
                .status()
                .unwrap()
                .success();
        assert!(ok);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .status();
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

fn demo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("demo");
    let out = Command::new(env!("CARGO_BIN_EXE_lifeboat"))
        .args(["demo", "--dir"])
        .arg(&root)
        .env("XDG_DATA_HOME", dir.path())
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    (dir, root)
}

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
    let (dir, root) = demo();
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
    let (dir, root) = demo();
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
