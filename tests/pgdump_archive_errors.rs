//! pg_dump archives that go wrong, with the real pg_dump/pg_restore: a
//! reader dropped early (pg_restore killed and reaped), a truncated archive,
//! one newer than pg_restore, no pg_restore at all.

mod common;

use common::TestPg;
use lifeboat::backup::pgdump::{Archive, ArchiveEntry};
use lifeboat::backup::Backup;
use lifeboat::catalog::TableName;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `pg_dump --format=FORMAT` of the test database into `out`.
fn pg_dump(pg: &TestPg, format: &str, out: &Path) {
    common::pg_dump(pg, out, &[&format!("--format={format}")]);
}

fn t(schema: &str, name: &str) -> TableName {
    TableName::new(Some(schema), name)
}

/// A table big enough that its data outlasts the pipe buffers.
const BIG: &str = "CREATE TABLE big (id int PRIMARY KEY, t text);
    INSERT INTO big SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 50000) g;";

fn proc_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[tokio::test]
async fn dropping_a_reader_early_kills_and_reaps_pg_restore() {
    let pg = TestPg::new().await;
    pg.exec(BIG).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.dump");
    pg_dump(&pg, "custom", &path);
    let archive = Archive::open(&path).unwrap();
    let mut rows = archive.rows(&archive.entries[0]).unwrap();
    assert_eq!(
        rows.next().unwrap().unwrap().fields[0].as_deref(),
        Some("1")
    );
    let pid = rows.pid().expect("pg_restore still running");
    assert!(proc_alive(pid));
    drop(rows);
    // Reaped: not even a zombie is left.
    assert!(!proc_alive(pid), "pg_restore {pid} is still there");

    // An error while pg_restore is still writing (here: the entry names
    // another table than the data has) stops it instead of waiting on it.
    let wrong = ArchiveEntry {
        table: t("public", "other"),
        ..archive.entries[0].clone()
    };
    let started = std::time::Instant::now();
    let err = archive.rows(&wrong).err().expect("an error").to_string();
    assert!(
        err.contains("big.dump") && err.contains("public.big") && err.contains("public.other"),
        "{err}"
    );
    assert!(started.elapsed().as_secs() < 20);

    // Read to the end, the process is waited for by the reader itself.
    let mut rows = archive.rows(&archive.entries[0]).unwrap();
    let pid = rows.pid().unwrap();
    let mut count = 0;
    for row in rows.by_ref() {
        row.unwrap();
        count += 1;
    }
    assert_eq!(count, 50_000);
    assert_eq!(rows.pid(), None);
    assert!(!proc_alive(pid));
}

#[tokio::test]
async fn a_truncated_archive_is_an_error_naming_archive_and_table() {
    let pg = TestPg::new().await;
    pg.exec(BIG).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.dump");
    pg_dump(&pg, "custom", &path);
    let bytes = std::fs::read(&path).unwrap();

    // Half: the table of contents is there, the data is cut.
    let half = dir.path().join("half.dump");
    std::fs::write(&half, &bytes[..bytes.len() / 2]).unwrap();
    let backup = Backup::open(&half).unwrap();
    let source = backup.table(&t("public", "big")).unwrap();
    let err = match backup.rows(source) {
        Err(e) => e.to_string(),
        Ok(reader) => {
            let results: Vec<_> = reader.collect();
            let last = results.last().unwrap();
            assert!(results[..results.len() - 1].iter().all(Result::is_ok));
            last.as_ref().unwrap_err().to_string()
        }
    };
    assert!(
        err.contains("half.dump")
            && err.contains("public.big")
            && err.contains("truncated or corrupt"),
        "{err}"
    );

    // The first 100 bytes: not even the table of contents.
    let stub = dir.path().join("stub.dump");
    std::fs::write(&stub, &bytes[..100]).unwrap();
    let err = Backup::open(&stub).unwrap_err().to_string();
    assert!(
        err.contains("stub.dump")
            && err.contains("table of contents")
            && err.contains("truncated or corrupt"),
        "{err}"
    );
}

#[tokio::test]
async fn an_archive_newer_than_pg_restore_says_which_pg_restore_was_found() {
    let pg = TestPg::new().await;
    pg.exec("CREATE TABLE a (id int)").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.dump");
    pg_dump(&pg, "custom", &path);
    // The header's format version (PGDMP, major, minor, rev): a minor
    // version no pg_restore 15 knows, as a future pg_dump would write.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[6] = 0x40;
    std::fs::write(&path, &bytes).unwrap();
    let err = Backup::open(&path).unwrap_err().to_string();
    assert!(
        err.contains("a.dump")
            && err.contains("newer pg_dump")
            && err.contains("pg_restore (PostgreSQL) 15")
            && err.contains("unsupported version (1.64)")
            && err.contains("LIFEBOAT_PG_RESTORE"),
        "{err}"
    );
}

fn inspect(backup: &Path, env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lifeboat"));
    cmd.arg("inspect").arg("--backup").arg(backup);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn a_missing_pg_restore_says_how_to_get_one() {
    let pg = TestPg::new().await;
    pg.exec("CREATE TABLE a (id int)").await;
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("a.tar");
    pg_dump(&pg, "tar", &path);
    // The variable is set in a child process only: tests run in parallel.
    let err = inspect(&path, &[("LIFEBOAT_PG_RESTORE", "/nonexistent/pg_restore")]);
    assert!(
        err.contains("LIFEBOAT_PG_RESTORE=/nonexistent/pg_restore: no such program"),
        "{err}"
    );
    let empty = tempfile::tempdir().unwrap();
    let err = inspect(
        &path,
        &[
            ("PATH", empty.path().to_str().unwrap()),
            ("LIFEBOAT_PG_RESTORE", ""),
        ],
    );
    assert!(
        err.contains("a.tar")
            && err.contains("pg_restore, which is not on PATH")
            && err.contains("install postgresql-client")
            && err.contains("set LIFEBOAT_PG_RESTORE=/path"),
        "{err}"
    );
}
