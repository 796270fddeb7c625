use super::*;
use crate::catalog::FkAction;

fn col(name: &str, data_type: &str, nullable: bool, default: Option<&str>) -> Column {
    Column {
        name: name.to_owned(),
        data_type: data_type.to_owned(),
        nullable,
        default: default.map(str::to_owned),
        identity: None,
        generated: None,
    }
}

fn vss() -> Table {
    let name = TableName::new(Some("public"), "vector-sync-status");
    Table {
        name: name.clone(),
        columns: vec![
            col(
                "id",
                "integer",
                false,
                Some("nextval('public.\"vector-sync-status_id_seq\"'::regclass)"),
            ),
            col("projectId", "uuid", false, None),
            col(
                "mode",
                "character varying(50)",
                true,
                Some("'project-based'::character varying"),
            ),
            col("syncedAt", "timestamp with time zone", true, Some("now()")),
        ],
        primary_key: Some(KeyConstraint {
            name: Some("vss_pkey".into()),
            columns: vec!["id".into()],
        }),
        unique: vec![KeyConstraint {
            name: None,
            columns: vec!["projectId".into(), "mode".into()],
        }],
        foreign_keys: vec![ForeignKey {
            name: Some("vss_project_fkey".into()),
            columns: vec!["projectId".into()],
            referenced_table: TableName::new(Some("public"), "projects"),
            referenced_columns: vec!["id".into()],
            deferrable: true,
            initially_deferred: true,
            on_delete: FkAction::Cascade,
            on_update: FkAction::NoAction,
        }],
        checks: vec![CheckConstraint {
            name: Some("mode_not_empty".into()),
            expression: "(length((mode)::text) > 0)".into(),
        }],
    }
}

#[test]
fn postgres_create_table_quotes_everything_and_leaves_fks_out_unless_asked() {
    let ct = create_table(&vss(), Dialect::Postgres, false).expect("renders");
    assert_eq!(
        ct.sql,
        "CREATE TABLE \"public\".\"vector-sync-status\" (\n    \
         \"id\" integer DEFAULT nextval('public.\"vector-sync-status_id_seq\"'::REGCLASS) NOT NULL,\n    \
         \"projectId\" uuid NOT NULL,\n    \
         \"mode\" character varying(50) DEFAULT 'project-based'::CHARACTER VARYING,\n    \
         \"syncedAt\" timestamp with time zone DEFAULT now(),\n    \
         CONSTRAINT \"vss_pkey\" PRIMARY KEY (\"id\"),\n    \
         UNIQUE (\"projectId\", \"mode\"),\n    \
         CONSTRAINT \"mode_not_empty\" CHECK ((length((mode)::TEXT) > 0))\n);"
    );
    assert!(ct.notes.is_empty(), "{:?}", ct.notes);
    let with_fks = create_table(&vss(), Dialect::Postgres, true).expect("renders");
    assert!(with_fks.sql.contains(
        "CONSTRAINT \"vss_project_fkey\" FOREIGN KEY (\"projectId\") REFERENCES \"public\".\"projects\" (\"id\") \
         ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED\n);"
    ), "{}", with_fks.sql);
}

#[test]
fn sqlite_create_table_drops_what_sqlite_cannot_run_with_notes() {
    let ct = create_table(&vss(), Dialect::Sqlite, true).expect("renders");
    assert!(
        ct.sql
            .starts_with("CREATE TABLE \"vector-sync-status\" (\n    \"id\" integer,"),
        "{}",
        ct.sql
    );
    assert!(
        ct.sql
            .contains("\"mode\" character varying(50) DEFAULT 'project-based',"),
        "{}",
        ct.sql
    );
    assert!(
        ct.sql
            .contains("\"syncedAt\" timestamp with time zone DEFAULT CURRENT_TIMESTAMP,"),
        "{}",
        ct.sql
    );
    assert!(
        ct.sql
            .contains("REFERENCES \"projects\" (\"id\") ON DELETE CASCADE"),
        "{}",
        ct.sql
    );
    assert!(
        !ct.sql.contains("CHECK"),
        "a PostgreSQL cast in a CHECK is left out: {}",
        ct.sql
    );
    assert_eq!(ct.notes.len(), 4, "{:?}", ct.notes);
    assert!(ct.notes.iter().any(|n| n.contains("sequence")));
    assert!(ct.notes.iter().any(|n| n.contains("CURRENT_TIMESTAMP")));
    assert!(ct
        .notes
        .iter()
        .any(|n| n.contains("loses its PostgreSQL cast")));
    assert!(ct.notes.iter().any(|n| n.contains("CHECK")));
}

