//! Running `lifeboat plan` / `lifeboat restore` as a child process, and
//! what the restore tests compare: full table contents before and after,
//! read straight from PostgreSQL or a SQLite file.
//!
//! Every run gets its own `XDG_DATA_HOME` (journal, undo scripts, log), no
//! database URL from the environment, and a stdin that is not a terminal.

use serde_json::Value;
use sqlx::postgres::PgPool;
use sqlx::{AssertSqlSafe, Connection, SqliteConnection};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use tempfile::TempDir;

pub mod fixtures;

/// Every user table's rows as text, sorted: `schema.table` → rows.
pub type Snapshot = BTreeMap<String, Vec<String>>;

/// The outcome of one run of the binary.
pub struct Run {
    pub args: Vec<String>,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The whole run, for assertion messages.
    pub fn show(&self) -> String {
        format!(
            "lifeboat {:?}\nexit: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.args, self.code, self.stdout, self.stderr
        )
    }

    /// Panics with the whole run unless the exit code is `code`.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "{}", self.show());
        self
    }

    /// The path on a stdout line `LABEL: PATH` (e.g. `undo script`).
    pub fn path_after(&self, label: &str) -> Option<PathBuf> {
        let prefix = format!("{label}: ");
        self.stdout
            .lines()
            .find_map(|l| l.trim_end().strip_prefix(&prefix).map(PathBuf::from))
    }
}

/// A place for lifeboat's data directory, private to one test.
pub struct Lifeboat {
    xdg: TempDir,
}

impl Lifeboat {
    pub fn new() -> Lifeboat {
        Lifeboat {
            xdg: tempfile::Builder::new()
                .prefix("lifeboat-xdg-")
                .tempdir()
                .expect("temp XDG_DATA_HOME"),
        }
    }

    /// `$XDG_DATA_HOME` of the child.
    pub fn xdg(&self) -> &Path {
        self.xdg.path()
    }

    /// Where the contract puts the journal.
    pub fn journal_path(&self) -> PathBuf {
        self.xdg.path().join("lifeboat").join("journal.jsonl")
    }

    /// Run the binary with `args` on a blocking thread; never panics on the
    /// exit code, but does on a panic message in stderr.
    pub async fn run(&self, args: &[&str]) -> Run {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let xdg = self.xdg.path().to_path_buf();
        let argv = args.clone();
        let out = tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_lifeboat"))
                .env_remove("LIFEBOAT_DATABASE_URL")
                .env_remove("DATABASE_URL")
                .env("XDG_DATA_HOME", &xdg)
                .stdin(Stdio::null())
                .args(&argv)
                .output()
                .expect("run lifeboat")
        })
        .await
        .expect("join lifeboat runner");
        let run = Run {
            args,
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert!(!run.stderr.contains("panicked"), "{}", run.show());
        run
    }
}

/// `--pick` arguments for each spec: `["--pick", a, "--pick", b]`.
pub fn picks<'a>(specs: &[&'a str]) -> Vec<&'a str> {
    specs.iter().flat_map(|s| ["--pick", *s]).collect()
}

/// After a commit: stdout ends with `undo script: PATH` then `journal: PATH`,
/// both files exist, the journal is the contract's path and holds one or
/// more JSON lines. Returns (undo script, journal lines).
pub fn check_commit_trailer(run: &Run, lb: &Lifeboat) -> (PathBuf, Vec<Value>) {
    let lines: Vec<&str> = run
        .stdout
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .collect();
    let n = lines.len();
    assert!(n >= 2, "{}", run.show());
    assert!(
        lines[n - 2].starts_with("undo script: ") && lines[n - 1].starts_with("journal: "),
        "stdout must end with the undo script and journal lines\n{}",
        run.show()
    );
    let undo = run.path_after("undo script").expect("undo script line");
    let journal = run.path_after("journal").expect("journal line");
    assert_eq!(journal, lb.journal_path(), "{}", run.show());
    let script = std::fs::read_to_string(&undo)
        .unwrap_or_else(|e| panic!("read undo script {}: {e}", undo.display()));
    assert!(
        script.contains("BEGIN") && script.contains("COMMIT"),
        "undo script is not one transaction:\n{script}"
    );
    let text = std::fs::read_to_string(&journal)
        .unwrap_or_else(|e| panic!("read journal {}: {e}", journal.display()));
    let entries: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("journal line is not JSON ({e}): {l}"))
        })
        .collect();
    assert!(
        !entries.is_empty(),
        "journal {} is empty",
        journal.display()
    );
    (undo, entries)
}

