//! Constraints read from every side on a real PostgreSQL: the live catalog,
//! a pg_dump of it and a hand-written schema.sql stating the same
//! constraints differently must agree (nothing reported missing); dropping
//! constraints live reports exactly those; planted violations are counted
//! exactly, with their keys.

mod common;

use common::{pg_dump, write_backup, TestPg};
use lifeboat::backup::Backup;
use lifeboat::catalog::{Catalog, FkAction, Table, TableName};
use lifeboat::diff::schema::{
    constraint_counts, missing_constraints, ConstraintKind, MissingConstraint,
};
use lifeboat::live::{DbUrl, LiveDb, LiveOptions, OrphanQuery, ViolationQuery};

const SETUP: &str = r#"
CREATE TABLE orgs (id uuid PRIMARY KEY, slug text NOT NULL, CONSTRAINT orgs_slug_key UNIQUE (slug));
CREATE TABLE "Members" (
  org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE ON UPDATE CASCADE,
  user_no int NOT NULL,
  nick varchar(20) CHECK (length(nick) > 0),
  role text NOT NULL DEFAULT 'member',
  PRIMARY KEY (org_id, user_no),
  CONSTRAINT role_known CHECK (role IN ('member', 'admin')));
CREATE TABLE items (
  id bigserial PRIMARY KEY,
  org_id uuid REFERENCES orgs(id) ON DELETE SET NULL,
  price numeric(10,2) CONSTRAINT price_ok CHECK (price >= 0),
  qty int, lo int, hi int, code varchar(10),
  CHECK (qty BETWEEN 1 AND 1000),
  CHECK (lo < hi),
  UNIQUE (code),
  CONSTRAINT items_member_fk FOREIGN KEY (org_id, qty) REFERENCES "Members"(org_id, user_no)
    DEFERRABLE INITIALLY DEFERRED);
"#;

/// The same constraints as a person might write them: ALTER TABLE, other
/// spellings of the same expressions, one CHECK named where PostgreSQL names it.
const HAND_WRITTEN: &str = r#"
CREATE TABLE public.orgs (id UUID NOT NULL, slug TEXT NOT NULL);
ALTER TABLE ONLY public.orgs ADD CONSTRAINT orgs_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.orgs ADD CONSTRAINT orgs_slug_key UNIQUE (slug);
CREATE TABLE "Members" (org_id UUID NOT NULL, user_no INTEGER NOT NULL, nick VARCHAR(20),
  role TEXT NOT NULL DEFAULT 'member', PRIMARY KEY (org_id, user_no),
  CHECK (LENGTH(nick) > 0));
ALTER TABLE "Members" ADD CONSTRAINT role_known CHECK (role = 'member' OR role = 'admin') NOT VALID;
ALTER TABLE "Members" ADD FOREIGN KEY (org_id) REFERENCES orgs ON UPDATE CASCADE ON DELETE CASCADE;
CREATE TABLE items (id BIGSERIAL PRIMARY KEY, org_id UUID, price NUMERIC(10,2), qty INTEGER,
  lo INTEGER, hi INTEGER, code VARCHAR(10) UNIQUE, CHECK ((lo) < (hi)));
ALTER TABLE items ADD CONSTRAINT price_ok CHECK (price >= 0::numeric);
ALTER TABLE items ADD CHECK (qty >= 1 AND qty <= 1000);
ALTER TABLE items ADD FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE SET NULL;
ALTER TABLE items ADD CONSTRAINT items_member_fk FOREIGN KEY (org_id, qty)
  REFERENCES "Members" (org_id, user_no) DEFERRABLE INITIALLY DEFERRED;
"#;

async fn connect(pg: &TestPg) -> LiveDb {
    let url = DbUrl::parse(&pg.url()).expect("url");
    LiveDb::connect(&url, &LiveOptions::default())
        .await
        .expect("connect")
}

fn public(name: &str) -> TableName {
    TableName::new(Some("public"), name)
}

fn table<'a>(c: &'a Catalog, name: &str) -> &'a Table {
    c.resolve(&TableName::new(None, name))
        .unwrap_or_else(|| panic!("no table {name}"))
}

/// Every backup table's constraints that live lacks, with the live table.
fn all_missing(backup: &Catalog, live: &Catalog) -> Vec<(String, MissingConstraint)> {
    let mut out = Vec::new();
    for b in &backup.tables {
        let l = live.resolve(&b.name).expect("table live");
        for m in missing_constraints(b, l, live) {
            out.push((l.name.name.clone(), m));
        }
    }
    out
}