#[test]
fn identity_and_generated_columns() {
    let mut t = vss();
    t.columns[0].default = None;
    t.columns[0].identity = Some(Identity::Always);
    t.columns[1].generated = Some("md5(mode)".into());
    let pg = create_table(&t, Dialect::Postgres, false).expect("renders");
    assert!(
        pg.sql
            .contains("\"id\" integer GENERATED ALWAYS AS IDENTITY NOT NULL"),
        "{}",
        pg.sql
    );
    assert!(
        pg.sql
            .contains("\"projectId\" uuid GENERATED ALWAYS AS (md5(mode)) STORED NOT NULL"),
        "{}",
        pg.sql
    );
    // On SQLite an identity INTEGER primary key is the rowid alias with
    // AUTOINCREMENT, which only the column itself can declare.
    let lite = create_table(&t, Dialect::Sqlite, false).expect("renders");
    assert!(
        lite.sql
            .contains("\"id\" integer PRIMARY KEY AUTOINCREMENT,\n"),
        "{}",
        lite.sql
    );
    assert!(!lite.sql.contains("PRIMARY KEY (\"id\")"), "{}", lite.sql);
    assert!(lite.notes.iter().all(|n| !n.contains("identity")));
    // Any other identity column has no SQLite equivalent: said so.
    t.columns[0].data_type = "bigint".into();
    let lite = create_table(&t, Dialect::Sqlite, false).expect("renders");
    assert!(
        lite.sql.contains("\"id\" bigint NOT NULL,\n"),
        "{}",
        lite.sql
    );
    assert!(lite.sql.contains("PRIMARY KEY (\"id\")"), "{}", lite.sql);
    assert!(
        lite.notes.iter().any(|n| n.contains("identity")),
        "{:?}",
        lite.notes
    );
}

#[test]
fn malicious_parts_are_errors_naming_table_and_part() {
    let mut t = vss();
    t.columns[2].default = Some("'x'); DROP TABLE users; --".into());
    let e = create_table(&t, Dialect::Postgres, false).expect_err("refused");
    assert_eq!(e.table, t.name);
    assert_eq!(e.part.as_deref(), Some("column \"mode\""));
    assert!(
        e.to_string().starts_with(
            "cannot recreate column \"mode\" of table public.vector-sync-status: default "
        ),
        "{e}"
    );

    let mut t = vss();
    t.columns[1].data_type = "uuid PRIMARY KEY".into();
    let e = create_table(&t, Dialect::Postgres, false).expect_err("refused");
    assert!(
        e.to_string().contains("PRIMARY KEY") || e.reason.contains("primary"),
        "{e}"
    );

    let mut t = vss();
    t.checks[0].expression = "true) ; DROP TABLE users; --".into();
    let e = create_table(&t, Dialect::Postgres, false).expect_err("refused");
    assert_eq!(
        e.part.as_deref(),
        Some("CHECK constraint \"mode_not_empty\""),
        "{e}"
    );
}

#[test]
fn hostile_names_are_quoted() {
    let mut t = vss();
    t.name = TableName::new(Some("pub\"lic"), "t\"; DROP TABLE x; --");
    t.columns[1].name = "a\"b".into();
    let ct = create_table(&t, Dialect::Postgres, false).expect("renders");
    assert!(
        ct.sql
            .starts_with("CREATE TABLE \"pub\"\"lic\".\"t\"\"; DROP TABLE x; --\" ("),
        "{}",
        ct.sql
    );
    assert!(ct.sql.contains("\"a\"\"b\" uuid NOT NULL"), "{}", ct.sql);
}

#[test]
fn enums_escape_their_labels() {
    let labels = vec![
        "sad".to_owned(),
        "it's".to_owned(),
        "back\\slash".to_owned(),
        "new\nline".to_owned(),
    ];
    assert_eq!(
        create_enum("public.mood", &labels).as_deref(),
        Ok("CREATE TYPE \"public\".\"mood\" AS ENUM ('sad', 'it''s', 'back\\slash', 'new\nline');")
    );
    assert_eq!(
        create_enum("Mood", &[]).as_deref(),
        Ok("CREATE TYPE \"Mood\" AS ENUM ();")
    );
    assert!(create_enum("m", &["a\0".to_owned()]).is_err());
    assert_eq!(drop_type("public.mood"), "DROP TYPE \"public\".\"mood\";");
}

