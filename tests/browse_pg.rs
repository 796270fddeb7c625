//! The Table view's rows against a real PostgreSQL: statuses and counts
//! equal the diff's for every table, values compared by meaning, COPY text
//! tagged by column type, and picks that select their rows.

mod common;

use common::browsing::{
    assert_counts_match, assert_picks_select_their_rows, column_index, connect, entry_where, load,
    text,
};
use common::{run_diff, write_backup, TestPg};
use lifeboat::backup::Backup;
use lifeboat::browse::{CellText, RowStatus};
use serde_json::json;

#[tokio::test]
async fn postgres_tables_match_the_diff_row_by_row() {
    let pg = TestPg::new().await;
    let schema = r#"
CREATE TABLE accounts (id bigint PRIMARY KEY, "displayName" text, balance numeric(10,2), opened timestamptz, tags jsonb, blob bytea);
CREATE TABLE grants (org_id integer, user_id uuid, role text, PRIMARY KEY (org_id, user_id));
CREATE TABLE audit (actor text, action text, n integer);
CREATE TABLE legacy (code text PRIMARY KEY, label text);
"#;
    let awkward = "O'Brien \"the\"\n\tboss\u{1b}]0;pwned\u{7}, ok";
    let accounts = json!([
        {"id": 1, "displayName": "Ann", "balance": "10.50", "opened": "2025-01-01T10:00:00.000Z", "tags": {"b": 1, "a": 2}, "blob": "\\x0102"},
        {"id": 2, "displayName": awkward, "balance": 3, "opened": "2025-01-02T00:00:00Z", "tags": null, "blob": null},
        {"id": 3, "displayName": "Cy", "balance": "7.00", "opened": "2025-01-03T00:00:00Z", "tags": [], "blob": null, "dropped_col": "gone"},
        {"id": 4, "displayName": "Dee", "balance": "1.00", "opened": "2025-01-04T00:00:00Z", "tags": {}, "blob": null},
    ]);
    let u = |n: u32| format!("00000000-0000-4000-8000-{n:012}");
    let grants = json!([
        {"org_id": 1, "user_id": u(1).to_uppercase(), "role": "owner"},
        {"org_id": 1, "user_id": u(2), "role": "admin"},
        {"org_id": 2, "user_id": u(1), "role": "member"},
    ]);
    let audit = "actor,action,n\nann,login,1\nann,login,1\nbob,\"a,b\",2\n";
    let dir = write_backup(&[
        ("schema.sql", schema.to_string()),
        ("accounts.json", accounts.to_string()),
        ("grants.json", grants.to_string()),
        ("audit.csv", audit.to_string()),
        (
            "legacy.jsonl",
            "{\"code\":\"x\",\"label\":\"old\"}\n".to_string(),
        ),
    ]);
    pg.exec(&format!(
        r#"CREATE TABLE accounts (id bigint PRIMARY KEY, "displayName" text, balance numeric(10,2), opened timestamptz, tags jsonb, blob bytea);
           INSERT INTO accounts VALUES
             (1, 'Ann', 10.5, '2025-01-01 11:00:00+01', '{{"a": 2, "b": 1}}', '\x0102'),
             (2, $a${awkward}$a$, 3.00, '2025-01-02T00:00:00Z', NULL, NULL),
             (4, 'Dee', 2.00, '2025-01-04T00:00:00Z', '{{}}', NULL),
             (5, 'New', NULL, NULL, NULL, NULL);
           CREATE TABLE grants (org_id integer, user_id uuid, role text, PRIMARY KEY (org_id, user_id));
           INSERT INTO grants VALUES (1, '{u1}', 'owner'), (1, '{u2}', 'viewer');
           CREATE TABLE audit (actor text, action text, n integer);
           INSERT INTO audit VALUES ('ann', 'login', 1), ('zed', 'x', 9);
           CREATE SCHEMA extra;
           CREATE TABLE extra.newer (id serial PRIMARY KEY, v text);
           INSERT INTO extra.newer (v) VALUES ('a'), ('b');"#,
        u1 = u(1),
        u2 = u(2),
    ))
    .await;
    let url = pg.url();
    let report = run_diff(&url, dir.path(), false).await;
    let live = connect(&url).await;
    let catalog = live.catalog().await.unwrap();
    let backup = Backup::open(dir.path()).unwrap();
    let names: Vec<&str> = report.tables.iter().map(|t| t.name.as_str()).collect();
    for expected in [
        "public.accounts",
        "public.grants",
        "public.audit",
        "legacy",
        "extra.newer",
    ] {
        assert!(names.contains(&expected), "{names:?}");
    }
    for d in &report.tables {
        let rows = load(Some(&live), &backup, &d.name).await;
        assert_eq!(rows.table, d.name);
        assert_counts_match(&rows, d);
        assert_picks_select_their_rows(&rows, &backup, &catalog);
    }

    use RowStatus::*;
    let acc = load(Some(&live), &backup, "accounts").await;
    assert_eq!(acc.table, "public.accounts", "found by bare name");
    let names: Vec<&str> = acc.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "id",
            "displayName",
            "balance",
            "opened",
            "tags",
            "blob",
            "dropped_col"
        ]
    );
    let statuses: Vec<RowStatus> = (0..acc.len()).map(|e| acc.status(e)).collect();
    assert_eq!(
        statuses,
        [Identical, Identical, MissingLive, Changed, OnlyLive]
    );
    let balance = column_index(&acc, "balance");
    assert_eq!(acc.changed_columns(3), [balance]);
    assert!(
        acc.changed_columns(0).is_empty(),
        "10.50 = 10.5, same instant, same JSON"
    );
    // Raw text on both sides, tagged by kind: COPY text of a numeric is not a string.
    assert_eq!(acc.backup_cell(0, balance), CellText::Text("10.50"));
    assert_eq!(acc.live_cell(0, balance), CellText::Other("10.50"));
    assert_eq!(acc.live_cell(0, 0), CellText::Other("1"));
    assert_eq!(text(acc.live_cell(0, 3)), "2025-01-01 10:00:00+00");
    assert_eq!(acc.live_cell(0, 4), CellText::Other("{\"a\": 2, \"b\": 1}"));
    assert_eq!(acc.live_cell(0, 5), CellText::Other("\\x0102"));
    assert_eq!(acc.backup_cell(1, 1), CellText::Text(awkward));
    assert_eq!(
        acc.live_cell(1, 1),
        CellText::Text(awkward),
        "COPY escapes undone"
    );
    assert_eq!(acc.live_cell(1, 4), CellText::Null);
    assert_eq!(acc.backup_cell(1, 2), CellText::Other("3"));
    assert_eq!(acc.backup_cell(2, 6), CellText::Text("gone"));
    assert_eq!(acc.backup_cell(0, 6), CellText::Absent);
    assert_eq!(acc.live_cell(2, 6), CellText::Absent);
    assert_eq!(acc.key_text(4), "id=5");
    assert_eq!(acc.pick_spec(1).unwrap(), "public.accounts:id=2");

    let grants = load(Some(&live), &backup, "public.grants").await;
    let statuses: Vec<RowStatus> = (0..grants.len()).map(|e| grants.status(e)).collect();
    assert_eq!(
        statuses,
        [Identical, Changed, MissingLive],
        "UUID case ignored"
    );
    assert_eq!(grants.changed_columns(1), [2]);
    assert_eq!(grants.key_text(1), format!("org_id=1, user_id={}", u(2)));
    let pick = grants.pick_spec(0).unwrap();
    assert_eq!(
        pick,
        format!("public.grants:org_id=1,user_id={}", u(1).to_uppercase())
    );

    let audit = load(Some(&live), &backup, "audit").await;
    let statuses: Vec<RowStatus> = (0..audit.len()).map(|e| audit.status(e)).collect();
    assert_eq!(statuses, [Identical, MissingLive, MissingLive, OnlyLive]);
    assert_eq!(
        audit.pick_spec(2).unwrap(),
        "public.audit:actor=bob,action=\"a,b\",n=2"
    );

    let legacy = load(Some(&live), &backup, "legacy").await;
    assert_eq!(legacy.counts().missing_live, 1);
    assert!(legacy.columns.iter().all(|c| !c.in_live));
    assert_eq!(
        legacy.key.as_ref().map(|k| k.columns.clone()),
        Some(vec!["code".to_string()])
    );
    assert_eq!(legacy.pick_spec(0).unwrap(), "legacy:code=x");

    let newer = load(Some(&live), &backup, "extra.newer").await;
    assert_eq!(newer.counts().only_live, 2);
    assert!(newer.columns.iter().all(|c| c.in_live && !c.in_backup));
    let b = entry_where(&newer, "v", "b");
    assert_eq!(newer.key_text(b), "id=2");
    assert_eq!((newer.pick_spec(b), newer.line(b)), (None, None));
}
