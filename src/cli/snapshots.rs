//! `lifeboat snapshots`, `lifeboat find`, and `--snapshot latest|NAME`
//! (one resolver for every command that takes `--backup`).

use super::{to_json, EXIT_DIFFERENT, EXIT_ERROR, EXIT_SAME};
use crate::backup::Backup;
use crate::error::{Error, Result};
use crate::report::visible;
use crate::restore::pick::{parse_pick, PickSpec};
use crate::snapshots::find::find;
use crate::snapshots::list::{entries, list, Progress};
use crate::snapshots::render::{render_find, render_snapshots};
use crate::snapshots::{latest, resolve, Snapshot};
use clap::Args;
use serde::Serialize;
use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// The help text of every `--snapshot` flag.
pub const SNAPSHOT_HELP: &str = "With --backup ROOT, a folder of backups: read its snapshot \
`latest` (the newest that opens) or NAME (an entry's file or directory name, or a unique prefix \
of it). `lifeboat snapshots ROOT` lists them";

#[derive(Debug, Args)]
pub struct SnapshotsArgs {
    /// The folder of backups: each entry (directory or file) that opens as a backup is a snapshot.
    #[arg(value_name = "ROOT")]
    pub root: PathBuf,
    /// Print JSON instead of a table (format documented in README.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct FindArgs {
    /// The folder of backups to search, snapshot by snapshot.
    #[arg(value_name = "ROOT")]
    pub root: PathBuf,
    /// The record(s) to look for (repeatable; a snapshot holds them when it holds every one):
    /// `TABLE:COLUMN=VALUE[,COLUMN=VALUE...]`, as for restore; `TABLE` alone asks whether the
    /// table is there with any rows.
    #[arg(long = "pick", value_name = "SPEC", required = true)]
    pub picks: Vec<String>,
    /// Print JSON instead of text (format documented in README.md).
    #[arg(long)]
    pub json: bool,
}

/// The backup a command reads: `backup` itself, or with `--snapshot` the
/// snapshot of the folder `backup` it chooses (said on stderr).
pub fn backup_path<'a>(backup: &'a Path, snapshot: Option<&str>) -> Result<Cow<'a, Path>> {
    let Some(spec) = snapshot else {
        return Ok(Cow::Borrowed(backup));
    };
    let mut line = ProgressLine::new();
    let chosen = resolve(backup, spec, &mut |p| line.show(p));
    line.clear();
    let chosen = chosen?;
    let time = chosen
        .time
        .as_ref()
        .map(|t| format!(" ({})", visible(&t.label())))
        .unwrap_or_default();
    eprintln!(
        "Snapshot {}{time}: {}",
        visible(&chosen.name),
        visible(&chosen.path.display().to_string())
    );
    tracing::info!(snapshot = %chosen.name, path = %chosen.path.display(), "snapshot chosen");
    Ok(Cow::Owned(chosen.path))
}

/// Open the backup a command reads (see [`backup_path`]); when `--backup`
/// alone fails on what looks like a folder of backups, say how to choose one.
pub fn open_backup(backup: &Path, snapshot: Option<&str>) -> Result<Backup> {
    let path = backup_path(backup, snapshot)?;
    Backup::open(&path).map_err(|e| folder_hint(backup, snapshot, e))
}

/// Entries tried before deciding a directory is not a folder of backups.
const HINT_TRIES: usize = 5;

/// `e` with a hint when `backup` (given without `--snapshot`) did not open
/// but one of its first entries does: it is a folder of backups.
pub fn folder_hint(backup: &Path, snapshot: Option<&str>, e: Error) -> Error {
    if snapshot.is_some() || !backup.is_dir() {
        return e;
    }
    let Ok(found) = entries(backup) else {
        return e;
    };
    let Some(one) = found
        .iter()
        .take(HINT_TRIES)
        .find(|entry| Backup::open(&entry.path).is_ok())
    else {
        return e;
    };
    let root = visible(&backup.display().to_string()).into_owned();
    Error::Usage(format!(
        "{e}; {root} looks like a folder of backups ({} is one): choose one with --snapshot latest \
         or --snapshot NAME; lifeboat snapshots {root} lists them",
        visible(&one.name)
    ))
}

#[derive(Serialize)]
struct Listing<'a> {
    root: &'a Path,
    /// Oldest first.
    snapshots: &'a [Snapshot],
    /// The name `--snapshot latest` chooses.
    latest: Option<&'a str>,
}

pub fn run_snapshots(args: &SnapshotsArgs) -> Result<i32> {
    let mut line = ProgressLine::new();
    let snapshots = list(&args.root, true, &mut |p| line.show(p));
    line.clear();
    let snapshots = snapshots?;
    let newest = latest(&snapshots);
    if args.json {
        let listing = Listing {
            root: &args.root,
            snapshots: &snapshots,
            latest: newest.map(|i| snapshots[i].name.as_str()),
        };
        println!("{}", to_json(&listing)?);
    } else {
        print!("{}", render_snapshots(&args.root, &snapshots));
    }
    if newest.is_none() {
        eprintln!(
            "lifeboat: no entry of {} opens as a backup",
            visible(&args.root.display().to_string())
        );
        return Ok(EXIT_ERROR);
    }
    Ok(EXIT_SAME)
}

pub fn run_find(args: &FindArgs) -> Result<i32> {
    let picks: Vec<PickSpec> = args
        .picks
        .iter()
        .map(|p| parse_pick(p))
        .collect::<Result<_>>()?;
    let mut line = ProgressLine::new();
    let report = find(
        &args.root,
        &picks,
        &mut |p| line.show(p),
        &AtomicBool::new(false),
    );
    line.clear();
    let report = report?;
    if report.snapshots.is_empty() {
        return Err(Error::Usage(format!(
            "{} holds no backups to search",
            visible(&args.root.display().to_string())
        )));
    }
    if args.json {
        println!("{}", to_json(&report)?);
    } else {
        print!("{}", render_find(&report));
    }
    Ok(if report.verdict.newest_holding.is_some() {
        EXIT_SAME
    } else {
        EXIT_DIFFERENT
    })
}

/// "reading 3/12: NAME" on stderr while a folder is read, only when stderr
/// is a terminal; cleared before anything else is printed.
struct ProgressLine {
    terminal: bool,
    shown: bool,
}

impl ProgressLine {
    fn new() -> Self {
        ProgressLine {
            terminal: std::io::stderr().is_terminal(),
            shown: false,
        }
    }

    fn show(&mut self, p: Progress) {
        if !self.terminal {
            return;
        }
        let name: String = visible(p.name).chars().take(60).collect();
        let mut err = std::io::stderr();
        let _ = write!(err, "\r\x1b[2Kreading {}/{}: {name}", p.done, p.total);
        let _ = err.flush();
        self.shown = true;
    }

    fn clear(&mut self) {
        if self.shown {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
            self.shown = false;
        }
    }
}