#[test]
fn sequences_come_from_nextval_defaults() {
    let t = vss();
    let seqs = sequences_for(&t);
    assert_eq!(
        seqs,
        vec![SequenceUse {
            sequence: TableName::new(Some("public"), "vector-sync-status_id_seq"),
            column: "id".into(),
            as_type: Some("integer"),
        }]
    );
    assert_eq!(
        create_sequence(&seqs[0]),
        "CREATE SEQUENCE IF NOT EXISTS \"public\".\"vector-sync-status_id_seq\" AS integer;"
    );
    assert_eq!(
        sequence_owned_by(&t.name, &seqs[0]),
        "ALTER SEQUENCE \"public\".\"vector-sync-status_id_seq\" OWNED BY \"public\".\"vector-sync-status\".\"id\";"
    );
    assert_eq!(
        drop_sequence(&seqs[0].sequence),
        "DROP SEQUENCE \"public\".\"vector-sync-status_id_seq\";"
    );
    assert_eq!(
        regclass_name("Plain_Seq"),
        Some(TableName::new(None, "plain_seq"))
    );
    assert_eq!(
        regclass_name("\"A\"\"b\".\"C.d\""),
        Some(TableName::new(Some("A\"b"), "C.d"))
    );
    for bad in ["", "a.", "\"open", "a.b.c", "a b", "x'; DROP"] {
        assert_eq!(regclass_name(bad), None, "{bad}");
    }
}

#[test]
fn postgres_add_column_defers_not_null_without_default() {
    let t = TableName::new(Some("public"), "projects");
    let a = add_column(
        &t,
        &col(
            "billingType",
            "character varying(50)",
            false,
            Some("'project-based'::character varying"),
        ),
        Dialect::Postgres,
    )
    .expect("renders");
    assert_eq!(a.sql, "ALTER TABLE \"public\".\"projects\" ADD COLUMN \"billingType\" character varying(50) DEFAULT 'project-based'::CHARACTER VARYING NOT NULL;");
    assert_eq!(a.set_not_null, None);
    let b = add_column(&t, &col("owner", "text", false, None), Dialect::Postgres).expect("renders");
    assert_eq!(
        b.sql,
        "ALTER TABLE \"public\".\"projects\" ADD COLUMN \"owner\" text;"
    );
    assert_eq!(
        b.set_not_null.as_deref(),
        Some("ALTER TABLE \"public\".\"projects\" ALTER COLUMN \"owner\" SET NOT NULL;")
    );
}

#[test]
fn sqlite_add_column_rules() {
    let t = TableName::new(None, "projects");
    let ok = add_column(
        &t,
        &col("budget", "NUMERIC(10,2)", false, Some("0")),
        Dialect::Sqlite,
    )
    .expect("constant default");
    assert_eq!(
        ok.sql,
        "ALTER TABLE \"projects\" ADD COLUMN \"budget\" numeric(10,2) DEFAULT 0 NOT NULL;"
    );
    let ts = add_column(
        &t,
        &col("at", "DATETIME", true, Some("CURRENT_TIMESTAMP")),
        Dialect::Sqlite,
    )
    .expect("default left out");
    assert_eq!(
        ts.sql,
        "ALTER TABLE \"projects\" ADD COLUMN \"at\" datetime;"
    );
    assert!(
        ts.notes[0].contains("only a constant default"),
        "{:?}",
        ts.notes
    );
    let e =
        add_column(&t, &col("owner", "TEXT", false, None), Dialect::Sqlite).expect_err("refused");
    assert!(
        e.reason
            .contains("NOT NULL column without a constant non-NULL default"),
        "{e}"
    );
    let e = add_column(
        &t,
        &col("at2", "DATETIME", false, Some("CURRENT_TIMESTAMP")),
        Dialect::Sqlite,
    )
    .expect_err("refused");
    assert!(e.reason.contains("NOT NULL"), "{e}");
    let mut g = col("g", "TEXT", true, None);
    g.generated = Some("lower(x)".into());
    assert!(add_column(&t, &g, Dialect::Sqlite)
        .expect_err("refused")
        .reason
        .contains("generated"));
}

