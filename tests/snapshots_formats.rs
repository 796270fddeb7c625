//! Every backup format `Backup::open` reads, side by side in one folder,
//! through `lifeboat snapshots` and `lifeboat find` (real pg_dump, a real
//! PostgreSQL database, a SQLite file made by sqlite3).

mod common;

use common::snapshot_folder::{json_of, names, run, Data, Root};
use serde_json::{json, Value};

const OLDEST: &str = "migration-2025-07-11T19-46-34-951Z";

/// Every format `Backup::open` reads, in one folder: the JSON ones, a
/// gzipped plain pg_dump, custom/directory/tar archives (dated by their
/// headers: now), a SQLite file; the record is gone from the last backup,
/// taken after the archives.
#[tokio::test]
async fn every_format_in_one_folder() {
    let pg = common::TestPg::new().await;
    pg.exec(&Data::projects(&[1, 7]).sql()).await;
    let root = Root::new();
    root.json_directory(
        OLDEST,
        &Data::projects(&[1, 7, 9]),
        Some("2025-07-11T19:46:34.951Z"),
    );
    root.pg_dump("nightly-2025-07-12.sql.gz", &pg.url(), &["-Z", "6"]);
    root.sqlite_file("nightly-2025-07-13.db", &Data::projects(&[1, 7]));
    root.pg_dump("weekly.dump", &pg.url(), &["-Fc"]);
    root.pg_dump("weekly-dir", &pg.url(), &["-Fd"]);
    root.pg_dump("weekly.tar", &pg.url(), &["-Ft"]);
    let after = (chrono::Utc::now() + chrono::Duration::hours(1))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    root.jsonl_gz_directory("after-the-migration", &Data::projects(&[1, 2]), &after);

    let (out, _) = run(&["snapshots", &root.arg(), "--json"], 0);
    let v = json_of(&out);
    let list = v["snapshots"].as_array().unwrap();
    let format_of = |name: &str| {
        let s = list.iter().find(|s| s["name"] == name).unwrap();
        assert_eq!(s["error"], Value::Null, "{s}");
        s["format"].as_str().unwrap().to_owned()
    };
    assert_eq!(format_of(OLDEST), "json-directory");
    assert_eq!(format_of("nightly-2025-07-12.sql.gz"), "pg-dump-plain");
    assert_eq!(format_of("nightly-2025-07-13.db"), "sqlite-file");
    assert_eq!(format_of("weekly.dump"), "pg-dump-custom");
    assert_eq!(format_of("weekly-dir"), "pg-dump-directory");
    assert_eq!(format_of("weekly.tar"), "pg-dump-tar");
    assert_eq!(format_of("after-the-migration"), "json-directory");
    let names = names(&v["snapshots"]);
    assert_eq!(
        names[..3],
        [OLDEST, "nightly-2025-07-12.sql.gz", "nightly-2025-07-13.db"]
    );
    assert_eq!(names[6], "after-the-migration");
    assert_eq!(v["latest"], "after-the-migration");
    for s in list {
        let projects = s["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["table"].as_str().unwrap().ends_with("projects"))
            .unwrap_or_else(|| panic!("{s}"));
        let want = if s["name"] == OLDEST { 3 } else { 2 };
        assert_eq!(projects["rows"], want, "{s}");
    }

    let (out, _) = run(
        &["find", &root.arg(), "--pick", "projects:id=7", "--json"],
        0,
    );
    let v = json_of(&out);
    let holds: Vec<&Value> = v["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["holds"])
        .collect();
    assert_eq!(holds[..6], [&json!(true); 6], "{v}");
    assert_eq!(holds[6], &json!(false), "{v}");
    // The archives were written in the order custom, directory, tar.
    assert_eq!(v["newest_holding"], "weekly.tar");
    assert_eq!(v["gone_since"], "after-the-migration");
}
