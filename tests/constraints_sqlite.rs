//! Constraints on a real SQLite file: CHECKs (column and table level, named
//! or not) read from its CREATE TABLE text, FK actions from its pragmas; a
//! schema.sql stating them in PostgreSQL's style reports nothing missing
//! against the intact file, exactly the dropped ones against a damaged
//! copy, and the planted violations are counted with their keys.

mod common;

use common::{temp_sqlite, write_backup};
use lifeboat::backup::Backup;
use lifeboat::catalog::{Catalog, FkAction, TableName};
use lifeboat::diff::schema::{
    constraint_counts, missing_constraints, ConstraintKind, MissingConstraint,
};
use lifeboat::live::{violation_query, DbUrl, LiveDb, LiveOptions, ViolationQuery};

const INTACT: &str = r#"
CREATE TABLE orgs (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE);
CREATE TABLE items (
  id INTEGER PRIMARY KEY,
  org_id INTEGER REFERENCES orgs(id) ON DELETE CASCADE ON UPDATE SET NULL,
  price REAL CONSTRAINT price_ok CHECK (price >= 0),
  qty INTEGER CHECK(qty BETWEEN 1 AND 1000),
  status TEXT,
  code TEXT,
  UNIQUE (code),
  CONSTRAINT "Status known" CHECK (status IN ('open', 'done')));
"#;

/// The same tables after a careless rebuild: no FK, no unique code, no CHECKs on items.
const DAMAGED: &str = r#"
CREATE TABLE orgs (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE);
CREATE TABLE items (id INTEGER PRIMARY KEY, org_id INTEGER, price REAL, qty INTEGER, status TEXT, code TEXT);
INSERT INTO orgs VALUES (1, 'one');
INSERT INTO items VALUES
  (1, 1, 5, 1, 'open', 'X'), (2, 7, -1, 2, 'open', 'X'), (3, 7, -2, 0, 'lost', 'Y'),
  (4, 9, NULL, NULL, NULL, 'Y'), (5, NULL, 1, 1001, 'done', NULL), (6, NULL, 1, 1, NULL, NULL);
"#;

const SCHEMA_SQL: &str = r#"
CREATE TABLE orgs (id integer PRIMARY KEY, slug text NOT NULL, UNIQUE (slug));
CREATE TABLE items (id integer PRIMARY KEY, org_id integer, price real, qty integer, status text, code text);
ALTER TABLE items ADD CONSTRAINT price_ok CHECK (price >= 0::numeric);
ALTER TABLE items ADD CHECK ((qty >= 1) AND (qty <= 1000));
ALTER TABLE items ADD CONSTRAINT "Status known" CHECK (status = ANY (ARRAY['open'::text, 'done'::text]));
ALTER TABLE items ADD CONSTRAINT items_code_key UNIQUE (code);
ALTER TABLE items ADD FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE ON UPDATE SET NULL;
"#;

async fn open(path: &std::path::Path) -> (LiveDb, Catalog) {
    let url = DbUrl::parse(&format!("sqlite://{}", path.display())).expect("url");
    let db = LiveDb::connect(&url, &LiveOptions::default())
        .await
        .expect("open sqlite");
    let catalog = db.catalog().await.expect("catalog");
    (db, catalog)
}

fn all_missing(backup: &Catalog, live: &Catalog) -> Vec<MissingConstraint> {
    backup
        .tables
        .iter()
        .flat_map(|b| {
            let l = live.resolve(&b.name).expect("table live");
            missing_constraints(b, l, live)
        })
        .collect()
}

