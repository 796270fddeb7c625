//! Logs go to a file in the user's data directory, never to the screen
//! (the console owns the terminal). Logging is best effort: if the
//! directory cannot be created, lifeboat runs without a log.

use std::path::PathBuf;
use tracing_appender::non_blocking::WorkerGuard;

/// lifeboat's data directory (`~/.local/share/lifeboat` on Linux).
pub fn data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "lifeboat").map(|d| d.data_dir().to_path_buf())
}

/// Start logging to `<data dir>/lifeboat.log`. Level from `LIFEBOAT_LOG`
/// (default `info`). Keep the guard alive until exit so lines are flushed.
pub fn init() -> Option<WorkerGuard> {
    let dir = data_dir()?;
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::never(&dir, "lifeboat.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_env("LIFEBOAT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}
