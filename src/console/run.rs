//! The console's edge: the terminal (raw mode, alternate screen, restored
//! on exit and on panic by ratatui's init), keys read on their own thread,
//! the diff running in the background, all funnelled into [`update`].

use super::app::{update, App, Effect, Mode, Msg, Sides};
use super::keymap::Keymap;
use super::theme::Theme;
use super::view::Look;
use crate::backup::Backup;
use crate::diff::{diff, DiffOptions, TableDiff, TableStatus};
use crate::error::{Error, Result};
use crate::live::LiveDb;
use crossterm::event::Event;
use std::sync::Arc;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

/// Open the console on `backup`, with `live` when there is one (LIVE mode),
/// else read-only over the backup. Returns the exit code.
pub async fn run(live: Option<LiveDb>, backup: Backup, theme_name: Option<&str>) -> Result<i32> {
    let config =
        directories::ProjectDirs::from("", "", "lifeboat").map(|d| d.config_dir().to_path_buf());
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = Theme::load(theme_name, config.as_deref(), no_color)?;
    let keymap = Keymap::load(config.as_deref())?;
    let sides = Sides {
        live: live.as_ref().map(LiveDb::target),
        backup: backup.path.display().to_string(),
        backup_time: backup.created_at.clone(),
    };
    let mode = if live.is_some() {
        Mode::Live
    } else {
        Mode::ReadOnly
    };
    let mut app = App::new(sides, mode);
    let (tx, mut rx) = unbounded_channel::<Msg>();
    spawn_loading(live, backup, tx.clone());
    spawn_keys(tx, keymap.clone());

    let mut terminal = ratatui::try_init()
        .map_err(|e| Error::Other(format!("cannot set up the terminal: {e}")))?;
    let outcome = loop {
        let size = terminal.size().map_err(|e| terminal_error(&e));
        if let Ok(size) = size {
            let rows =
                super::view::list_rows(ratatui::layout::Rect::new(0, 0, size.width, size.height));
            if rows != app.visible_rows {
                update(&mut app, Msg::Resize { rows });
            }
        }
        let look = Look {
            theme: &theme,
            keymap: &keymap,
        };
        if let Err(e) = terminal.draw(|f| super::view::draw(f, &app, look)) {
            break Err(terminal_error(&e));
        }
        let Some(msg) = rx.recv().await else {
            break Ok(crate::cli::EXIT_SAME);
        };
        if update(&mut app, msg) == Some(Effect::Quit) {
            break Ok(crate::cli::EXIT_SAME);
        }
    };
    ratatui::restore();
    outcome
}

fn terminal_error(e: &std::io::Error) -> Error {
    Error::Other(format!("terminal: {e}"))
}

/// Diff in the background; each table is sent as soon as it is done.
fn spawn_loading(live: Option<LiveDb>, backup: Backup, tx: UnboundedSender<Msg>) {
    tokio::spawn(async move {
        let Some(live) = live else {
            let msg = match crate::inspect::inspect(&backup) {
                Ok(report) => {
                    let total = report.tables.len();
                    for t in report.tables {
                        let _ = tx.send(Msg::TableDiffed(Box::new(backup_only(t.name, t.rows))));
                    }
                    Msg::DiffDone { total }
                }
                Err(e) => Msg::Failed(e.to_string()),
            };
            let _ = tx.send(msg);
            return;
        };
        let progress_tx = tx.clone();
        let opts = DiffOptions {
            tables: Vec::new(),
            collect_rows: false,
            progress: Some(Arc::new(move |t: &TableDiff| {
                let _ = progress_tx.send(Msg::TableDiffed(Box::new(t.clone())));
            })),
        };
        let msg = match diff(&live, &backup, &opts).await {
            Ok(report) => Msg::DiffDone {
                total: report.tables.len(),
            },
            Err(e) => Msg::Failed(e.to_string()),
        };
        let _ = tx.send(msg);
    });
}

/// A backup table when there is no live side to compare with.
fn backup_only(name: String, rows: u64) -> TableDiff {
    TableDiff {
        name,
        status: TableStatus::Identical,
        backup_rows: Some(rows),
        live_rows: None,
        missing: 0,
        changed: 0,
        extra: 0,
        identical: 0,
        key: None,
        schema: Default::default(),
        changed_columns: Default::default(),
        incompatible: Vec::new(),
        rows: None,
    }
}

/// Keys on their own thread (crossterm's read blocks).
fn spawn_keys(tx: UnboundedSender<Msg>, keymap: Keymap) {
    std::thread::spawn(move || loop {
        let event = match crossterm::event::read() {
            Ok(event) => event,
            Err(_) => return,
        };
        let msg = match event {
            Event::Key(key) => keymap
                .action(&key)
                .and_then(super::app::intent)
                .map(Msg::Intent),
            Event::Resize(width, height) => Some(Msg::Resize {
                rows: super::view::list_rows(ratatui::layout::Rect::new(0, 0, width, height)),
            }),
            _ => None,
        };
        if let Some(msg) = msg {
            if tx.send(msg).is_err() {
                return;
            }
        }
    });
}