fn short(missing: &[(String, MissingConstraint)]) -> Vec<(String, ConstraintKind, String)> {
    let mut v: Vec<_> = missing
        .iter()
        .map(|(t, m)| (t.clone(), m.kind.clone(), m.definition.clone()))
        .collect();
    v.sort_by(|a, b| (&a.0, &a.2).cmp(&(&b.0, &b.2)));
    v
}

#[tokio::test]
async fn every_side_reads_the_same_constraints_and_violations_are_counted_exactly() {
    let pg = TestPg::new().await;
    pg.exec(SETUP).await;
    let db = connect(&pg).await;
    let live = db.catalog().await.expect("catalog");

    // The live catalog: CHECKs with PostgreSQL's names and spelling, FK actions.
    let items = table(&live, "items");
    let checks: Vec<(&str, &str)> = items
        .checks
        .iter()
        .map(|c| (c.name.as_deref().unwrap_or(""), c.expression.as_str()))
        .collect();
    assert_eq!(
        checks,
        [
            ("items_check", "((lo < hi))"),
            ("items_qty_check", "(((qty >= 1) AND (qty <= 1000)))"),
            ("price_ok", "((price >= (0)::numeric))"),
        ]
    );
    let fk = |t: &Table, cols: &[&str]| {
        t.foreign_keys
            .iter()
            .find(|f| f.columns == cols)
            .cloned()
            .expect("fk")
    };
    let member = fk(items, &["org_id", "qty"]);
    assert!(member.deferrable && member.initially_deferred);
    assert_eq!(
        fk(items, &["org_id"]).on_delete,
        FkAction::SetNull,
        "ON DELETE SET NULL"
    );
    let members = table(&live, "Members");
    let m = fk(members, &["org_id"]);
    assert_eq!(
        (m.on_delete, m.on_update),
        (FkAction::Cascade, FkAction::Cascade)
    );
    assert_eq!(members.checks.len(), 2);
    let counts = constraint_counts(&live);
    assert_eq!(
        (
            counts.primary_keys,
            counts.unique,
            counts.foreign_keys,
            counts.checks
        ),
        (3, 2, 3, 5)
    );

    // A pg_dump of it and the hand-written schema: nothing missing.
    let dir = tempfile::tempdir().expect("tempdir");
    let dump = dir.path().join("dump.sql");
    pg_dump(&pg, &dump, &[]);
    let dumped = Backup::open(&dump).expect("open dump");
    let dumped = dumped.schema.as_ref().expect("dump schema");
    assert_eq!(constraint_counts(dumped), counts);
    assert!(
        all_missing(dumped, &live).is_empty(),
        "{:#?}",
        all_missing(dumped, &live)
    );
    let hand = write_backup(&[
        ("schema.sql", HAND_WRITTEN.to_string()),
        ("orgs.json", "[]".into()),
    ]);
    let hand = Backup::open(hand.path()).expect("open schema.sql backup");
    let hand = hand.schema.as_ref().expect("schema.sql");
    assert_eq!(constraint_counts(hand), counts);
    assert!(
        all_missing(hand, &live).is_empty(),
        "{:#?}",
        all_missing(hand, &live)
    );

    // Drop some live: exactly those are reported, definitions usable live.
    pg.exec(
        "ALTER TABLE items DROP CONSTRAINT price_ok, DROP CONSTRAINT items_qty_check, \
         DROP CONSTRAINT items_code_key, DROP CONSTRAINT items_org_id_fkey;
         ALTER TABLE \"Members\" DROP CONSTRAINT \"Members_org_id_fkey\";",
    )
    .await;
    let live = db.catalog().await.expect("catalog after drops");
    let want = vec![
        (
            "Members".to_string(),
            ConstraintKind::ForeignKey,
            "FOREIGN KEY (\"org_id\") REFERENCES \"public\".\"orgs\" (\"id\") ON DELETE CASCADE ON UPDATE CASCADE"
                .to_string(),
        ),
        ("items".into(), ConstraintKind::Check, "CHECK (((qty >= 1) AND (qty <= 1000)))".into()),
        ("items".into(), ConstraintKind::Check, "CHECK ((price >= (0)::NUMERIC))".into()),
        (
            "items".into(),
            ConstraintKind::ForeignKey,
            "FOREIGN KEY (\"org_id\") REFERENCES \"public\".\"orgs\" (\"id\") ON DELETE SET NULL".into(),
        ),
        ("items".into(), ConstraintKind::Unique, "UNIQUE (\"code\")".into()),
    ];
    let from_dump = all_missing(dumped, &live);
    assert_eq!(short(&from_dump), want);
    // The hand-written file names the same five (its own spelling of the CHECKs).
    let from_hand = all_missing(hand, &live);
    let kinds = |v: &[(String, MissingConstraint)]| {
        let mut k: Vec<_> = v.iter().map(|(t, m)| (t.clone(), m.kind.clone())).collect();
        k.sort_by(|a, b| a.0.cmp(&b.0));
        k
    };
    assert_eq!(kinds(&from_hand), kinds(&from_dump));

    // Plant violations: 2 negative prices, 1 qty out of range, codes X×3 and
    // Y×2 (and NULLs, which never collide), orphans of orgs on both tables.
    let org = "00000000-0000-4000-8000-000000000001";
    pg.exec(&format!(
        "INSERT INTO orgs VALUES ('{org}', 'one');
         INSERT INTO \"Members\" VALUES ('{org}', 1, 'a', 'member'),
           ('00000000-0000-4000-8000-0000000000ff', 2, 'b', 'admin'),
           ('00000000-0000-4000-8000-0000000000ee', 3, 'c', 'admin');
         INSERT INTO items (id, org_id, price, qty, code) VALUES
           (1, '{org}', 5, 1, 'X'), (2, NULL, -1, NULL, 'X'), (3, NULL, -2.5, NULL, 'X'),
           (4, NULL, 1, 0, 'Y'), (5, NULL, NULL, NULL, 'Y'), (6, NULL, 3, NULL, NULL),
           (7, NULL, 3, NULL, NULL), (8, '00000000-0000-4000-8000-0000000000aa', 1, NULL, 'Z'),
           (9, '00000000-0000-4000-8000-0000000000AA'::uuid, 1, NULL, 'W');"
    ))
    .await;
    let mut got = Vec::new();
    for (t, m) in &from_dump {
        let v = db
            .violations(&live, &TableName::new(None, t), m)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", m.definition));
        got.push((m.definition.clone(), v.count, v.samples));
    }
    let keys = |k: &[&str]| -> Vec<Vec<String>> { k.iter().map(|s| vec![s.to_string()]).collect() };
    let find = |prefix: &str| {
        got.iter()
            .find(|(d, _, _)| d.starts_with(prefix))
            .map(|(_, n, s)| (*n, s.clone()))
            .unwrap_or_else(|| panic!("{prefix} in {got:?}"))
    };
    assert_eq!(find("CHECK ((price"), (2, keys(&["2", "3"])));
    assert_eq!(find("CHECK (((qty"), (1, keys(&["4"])));
    assert_eq!(find("UNIQUE"), (5, keys(&["X", "X", "X", "Y", "Y"])));
    let ee = "00000000-0000-4000-8000-0000000000ee";
    let ff = "00000000-0000-4000-8000-0000000000ff";
    let aa = "00000000-0000-4000-8000-0000000000aa";
    let members_fk = got
        .iter()
        .find(|(d, _, _)| d.contains("CASCADE ON UPDATE"))
        .expect("Members fk");
    assert_eq!((members_fk.1, members_fk.2.clone()), (2, keys(&[ee, ff])));
    assert_eq!(
        find("FOREIGN KEY (\"org_id\") REFERENCES \"public\".\"orgs\" (\"id\") ON DELETE SET NULL"),
        (2, keys(&[aa, aa]))
    );

    // The parent keys those orphans miss: distinct, capped.
    let fk_of = |t: &str| {
        &from_dump
            .iter()
            .find(|(n, m)| n == t && m.kind == ConstraintKind::ForeignKey)
            .expect("missing fk")
            .1
    };
    let q = match lifeboat::live::violation_query(&live, &public("items"), fk_of("items")) {
        Ok(ViolationQuery::Orphans(q)) => q,
        other => panic!("{other:?}"),
    };
    let q: OrphanQuery = q;
    assert_eq!(
        db.missing_parent_keys(&q, 10)
            .await
            .expect("keys")
            .into_iter()
            .map(|m| m.key)
            .collect::<Vec<_>>(),
        keys(&[aa])
    );
    let mq = match lifeboat::live::violation_query(&live, &public("Members"), fk_of("Members")) {
        Ok(ViolationQuery::Orphans(q)) => q,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        db.missing_parent_keys(&mq, 1)
            .await
            .expect("keys")
            .into_iter()
            .map(|m| m.key)
            .collect::<Vec<_>>(),
        keys(&[ee])
    );

    // Recreating them now fails exactly because of those rows: after fixing
    // them, PostgreSQL accepts each definition as lifeboat wrote it.
    pg.exec(&format!(
        "DELETE FROM items WHERE id IN (2, 3, 4, 5, 8, 9); DELETE FROM \"Members\" WHERE org_id <> '{org}';"
    ))
    .await;
    for (t, m) in &from_dump {
        let v = db
            .violations(&live, &TableName::new(None, t), m)
            .await
            .expect("count");
        assert_eq!(v.count, 0, "{}", m.definition);
        let name = m
            .name
            .as_deref()
            .map(|n| format!("CONSTRAINT {} ", lifeboat::catalog::quote_ident(n)))
            .unwrap_or_default();
        // PostgreSQL takes NOT VALID only for foreign keys and CHECKs.
        let not_valid = match m.kind {
            ConstraintKind::ForeignKey | ConstraintKind::Check => " NOT VALID",
            _ => "",
        };
        let sql = format!(
            "ALTER TABLE {} ADD {name}{}{not_valid}",
            public(t).quoted(),
            m.definition
        );
        pg.exec(&sql).await;
    }
    let repaired = db.catalog().await.expect("catalog after repair");
    assert_eq!(constraint_counts(&repaired), counts);
    assert!(all_missing(dumped, &repaired).is_empty());
}