#[tokio::test]
async fn sqlite_constraints_read_compared_and_violations_counted() {
    let (_keep, intact) = temp_sqlite(INTACT);
    let (_db, live) = open(&intact).await;
    let items = live.table(&TableName::new(None, "items")).expect("items");
    let checks: Vec<(Option<&str>, &str)> = items
        .checks
        .iter()
        .map(|c| (c.name.as_deref(), c.expression.as_str()))
        .collect();
    assert_eq!(
        checks,
        [
            (Some("price_ok"), "price >= 0"),
            (None, "qty BETWEEN 1 AND 1000"),
            (Some("Status known"), "status IN ('open', 'done')"),
        ]
    );
    let fk = &items.foreign_keys[0];
    assert_eq!(
        (fk.on_delete, fk.on_update),
        (FkAction::Cascade, FkAction::SetNull)
    );
    let counts = constraint_counts(&live);
    assert_eq!(
        (
            counts.primary_keys,
            counts.unique,
            counts.foreign_keys,
            counts.checks
        ),
        (2, 2, 1, 3)
    );

    let dir = write_backup(&[
        ("schema.sql", SCHEMA_SQL.to_string()),
        ("orgs.json", "[]".into()),
    ]);
    let backup = Backup::open(dir.path()).expect("open backup");
    let schema = backup.schema.as_ref().expect("schema");
    assert_eq!(constraint_counts(schema), counts);
    assert!(
        all_missing(schema, &live).is_empty(),
        "{:#?}",
        all_missing(schema, &live)
    );

    let (_keep2, damaged) = temp_sqlite(DAMAGED);
    let (db, live) = open(&damaged).await;
    let missing = all_missing(schema, &live);
    let mut kinds: Vec<(ConstraintKind, String)> = missing
        .iter()
        .map(|m| (m.kind.clone(), m.definition.clone()))
        .collect();
    kinds.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        kinds,
        [
            (ConstraintKind::Check, "CHECK ((qty >= 1) AND (qty <= 1000))".to_string()),
            (ConstraintKind::Check, "CHECK (price >= 0::NUMERIC)".into()),
            (ConstraintKind::Check, "CHECK (status = ANY(ARRAY['open'::TEXT, 'done'::TEXT]))".into()),
            (
                ConstraintKind::ForeignKey,
                "FOREIGN KEY (\"org_id\") REFERENCES \"orgs\" (\"id\") ON DELETE CASCADE ON UPDATE SET NULL".into()
            ),
            (ConstraintKind::Unique, "UNIQUE (\"code\")".into()),
        ]
    );
    let keys = |k: &[&str]| -> Vec<Vec<String>> { k.iter().map(|s| vec![s.to_string()]).collect() };
    let items = TableName::new(None, "items");
    let mut got = Vec::new();
    for m in &missing {
        let v = db
            .violations(&live, &items, m)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", m.definition));
        got.push((m.definition.clone(), v.count, v.samples));
    }
    let find = |prefix: &str| {
        got.iter()
            .find(|(d, _, _)| d.starts_with(prefix))
            .map(|(_, n, s)| (*n, s.clone()))
            .unwrap_or_else(|| panic!("{prefix} in {got:?}"))
    };
    assert_eq!(find("CHECK (price"), (2, keys(&["2", "3"])));
    assert_eq!(find("CHECK ((qty"), (2, keys(&["3", "5"])));
    // 'lost' fails; NULL passes, as in SQL.
    assert_eq!(find("CHECK (status"), (1, keys(&["3"])));
    assert_eq!(find("UNIQUE"), (4, keys(&["X", "X", "Y", "Y"])));
    assert_eq!(find("FOREIGN KEY"), (3, keys(&["7", "7", "9"])));

    let fk = missing
        .iter()
        .find(|m| m.kind == ConstraintKind::ForeignKey)
        .expect("fk");
    let Ok(ViolationQuery::Orphans(q)) = violation_query(&live, &items, fk) else {
        panic!("an orphan query");
    };
    assert_eq!(
        db.missing_parent_keys(&q, 10)
            .await
            .expect("keys")
            .into_iter()
            .map(|m| m.key)
            .collect::<Vec<_>>(),
        keys(&["7", "9"])
    );
    assert_eq!(
        db.missing_parent_keys(&q, 1)
            .await
            .expect("keys")
            .into_iter()
            .map(|m| m.key)
            .collect::<Vec<_>>(),
        keys(&["7"])
    );
}
