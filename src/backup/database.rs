//! Another database as a backup: a SQLite file (known by its header, whatever
//! its name), a `sqlite:` URL, or a `postgres://` URL such as a point-in-time
//! snapshot restored into a scratch database. Everything is read through the
//! live side's reader (`crate::live`), so the same read-only transactions,
//! timeouts and value forms apply; the backup's schema is its catalog.
//!
//! `Backup::open` and `RowReader` are sync and are called both from inside
//! the CLI's runtime and outside any runtime, so every database call runs on
//! a thread of its own with its own current-thread runtime.

mod rows;

pub(crate) use rows::DbRows;

use super::names::timestamp_in_name;
use super::{Backup, BackupFormat, FileFormat, Locator, TableSource};
use crate::catalog::{Dialect, TableName};
use crate::error::{Error, Result};
use crate::live::{DbUrl, LiveDb, LiveOptions};
use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a SQLite backup may stay locked by a writer before giving up
/// (for SQLite the statement timeout is the busy timeout).
const SQLITE_BUSY_WAIT: Duration = Duration::from_secs(5);
const URL_SCHEMES: [&str; 3] = ["postgres://", "postgresql://", "sqlite:"];

/// The database URL `path` holds, known by its scheme; `None` for a path.
pub(crate) fn url_in(path: &Path) -> Result<Option<DbUrl>> {
    let Some(text) = path.to_str() else {
        return Ok(None);
    };
    let lower = text.trim_start().to_ascii_lowercase();
    if URL_SCHEMES.iter().any(|scheme| lower.starts_with(scheme)) {
        return DbUrl::parse(text).map(Some);
    }
    Ok(None)
}

/// A database named by URL: shown by its redacted URL, no time known.
pub(crate) fn open_url(url: DbUrl) -> Result<Backup> {
    // Never a password in what is shown.
    let shown = PathBuf::from(url.redacted());
    open(url, shown, BackupFormat::Database, None)
}

/// A file with the SQLite header, whatever its name: the time comes from the
/// name (`app-2025-07-12.db`).
pub(crate) fn open_file(path: &Path) -> Result<Backup> {
    let Some(text) = path.to_str() else {
        return Err(Error::backup(
            path,
            None,
            "a SQLite database whose file name is not valid UTF-8; rename it",
        ));
    };
    let url = DbUrl::parse(text)?;
    let created_at = path
        .file_name()
        .and_then(|n| timestamp_in_name(&n.to_string_lossy()));
    open(
        url,
        path.to_path_buf(),
        BackupFormat::SqliteFile,
        created_at,
    )
}

/// Open the database at `url` as a backup: its catalog is the schema, one
/// table source per table, each shown as `shown`.
fn open(
    url: DbUrl,
    shown: PathBuf,
    format: BackupFormat,
    created_at: Option<String>,
) -> Result<Backup> {
    let catalog = {
        let url = url.clone();
        on_own_runtime(move || async move {
            let live = connect(&url).await?;
            live.catalog().await
        })?
    };
    if catalog.tables.is_empty() {
        return Err(backup_error(&url, "the database holds no tables"));
    }
    let tables = catalog
        .tables
        .iter()
        .map(|table| TableSource {
            name: table.name.clone(),
            path: shown.clone(),
            format: FileFormat::Database,
            gzip: false,
            key_in_file: None,
            rows: None,
            locator: Locator::Database {
                url: url.clone(),
                table: Box::new(table.clone()),
            },
        })
        .collect();
    let mut details = BTreeMap::new();
    let engine = match url.dialect {
        Dialect::Postgres => "PostgreSQL",
        Dialect::Sqlite => "SQLite",
    };
    details.insert("engine".into(), engine.into());
    Ok(Backup {
        path: shown,
        format,
        created_at,
        tables,
        schema: Some(catalog),
        manifest: None,
        details,
        warnings: Vec::new(),
    })
}

/// One `count(*)` of a backup database's table.
pub(crate) fn count_rows(url: &DbUrl, table: &TableName) -> Result<u64> {
    let (url, table) = (url.clone(), table.clone());
    on_own_runtime(move || async move {
        let live = connect(&url).await?;
        live.count_rows(&table).await
    })
}

/// Connect to a backup database; errors say it is the backup that failed
/// (the operator may have two databases in play).
async fn connect(url: &DbUrl) -> Result<LiveDb> {
    let opts = match url.dialect {
        Dialect::Sqlite => LiveOptions {
            statement_timeout: SQLITE_BUSY_WAIT,
        },
        Dialect::Postgres => LiveOptions::default(),
    };
    LiveDb::connect(url, &opts)
        .await
        .map_err(|e| as_backup(url, e))
}

/// Mark a database error as the backup's.
pub(crate) fn as_backup(url: &DbUrl, e: Error) -> Error {
    match e {
        Error::Database { target, message } => Error::Database {
            target,
            message: format!("(the backup) {message}"),
        },
        Error::Io { path, message } => Error::Io {
            path,
            message: format!("(the backup) {message}"),
        },
        other => Error::Database {
            target: url.redacted(),
            message: format!("(the backup) {}", url.scrub(&other.to_string())),
        },
    }
}

fn backup_error(url: &DbUrl, message: &str) -> Error {
    Error::Database {
        target: url.redacted(),
        message: format!("(the backup) {message}"),
    }
}

/// Run the future `make` builds on a new thread with its own current-thread
/// runtime, and wait for it. Never blocks on the caller's runtime, so it
/// works inside `#[tokio::main]` and in plain sync code alike.
fn on_own_runtime<T, F, Fut>(make: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T>>,
{
    let worker = std::thread::Builder::new()
        .name("lifeboat-backup-db".into())
        .spawn(move || runtime()?.block_on(make()))
        .map_err(|e| Error::Other(format!("cannot start the backup database reader: {e}")))?;
    worker
        .join()
        .map_err(|_| Error::Other("the backup database reader stopped unexpectedly".into()))?
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Other(format!("cannot start the backup database reader: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_known_by_their_scheme() {
        let url = |text: &str| url_in(Path::new(text)).unwrap().map(|u| u.dialect);
        assert_eq!(
            url("postgres://u:pw@db.internal/scratch"),
            Some(Dialect::Postgres)
        );
        assert_eq!(url(" PostgreSQL://db/x"), Some(Dialect::Postgres));
        assert_eq!(url("SQLITE:///no/such/snap.db"), Some(Dialect::Sqlite));
        // Paths, and schemes lifeboat does not read, are left to the file formats.
        assert_eq!(url("backups/app-2025-07-12.db"), None);
        assert_eq!(url("mysql://h/db"), None);
        // A URL that cannot be parsed is the operator's typo, said without the password.
        let err = url_in(Path::new("postgres://u:hunter22@[bad/x"))
            .err()
            .unwrap();
        assert!(!err.to_string().contains("hunter22"), "{err}");
    }
}
