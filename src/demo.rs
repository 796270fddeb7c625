//! `lifeboat demo`: the bundled example incident, built fresh on disk. The
//! files are compiled into the binary so the demo works from any directory.

use crate::backup::Backup;
use crate::diff::{diff, DiffOptions};
use crate::error::{Error, Result};
use crate::live::{DbUrl, LiveDb, LiveOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};
use std::path::{Path, PathBuf};

/// The backup taken before the damage (`assets/demo/backup/`).
const BACKUP_FILES: &[(&str, &str)] = &[
    (
        "schema.sql",
        include_str!("../assets/demo/backup/schema.sql"),
    ),
    (
        "manifest.json",
        include_str!("../assets/demo/backup/manifest.json"),
    ),
    (
        "users.json",
        include_str!("../assets/demo/backup/users.json"),
    ),
    (
        "projects.json",
        include_str!("../assets/demo/backup/projects.json"),
    ),
    (
        "test_sessions.json",
        include_str!("../assets/demo/backup/test_sessions.json"),
    ),
    (
        "violations.jsonl",
        include_str!("../assets/demo/backup/violations.jsonl"),
    ),
    (
        "auth_configs.json",
        include_str!("../assets/demo/backup/auth_configs.json"),
    ),
    (
        "vector-sync-status.csv",
        include_str!("../assets/demo/backup/vector-sync-status.csv"),
    ),
];

/// SQLite script that builds the damaged live database.
const LIVE_SQL: &str = include_str!("../assets/demo/live.sql");

/// Marks a directory as built by `lifeboat demo`, so a rebuild may replace it.
const MARKER: &str = ".lifeboat-demo";

/// Paths of a built demo.
#[derive(Clone, Debug)]
pub struct Demo {
    pub dir: PathBuf,
    pub live_db: PathBuf,
    pub backup_dir: PathBuf,
}

/// Write the backup and build the damaged database in `dir` (created if
/// needed). Refuses a non-empty directory that is not an earlier demo.
pub async fn build(dir: &Path) -> Result<Demo> {
    prepare_dir(dir)?;
    let backup_dir = dir.join("backup");
    std::fs::create_dir_all(&backup_dir).map_err(|e| Error::io(&backup_dir, &e))?;
    for (name, content) in BACKUP_FILES {
        let path = backup_dir.join(name);
        std::fs::write(&path, content).map_err(|e| Error::io(&path, &e))?;
    }
    let live_db = dir.join("live.db");
    build_live_db(&live_db).await?;
    Ok(Demo {
        dir: dir.to_path_buf(),
        live_db,
        backup_dir,
    })
}

fn prepare_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, &e))?;
        let empty = entries.next().is_none();
        if !empty && !dir.join(MARKER).exists() {
            return Err(Error::Usage(format!(
                "{} is not empty; give `lifeboat demo --dir` a new or empty directory",
                dir.display()
            )));
        }
        for old in ["live.db", "live.db-wal", "live.db-shm"] {
            let path = dir.join(old);
            if path.exists() {
                std::fs::remove_file(&path).map_err(|e| Error::io(&path, &e))?;
            }
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, &e))?;
    let marker = dir.join(MARKER);
    std::fs::write(&marker, "built by lifeboat demo\n").map_err(|e| Error::io(&marker, &e))
}

async fn build_live_db(path: &Path) -> Result<()> {
    let db_err = |e: sqlx::Error| Error::Database {
        target: path.display().to_string(),
        message: e.to_string(),
    };
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true);
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .map_err(db_err)?;
    let mut tx = conn.begin().await.map_err(db_err)?;
    sqlx::raw_sql(LIVE_SQL)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    conn.close().await.map_err(db_err)
}

fn default_dir() -> PathBuf {
    let base = crate::logging::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("demo");
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    base.join(format!("demo-{stamp}-{}", std::process::id()))
}

/// Build the demo and open the console on it; without a terminal, print
/// what lifeboat finds in it instead.
pub async fn run(dir: Option<PathBuf>, console: bool, theme: Option<&str>) -> Result<i32> {
    let dir = dir.unwrap_or_else(default_dir);
    let demo = build(&dir).await?;
    let url = DbUrl::parse(&demo.live_db.display().to_string())?;
    let live = LiveDb::connect(&url, &LiveOptions::default()).await?;
    let backup = Backup::open(&demo.backup_dir)?;
    if console && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return crate::console::run::run(Some((url, live)), backup, None, theme).await;
    }
    let report = diff(&live, &backup, &DiffOptions::default()).await?;
    println!(
        "lifeboat demo: a damaged app database and its backup, built in {}\n",
        dir.display()
    );
    print!("{}", crate::report::render_diff(&report, false));
    println!(
        "\nNext: lifeboat diff --db {} --backup {} --rows",
        demo.live_db.display(),
        demo.backup_dir.display()
    );
    Ok(crate::cli::EXIT_SAME)
}
