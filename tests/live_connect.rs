//! Connecting: which addresses are accepted, and that every failure is clear
//! and never shows the password.

mod common;

use common::{admin_url, temp_sqlite, TestPg};
use lifeboat::catalog::Dialect;
use lifeboat::live::{DbUrl, LiveDb, LiveOptions};
use lifeboat::Error;

const SECRET: &str = "Sup3rS3cret";

fn assert_redacted(err: &Error) {
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(SECRET), "password leaked: {shown}");
}

/// `postgres://user:pw@host:port/db` with the host/port of LIFEBOAT_TEST_PG.
fn url_with(user: &str, password: &str, port: Option<u16>, db: &str) -> String {
    let mut url = url::Url::parse(&admin_url()).unwrap();
    url.set_username(user).unwrap();
    url.set_password(Some(password)).unwrap();
    if let Some(port) = port {
        url.set_port(Some(port)).unwrap();
    }
    url.set_path(&format!("/{db}"));
    url.to_string()
}

#[test]
fn parse_accepts_supported_forms_and_names_bad_schemes() {
    let pg = DbUrl::parse(&format!("postgresql://app:{SECRET}@db.internal:5432/prod")).unwrap();
    assert_eq!(pg.dialect, Dialect::Postgres);
    assert_eq!(pg.redacted(), "postgresql://app:***@db.internal:5432/prod");
    assert!(!format!("{pg:?}").contains(SECRET));
    assert!(pg.expose().contains(SECRET), "the driver still gets it");

    for raw in [
        "sqlite://live.db",
        "sqlite:live.db",
        "sqlite:///var/db/live.sqlite",
    ] {
        assert_eq!(DbUrl::parse(raw).unwrap().dialect, Dialect::Sqlite, "{raw}");
    }

    let err = DbUrl::parse(&format!("mysql://root:{SECRET}@db/prod")).unwrap_err();
    assert!(matches!(err, Error::Usage(_)));
    assert!(err
        .to_string()
        .contains("unsupported database URL scheme 'mysql'"));
    assert_redacted(&err);
    let err = DbUrl::parse("http://example.com/db")
        .unwrap_err()
        .to_string();
    assert!(err.contains("'http'"), "{err}");
    let err = DbUrl::parse("certainly not a url").unwrap_err();
    assert!(matches!(err, Error::Usage(_)));
}

#[test]
fn bare_path_is_sqlite_only_when_it_is_one() {
    let (_dir, path) = temp_sqlite("CREATE TABLE t (x);");
    // No extension: recognised by the SQLite header.
    let plain = path.with_file_name("livefile");
    std::fs::copy(&path, &plain).unwrap();
    assert_eq!(
        DbUrl::parse(plain.to_str().unwrap()).unwrap().dialect,
        Dialect::Sqlite
    );
    let json = path.with_file_name("projects.json");
    std::fs::write(&json, "[]").unwrap();
    let err = DbUrl::parse(json.to_str().unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a SQLite database file"), "{err}");
}

#[tokio::test]
async fn connection_refused_is_clear_and_redacted() {
    let raw = url_with("postgres", SECRET, Some(1), "postgres");
    let url = DbUrl::parse(&raw).unwrap();
    let err = LiveDb::connect(&url, &LiveOptions::default())
        .await
        .err()
        .expect("nothing listens on port 1");
    assert_redacted(&err);
    let Error::Database { target, message } = &err else {
        panic!("expected a database error, got {err:?}");
    };
    assert!(target.contains(":***@"), "{target}");
    assert!(message.to_lowercase().contains("refused"), "{message}");
    assert!(message.starts_with("cannot connect"), "{message}");
}

#[tokio::test]
async fn server_rejections_are_clear_and_redacted() {
    let no_role = url_with("lifeboat_no_such_role", SECRET, None, "postgres");
    let err = LiveDb::connect(&DbUrl::parse(&no_role).unwrap(), &LiveOptions::default())
        .await
        .err()
        .expect("unknown role");
    assert_redacted(&err);
    assert!(err.to_string().contains("lifeboat_no_such_role"), "{err}");

    let no_db = url_with("postgres", SECRET, None, "lifeboat_no_such_db");
    let err = LiveDb::connect(&DbUrl::parse(&no_db).unwrap(), &LiveOptions::default())
        .await
        .err()
        .expect("unknown database");
    assert_redacted(&err);
    assert!(err.to_string().contains("does not exist"), "{err}");
}

/// With password authentication the server refuses the wrong password; the
/// local test server trusts 127.0.0.1, in which case the connection succeeds
/// and only the absence of the password in `target()` can be checked.
#[tokio::test]
async fn wrong_password_is_redacted() {
    let pg = TestPg::new().await;
    let role = format!("{}_role", pg.name());
    pg.exec(&format!(
        "CREATE ROLE \"{role}\" LOGIN PASSWORD 'right-password'"
    ))
    .await;
    let raw = url_with(&role, SECRET, None, pg.name());
    let outcome = LiveDb::connect(&DbUrl::parse(&raw).unwrap(), &LiveOptions::default()).await;
    let trusted = match &outcome {
        Ok(live) => {
            assert!(!live.target().contains(SECRET));
            true
        }
        Err(err) => {
            assert_redacted(err);
            assert!(
                err.to_string().contains("password authentication failed"),
                "{err}"
            );
            false
        }
    };
    drop(outcome);
    drop(pg);
    let cleanup = format!("DROP ROLE IF EXISTS \"{role}\"");
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url())
        .await
        .unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(cleanup))
        .execute(&mut admin)
        .await
        .unwrap();
    eprintln!("pg_hba trusts this connection: {trusted}");
}

#[tokio::test]
async fn missing_sqlite_file_is_named_and_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gone.db");
    let url = DbUrl::parse(path.to_str().unwrap()).unwrap();
    let err = LiveDb::connect(&url, &LiveOptions::default())
        .await
        .err()
        .expect("missing file");
    assert!(err.to_string().contains(path.to_str().unwrap()), "{err}");
    assert!(!path.exists(), "lifeboat must never create the live file");

    let via_scheme = DbUrl::parse(&format!("sqlite://{}", path.display())).unwrap();
    assert!(LiveDb::connect(&via_scheme, &LiveOptions::default())
        .await
        .is_err());
    assert!(!path.exists());
}

#[tokio::test]
async fn non_database_file_with_db_extension_fails_at_connect() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(
        &path,
        "this is not a database, just text that is long enough",
    )
    .unwrap();
    let url = DbUrl::parse(path.to_str().unwrap()).unwrap();
    let err = LiveDb::connect(&url, &LiveOptions::default())
        .await
        .err()
        .expect("not a database");
    assert!(err.to_string().contains("notes.db"), "{err}");
}
