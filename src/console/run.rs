//! The console's edge: the terminal (raw mode, alternate screen, restored
//! on exit and on panic by ratatui's init), keys read on their own thread,
//! and the background work [`update`] asks for — diffing, loading a
//! table's rows, planning, searching, rehearsing and restoring — each
//! reporting back as a [`Msg`].

use super::app::folder::Folder;
use super::app::{update, App, Effect, Key, Mode, Msg, Sides};
use super::keymap::Keymap;
use super::theme::Theme;
use super::view::Look;
use super::work::Work;
use crate::backup::Backup;
use crate::error::{Error, Result};
use crate::live::{DbUrl, LiveDb};
use crossterm::event::Event;
use std::io::Write;
use std::sync::{Arc, OnceLock};
use std::time::Instant;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

/// When the process started (set first thing in `main`): the first frame
/// is timed from here.
pub static STARTED: OnceLock<Instant> = OnceLock::new();

/// Messages coalesced into one frame at most (a burst of progress or keys).
const BATCH: usize = 256;

/// A message, and when its key was read (to time key → frame).
pub(crate) struct Envelope {
    pub msg: Msg,
    pub key_at: Option<Instant>,
}

pub(crate) type Sender = UnboundedSender<Envelope>;

pub(crate) fn send(tx: &Sender, msg: Msg) {
    let _ = tx.send(Envelope { msg, key_at: None });
}

/// Open the console on `backup`, with `live` when there is one (LIVE mode),
/// else read-only over the backup. Returns the exit code.
/// With `folder` (opened with `--backup ROOT --snapshot`), the operator can
/// switch to another snapshot of it and find rows in the others.
pub async fn run(
    live: Option<(DbUrl, LiveDb)>,
    backup: Backup,
    folder: Option<Folder>,
    theme_name: Option<&str>,
) -> Result<i32> {
    let config =
        directories::ProjectDirs::from("", "", "lifeboat").map(|d| d.config_dir().to_path_buf());
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = Theme::load(theme_name, config.as_deref(), no_color)?;
    let keymap = Keymap::load(config.as_deref())?;
    let sides = Sides {
        live: live.as_ref().map(|(_, l)| l.target()),
        database: live.as_ref().map(|(u, _)| u.database_name()),
        backup: backup.path.display().to_string(),
        backup_time: backup.created_at.clone(),
    };
    let mode = if live.is_some() {
        Mode::Live
    } else {
        Mode::ReadOnly
    };
    let mut app = App::new(sides, mode);
    let root = folder.as_ref().map(|f| f.root.clone());
    app.folder = folder;
    let (tx, mut rx) = unbounded_channel::<Envelope>();
    let mut work = Work::new(live.map(Arc::new), Arc::new(backup), root, tx.clone());
    work.diff();
    spawn_keys(tx, keymap.clone());
    let mut frames = FrameLog::open();

    let mut terminal = ratatui::try_init()
        .map_err(|e| Error::Other(format!("cannot set up the terminal: {e}")))?;
    if let Ok(size) = terminal.size() {
        update(
            &mut app,
            Msg::Resize {
                width: size.width,
                height: size.height,
            },
        );
    }
    let mut key_at: Option<Instant> = None;
    let outcome = 'console: loop {
        let look = Look {
            theme: &theme,
            keymap: &keymap,
        };
        if let Err(e) = terminal.draw(|f| super::view::draw(f, &app, look)) {
            break Err(terminal_error(&e));
        }
        frames.drawn(key_at.take());
        let Some(first) = rx.recv().await else {
            break Ok(crate::cli::EXIT_SAME);
        };
        let mut next = Some(first);
        let mut taken = 0;
        while let Some(envelope) = next.take() {
            key_at = key_at.or(envelope.key_at);
            if let Some(effect) = update(&mut app, envelope.msg) {
                if effect == Effect::Quit {
                    work.cancel_all();
                    break 'console Ok(crate::cli::EXIT_SAME);
                }
                work.apply(effect);
            }
            taken += 1;
            if taken < BATCH {
                next = rx.try_recv().ok();
            }
        }
    };
    ratatui::restore();
    outcome
}

fn terminal_error(e: &std::io::Error) -> Error {
    Error::Other(format!("terminal: {e}"))
}

/// Keys on their own thread (crossterm's read blocks).
fn spawn_keys(tx: Sender, keymap: Keymap) {
    std::thread::spawn(move || loop {
        let event = match crossterm::event::read() {
            Ok(event) => event,
            Err(_) => return,
        };
        let at = Instant::now();
        let msg = match event {
            Event::Key(key) if key.kind != crossterm::event::KeyEventKind::Release => {
                Some(Msg::Key(Key {
                    action: keymap.action(&key),
                    text: super::keymap::text_key(&key),
                }))
            }
            Event::Resize(width, height) => Some(Msg::Resize { width, height }),
            _ => None,
        };
        if let Some(msg) = msg {
            let envelope = Envelope {
                msg,
                key_at: Some(at),
            };
            if tx.send(envelope).is_err() {
                return;
            }
        }
    });
}

/// `LIFEBOAT_FRAME_LOG=FILE`: one line per frame drawn, for the console
/// benchmark — `first <µs since start>` for the first frame, then
/// `key <µs from reading the key to the frame drawn>`.
struct FrameLog {
    file: Option<std::fs::File>,
    first: bool,
}

impl FrameLog {
    fn open() -> FrameLog {
        let file = std::env::var_os("LIFEBOAT_FRAME_LOG").and_then(|p| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .ok()
        });
        FrameLog { file, first: true }
    }

    fn drawn(&mut self, key_at: Option<Instant>) {
        let Some(file) = &mut self.file else {
            return;
        };
        let line = if std::mem::take(&mut self.first) {
            let since = STARTED.get().map_or(0, |s| s.elapsed().as_micros());
            format!("first {since}\n")
        } else if let Some(at) = key_at {
            format!("key {}\n", at.elapsed().as_micros())
        } else {
            return;
        };
        let _ = file.write_all(line.as_bytes());
    }
}
