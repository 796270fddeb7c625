//! Fixtures for the acceptance tests of incidents 2 and 4 (SCENARIOS.md):
//! the databases' shapes and data, the damage, and what the tests compare
//! in PostgreSQL's own catalog. Our own names and deterministic values.

pub mod incident2;
pub mod incident4;
pub mod pg_state;

use super::restoring::Lifeboat;
use serde_json::Value;
use std::path::PathBuf;

/// From a `restore --json` report: the undo script's path (which must
/// exist) and the journal lines of this run (the journal must be the
/// contract's path).
pub fn undo_and_journal(report: &Value, lb: &Lifeboat) -> (PathBuf, Vec<Value>) {
    let undo = PathBuf::from(report["undo_script"].as_str().expect("undo_script"));
    assert!(undo.is_file(), "no undo script at {}", undo.display());
    let journal = PathBuf::from(report["journal"].as_str().expect("journal"));
    assert_eq!(journal, lb.journal_path());
    let text = std::fs::read_to_string(&journal).expect("read journal");
    let entries: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("journal line is JSON"))
        .collect();
    let last_run = entries.last().expect("journal has lines")["run"].clone();
    let run: Vec<Value> = entries
        .into_iter()
        .filter(|e| e["run"] == last_run)
        .collect();
    (undo, run)
}