/// Backup files: each table as a JSON array (`NAME.json`), or JSON lines
/// (`NAME.jsonl`) for the tables named in `as_jsonl`.
pub fn backup_files(tables: &[(&str, Vec<Value>)], as_jsonl: &[&str]) -> Vec<(String, String)> {
    tables
        .iter()
        .map(|(name, rows)| {
            if as_jsonl.contains(name) {
                let text: String = rows.iter().map(|r| format!("{r}\n")).collect();
                (format!("{name}.jsonl"), text)
            } else {
                (
                    format!("{name}.json"),
                    Value::Array(rows.clone()).to_string(),
                )
            }
        })
        .collect()
}

/// A temporary backup directory holding `files`.
pub fn backup_dir(files: &[(String, String)]) -> TempDir {
    let borrowed: Vec<(&str, String)> =
        files.iter().map(|(n, c)| (n.as_str(), c.clone())).collect();
    super::write_backup(&borrowed)
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

// ---------------------------------------------------------------- PostgreSQL

/// Put `rows` into `table` the way PostgreSQL itself reads the JSON
/// (`json_populate_recordset`), with triggers and foreign-key checks off
/// (`session_replication_role = replica`) so cycles and any order load.
/// This is the reference a restore is compared with.
pub async fn pg_load(pool: &PgPool, tables: &[(&str, Vec<Value>)]) {
    let mut tx = pool.begin().await.expect("begin");
    sqlx::raw_sql("SET LOCAL session_replication_role = replica")
        .execute(&mut *tx)
        .await
        .expect("replica role");
    for (table, rows) in tables {
        let t = quote(table);
        let sql = format!(
            "INSERT INTO {t} OVERRIDING SYSTEM VALUE SELECT * FROM json_populate_recordset(NULL::{t}, $1::json)"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(Value::Array(rows.clone()).to_string())
            .execute(&mut *tx)
            .await
            .unwrap_or_else(|e| panic!("load {table}: {e}"));
    }
    tx.commit().await.expect("commit load");
}

/// Run `sql` with foreign-key checks and triggers off (to remove rows that
/// reference each other, as the incident did).
pub async fn pg_exec_unchecked(pool: &PgPool, sql: &str) {
    let mut tx = pool.begin().await.expect("begin");
    sqlx::raw_sql("SET LOCAL session_replication_role = replica")
        .execute(&mut *tx)
        .await
        .expect("replica role");
    sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .execute(&mut *tx)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{sql}"));
    tx.commit().await.expect("commit");
}

/// Every base table outside the system schemas, each row as PostgreSQL's
/// own text of the whole row, sorted.
pub async fn pg_snapshot(pool: &PgPool) -> Snapshot {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables \
         WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') \
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .expect("list tables");
    let mut out = Snapshot::new();
    for t in tables {
        let rows = pg_rows(pool, &t).await;
        out.insert(t, rows);
    }
    out
}

/// The rows of one table (`from` is SQL: an already quoted name) as text, sorted.
pub async fn pg_rows(pool: &PgPool, from: &str) -> Vec<String> {
    let sql = format!("SELECT x::text FROM {from} x ORDER BY 1");
    sqlx::query_scalar(AssertSqlSafe(sql))
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("dump {from}: {e}"))
}

/// `psql -X -v ON_ERROR_STOP=1 -d URL -f FILE`; the output, whatever the status.
pub async fn psql_file(url: &str, file: &Path) -> Output {
    let (url, file) = (url.to_owned(), file.to_path_buf());
    tokio::task::spawn_blocking(move || {
        Command::new("psql")
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &url, "-f"])
            .arg(&file)
            .stdin(Stdio::null())
            .output()
            .expect("run psql")
    })
    .await
    .expect("join psql")
}

/// `psql_file`, panicking with its output unless it succeeded.
pub async fn psql_ok(url: &str, file: &Path) {
    let out = psql_file(url, file).await;
    assert!(
        out.status.success(),
        "psql -f {} failed\n{}\n{}\n--- script ---\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(file).unwrap_or_default()
    );
}

// -------------------------------------------------------------------- SQLite