#[tokio::test]
async fn a_check_that_is_not_one_safe_expression_is_refused_by_name() {
    let pg = TestPg::new().await;
    pg.exec("CREATE TABLE t (id int PRIMARY KEY, a int)").await;
    let db = connect(&pg).await;
    let live = db.catalog().await.expect("catalog");
    let bad = MissingConstraint {
        kind: ConstraintKind::Check,
        name: Some("sneaky".into()),
        columns: Vec::new(),
        references: None,
        definition: String::new(),
        referenced_table: None,
        referenced_columns: Vec::new(),
        expression: Some("a > 0) OR (pg_sleep(5) IS NULL".into()),
        problem: None,
        missing_columns: Vec::new(),
    };
    let err = db
        .violations(&live, &public("t"), &bad)
        .await
        .expect_err("refused")
        .to_string();
    assert!(err.contains("CHECK constraint sneaky on public.t"), "{err}");
    let admin = MissingConstraint {
        expression: Some("pg_terminate_backend(a) IS NULL".into()),
        ..bad
    };
    let err = db
        .violations(&live, &public("t"), &admin)
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("not allowed"), "{err}");
}

/// Incident 4's shape: a varchar(36) child of a uuid parent. Keys compare as
/// lower-cased text, so an upper-cased key naming a real parent is no
/// violation, and the parent keys missing come back once, lower-cased.
#[tokio::test]
async fn fk_across_varchar_and_uuid_counts_and_names_missing_parents_case_folded() {
    let pg = TestPg::new().await;
    let (a, b) = (
        "aaaaaaaa-0000-4000-8000-000000000001",
        "bbbbbbbb-0000-4000-8000-000000000002",
    );
    pg.exec(&format!(
        "CREATE TABLE p (id uuid PRIMARY KEY);
         CREATE TABLE c (id int PRIMARY KEY, p_id varchar(36));
         INSERT INTO p VALUES ('{a}');
         INSERT INTO c VALUES (1, upper('{a}')), (2, upper('{b}')), (3, '{b}'), (4, NULL);"
    ))
    .await;
    let db = connect(&pg).await;
    let live = db.catalog().await.expect("catalog");
    let dir = write_backup(&[(
        "schema.sql",
        "CREATE TABLE p (id uuid PRIMARY KEY);\n\
         CREATE TABLE c (id int PRIMARY KEY, p_id uuid REFERENCES p (id));"
            .to_string(),
    )]);
    let backup = Backup::open(dir.path()).expect("open backup");
    let missing = all_missing(backup.schema.as_ref().expect("schema"), &live);
    assert_eq!(missing.len(), 1, "{missing:#?}");
    let v = db
        .violations(&live, &public("c"), &missing[0].1)
        .await
        .expect("count");
    assert_eq!(v.count, 2);
    // Sample order follows the database's collation; compare as a set.
    let mut samples = v.samples.clone();
    samples.sort();
    assert_eq!(samples, [vec![b.to_uppercase()], vec![b.to_string()]]);
    let Ok(ViolationQuery::Orphans(q)) =
        lifeboat::live::violation_query(&live, &public("c"), &missing[0].1)
    else {
        panic!("an orphan query");
    };
    assert_eq!(
        db.missing_parent_keys(&q, 10)
            .await
            .expect("keys")
            .into_iter()
            .map(|m| m.key)
            .collect::<Vec<_>>(),
        [vec![b.to_string()]]
    );
}
