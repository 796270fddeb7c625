//! A JSON backup without schema.sql: the table proposed from its values is
//! created in a real PostgreSQL and every backup row goes into it through
//! the restore's own literals — the inferred types hold the values.

mod common;

use common::{write_backup, TestPg};
use lifeboat::backup::Backup;
use lifeboat::catalog::{Dialect, TableName};
use lifeboat::live::{DbUrl, LiveDb, LiveOptions};
use lifeboat::repair::{ddl, infer};
use lifeboat::restore::literal::{literal, render_insert, InsertBatch, PG_PREAMBLE};
use lifeboat::value::classify;
use std::collections::BTreeMap;

const ROWS: &str = r#"[
 {"id": "user_2XQLfuJvWKZKnpOfkW2I5dZxVZYE", "orgId": "2f1e1c5a-8b9d-4c3e-9f00-112233445566",
  "createdAt": "2025-07-11T19:46:34.951Z", "price": 10, "active": true, "meta": {"a": [1, 2]},
  "visits": 3, "day": "2025-07-11", "note": "it's \\ a \"quote\"\n"},
 {"id": "user_3", "orgId": "00000000-0000-0000-0000-000000000000",
  "createdAt": "2025-07-12T01:00:00+02:00", "price": 10.55, "active": false, "meta": [],
  "visits": 9007199254740993, "day": "2024-02-29", "note": null},
 {"id": "user_4", "orgId": null, "createdAt": "2025-07-13T00:00:00Z", "price": -1.5,
  "active": true, "meta": {}, "visits": 0, "day": "2025-01-01"}
]"#;

#[tokio::test]
async fn an_inferred_table_holds_every_backup_value() {
    let dir = write_backup(&[("bazaar-vid_user.json", ROWS.to_owned())]);
    let backup = Backup::open(dir.path()).expect("opens");
    assert!(backup.schema.is_none());
    let source = &backup.tables[0];
    let mut reader = backup.rows(source).expect("rows");
    let mut rows: Vec<Vec<Option<lifeboat::value::Cell>>> = Vec::new();
    for row in reader.by_ref() {
        rows.push(row.expect("row").cells);
    }
    let columns = reader.columns().to_vec();
    let name = TableName::new(None, "bazaar-vid_user");
    let inferred = infer::infer_table(&name, &columns, &rows, Dialect::Postgres);
    let types: Vec<(&str, &str)> = inferred
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.data_type.as_str()))
        .collect();
    assert_eq!(
        types,
        [
            ("id", "text"),
            ("orgId", "uuid"),
            ("createdAt", "timestamp with time zone"),
            ("price", "numeric"),
            ("active", "boolean"),
            ("meta", "jsonb"),
            ("visits", "bigint"),
            ("day", "date"),
            ("note", "text"),
        ]
    );
    assert!(
        inferred.columns[0].why.contains("primary key"),
        "{:?}",
        inferred.columns[0]
    );

    let pg = TestPg::new().await;
    let ct = ddl::create_table(&inferred.table, Dialect::Postgres, false).expect("renders");
    pg.exec(&ct.sql).await;
    let enums = BTreeMap::new();
    let table = &inferred.table;
    let mut literals = Vec::new();
    for row in &rows {
        let mut out = Vec::new();
        for (i, c) in table.columns.iter().enumerate() {
            let cell = row
                .get(i)
                .cloned()
                .flatten()
                .unwrap_or(lifeboat::value::Cell::Null);
            let class = classify(&c.data_type, Dialect::Postgres, &enums);
            out.push(
                literal(&cell, c, &class, Dialect::Postgres).expect("value fits its inferred type"),
            );
        }
        literals.push(out);
    }
    let batch = InsertBatch {
        table: &name,
        columns: table.columns.iter().map(|c| c.name.as_str()).collect(),
        rows: literals,
        overriding_system_value: false,
    };
    let insert = render_insert(&batch, Dialect::Postgres, 500).expect("insert renders");
    pg.exec(&format!("{PG_PREAMBLE}\n{insert}")).await;

    let got: Vec<(String, Option<String>, String, i64, String)> = sqlx::query_as(
        "SELECT id, note, price::text, visits, \"createdAt\"::timestamptz AT TIME ZONE 'UTC' || ''
           FROM \"bazaar-vid_user\" ORDER BY id",
    )
    .fetch_all(pg.pool())
    .await
    .expect("read back");
    assert_eq!(got.len(), 3);
    assert_eq!(got[0].1.as_deref(), Some("it's \\ a \"quote\"\n"));
    assert_eq!(got[1].2, "10.55");
    assert_eq!(got[1].3, 9_007_199_254_740_993);
    assert_eq!(got[1].4, "2025-07-11 23:00:00");
    let url = DbUrl::parse(&pg.url()).expect("url");
    let live = LiveDb::connect(&url, &LiveOptions::default())
        .await
        .expect("connect");
    let cat = live.catalog().await.expect("catalog");
    let t = &cat.tables[0];
    assert_eq!(
        t.primary_key.as_ref().map(|k| k.columns.clone()),
        Some(vec!["id".to_owned()])
    );
    let nullable: Vec<&str> = t
        .columns
        .iter()
        .filter(|c| c.nullable)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        nullable,
        ["orgId", "note"],
        "a NULL or an absent key makes a column nullable"
    );
}