#[test]
fn sqlite_add_column_to_knows_keys() {
    let mut t = vss();
    t.name = TableName::new(None, "vss");
    let e = add_column_to(&t, "id", Dialect::Sqlite).expect_err("pk");
    assert!(e.reason.contains("PRIMARY KEY"), "{e}");
    let e = add_column_to(&t, "mode", Dialect::Sqlite).expect_err("unique");
    assert!(e.reason.contains("UNIQUE"), "{e}");
    t.unique.clear();
    t.columns[1].nullable = true;
    let fk = add_column_to(&t, "projectId", Dialect::Sqlite).expect("inline references");
    assert_eq!(fk.sql, "ALTER TABLE \"vss\" ADD COLUMN \"projectId\" uuid REFERENCES \"projects\" (\"id\") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;");
    t.columns[1].default = Some("'00000000-0000-0000-0000-000000000000'".into());
    let e = add_column_to(&t, "projectId", Dialect::Sqlite).expect_err("non-null default");
    assert!(
        e.reason
            .contains("REFERENCES column with a non-NULL default"),
        "{e}"
    );
    assert!(add_column_to(&t, "nope", Dialect::Sqlite).is_err());
}

#[test]
fn constraint_statements() {
    let t = TableName::new(Some("public"), "users");
    let fk = &vss().foreign_keys[0];
    assert_eq!(
        add_constraint_sql(&t, "users_org_fkey", &foreign_key_definition(fk, Dialect::Postgres), true),
        "ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"users_org_fkey\" FOREIGN KEY (\"projectId\") REFERENCES \"public\".\"projects\" (\"id\") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED NOT VALID;"
    );
    assert_eq!(
        validate_constraint(&t, "users_org_fkey"),
        "ALTER TABLE \"public\".\"users\" VALIDATE CONSTRAINT \"users_org_fkey\";"
    );
    assert_eq!(
        drop_constraint(&t, "c"),
        "ALTER TABLE \"public\".\"users\" DROP CONSTRAINT \"c\";"
    );
    assert_eq!(
        drop_table(&t, Dialect::Postgres),
        "DROP TABLE \"public\".\"users\";"
    );
    assert_eq!(drop_table(&t, Dialect::Sqlite), "DROP TABLE \"users\";");
    assert_eq!(
        drop_column(&t, "x\"y", Dialect::Postgres),
        "ALTER TABLE \"public\".\"users\" DROP COLUMN \"x\"\"y\";"
    );
}

#[test]
fn keys_and_sqlite_constraint_refusal() {
    let t = TableName::new(None, "users");
    let cols = ["organization_id".to_owned(), "Id".to_owned()];
    assert_eq!(
        key_constraint_definition(true, &cols),
        "PRIMARY KEY (\"organization_id\", \"Id\")"
    );
    assert_eq!(
        key_constraint_definition(false, &cols[..1]),
        "UNIQUE (\"organization_id\")"
    );
    assert_eq!(
        add_constraint(&t, "k", "UNIQUE (\"a\")", false, Dialect::Postgres).as_deref(),
        Ok("ALTER TABLE \"users\" ADD CONSTRAINT \"k\" UNIQUE (\"a\");")
    );
    let e = add_constraint(&t, "k", "UNIQUE (\"a\")", false, Dialect::Sqlite).expect_err("sqlite");
    assert_eq!(e.to_string(), "cannot recreate constraint \"k\" of table users: SQLite cannot add a constraint to an existing table (it has no ALTER TABLE ADD CONSTRAINT); the table would have to be rebuilt by hand");
}

#[test]
fn default_constraint_names_follow_postgres() {
    let t = TableName::new(Some("public"), "users");
    assert_eq!(
        default_constraint_name(&t, &["organization_id".into()], "fkey"),
        "users_organization_id_fkey"
    );
    assert_eq!(
        default_constraint_name(&t, &["a".into(), "b".into()], "key"),
        "users_a_b_key"
    );
    assert_eq!(default_constraint_name(&t, &[], "pkey"), "users_pkey");
    // Long: PostgreSQL trims the longer part first, to 63 bytes.
    let long = TableName::new(None, &"t".repeat(40));
    let n = default_constraint_name(&long, &["c".repeat(40)], "fkey");
    assert_eq!(n, format!("{}_{}_fkey", "t".repeat(29), "c".repeat(28)));
    assert_eq!(n.len(), 63);
    // Multibyte names are cut on a character boundary.
    let wide = TableName::new(None, &"é".repeat(40));
    let n = default_constraint_name(&wide, &[], "pkey");
    assert!(n.len() <= 63 && n.ends_with("_pkey"), "{n}");
}