pub async fn sqlite_connect(path: &Path) -> SqliteConnection {
    let opts = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .foreign_keys(true);
    SqliteConnection::connect_with(&opts)
        .await
        .unwrap_or_else(|e| panic!("open {}: {e}", path.display()))
}

pub async fn sqlite_exec(path: &Path, sql: &str) {
    let mut c = sqlite_connect(path).await;
    sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .execute(&mut c)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{sql}"));
    c.close().await.expect("close sqlite");
}

async fn sqlite_columns(c: &mut SqliteConnection, table: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
        .bind(table)
        .fetch_all(&mut *c)
        .await
        .unwrap_or_else(|e| panic!("columns of {table}: {e}"))
}

/// Put `rows` into each table the way SQLite's own JSON functions read them
/// (`json_extract` per column), foreign keys off, in one transaction.
pub async fn sqlite_load(path: &Path, tables: &[(&str, Vec<Value>)]) {
    let mut c = sqlite_connect(path).await;
    sqlx::raw_sql("PRAGMA foreign_keys = OFF; BEGIN")
        .execute(&mut c)
        .await
        .expect("begin");
    for (table, rows) in tables {
        let cols = sqlite_columns(&mut c, table).await;
        let list: Vec<String> = cols.iter().map(|n| quote(n)).collect();
        let extracts: Vec<String> = cols
            .iter()
            .map(|n| format!("json_extract(value, '$.{}')", quote(n).replace('\'', "''")))
            .collect();
        let sql = format!(
            "INSERT INTO {} ({}) SELECT {} FROM json_each(?1)",
            quote(table),
            list.join(", "),
            extracts.join(", ")
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(Value::Array(rows.clone()).to_string())
            .execute(&mut c)
            .await
            .unwrap_or_else(|e| panic!("load {table}: {e}"));
    }
    sqlx::raw_sql("COMMIT; PRAGMA foreign_keys = ON")
        .execute(&mut c)
        .await
        .expect("commit");
    c.close().await.expect("close sqlite");
}

/// Every table's rows as `quote(col)|quote(col)|...` (storage class and
/// bytes exact), sorted.
pub async fn sqlite_snapshot(path: &Path) -> Snapshot {
    let mut c = sqlite_connect(path).await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut c)
    .await
    .expect("list tables");
    let mut out = Snapshot::new();
    for t in tables {
        let cols = sqlite_columns(&mut c, &t).await;
        let row: Vec<String> = cols
            .iter()
            .map(|n| format!("quote({})", quote(n)))
            .collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY 1",
            row.join(" || '|' || "),
            quote(&t)
        );
        let rows: Vec<String> = sqlx::query_scalar(AssertSqlSafe(sql))
            .fetch_all(&mut c)
            .await
            .unwrap_or_else(|e| panic!("dump {t}: {e}"));
        out.insert(t, rows);
    }
    c.close().await.expect("close sqlite");
    out
}

/// `sqlite3 DB < script`; panics with the output unless it succeeded.
pub async fn sqlite3_script(db: &Path, script: &Path) {
    let (db, script) = (db.to_path_buf(), script.to_path_buf());
    let out = tokio::task::spawn_blocking(move || {
        let input = std::fs::File::open(&script).expect("open script");
        Command::new("sqlite3")
            .arg("-bail")
            .arg(&db)
            .stdin(Stdio::from(input))
            .output()
            .expect("run sqlite3")
    })
    .await
    .expect("join sqlite3");
    assert!(
        out.status.success(),
        "sqlite3 failed\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Name the first table whose contents differ, with the rows only one side has.
pub fn assert_same(got: &Snapshot, want: &Snapshot, what: &str) {
    if got == want {
        return;
    }
    let mut report = String::new();
    let names: std::collections::BTreeSet<&String> = got.keys().chain(want.keys()).collect();
    for name in names {
        let (g, w) = (got.get(name), want.get(name));
        if g == w {
            continue;
        }
        let g = g.cloned().unwrap_or_default();
        let w = w.cloned().unwrap_or_default();
        let extra: Vec<&String> = g.iter().filter(|r| !w.contains(r)).collect();
        let missing: Vec<&String> = w.iter().filter(|r| !g.contains(r)).collect();
        report.push_str(&format!(
            "table {name}: {} rows, expected {}\n  unexpected: {extra:#?}\n  missing: {missing:#?}\n",
            g.len(),
            w.len()
        ));
    }
    panic!("{what}: contents differ\n{report}");
}
