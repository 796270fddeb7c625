//! Incident 4 (SCENARIOS.md): a conversion script dropped most foreign
//! keys of a 17-table app, users ↔ organizations reference each other, and
//! orphans crept in — some whose parent the backup still has (the parent
//! row was deleted live after the backup), some whose parent is nowhere
//! (rows written after the conversion with dangling ids). Every planted
//! orphan is listed here with its key, so the tests can ask for exactly
//! these and no others.

mod orphans;
#[allow(unused_imports)] // not every test binary uses them
pub use orphans::{planted_orphans, Orphan, Planted};

/// Keys of the two uuid-keyed tables.
pub fn org(n: u32) -> String {
    format!("00000000-0000-4000-8000-0000000000{n:02}")
}

pub fn user(n: u32) -> String {
    format!("11111111-0000-4000-8000-0000000000{n:02}")
}

/// The schema before the conversion. Foreign keys carry PostgreSQL's
/// default names (`TABLE_COLUMN_fkey`). No serial columns: `check --fast`
/// then has no sequence to read a max() of.
pub const SCHEMA: &str = r#"
CREATE TABLE organizations (id uuid PRIMARY KEY, name text NOT NULL, owner_id uuid);
CREATE TABLE users (id uuid PRIMARY KEY, email text NOT NULL UNIQUE, organization_id uuid REFERENCES organizations(id));
ALTER TABLE organizations ADD CONSTRAINT organizations_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users(id);
CREATE TABLE teams (id integer PRIMARY KEY, organization_id uuid NOT NULL REFERENCES organizations(id), name text);
CREATE TABLE team_members (team_id integer REFERENCES teams(id), user_id uuid REFERENCES users(id), PRIMARY KEY (team_id, user_id));
CREATE TABLE projects (id integer PRIMARY KEY, organization_id uuid NOT NULL REFERENCES organizations(id), created_by uuid REFERENCES users(id), name text NOT NULL);
CREATE TABLE tasks (id integer PRIMARY KEY, project_id integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE, assignee_id uuid REFERENCES users(id), title text);
CREATE TABLE comments (id integer PRIMARY KEY, task_id integer NOT NULL REFERENCES tasks(id), author_id uuid REFERENCES users(id), body text);
CREATE TABLE attachments (id integer PRIMARY KEY, comment_id integer NOT NULL REFERENCES comments(id), file_name text);
CREATE TABLE labels (id integer PRIMARY KEY, organization_id uuid NOT NULL REFERENCES organizations(id), label text);
CREATE TABLE task_labels (task_id integer REFERENCES tasks(id), label_id integer REFERENCES labels(id), PRIMARY KEY (task_id, label_id));
CREATE TABLE invoices (id integer PRIMARY KEY, organization_id uuid NOT NULL REFERENCES organizations(id), total numeric(12,2));
CREATE TABLE invoice_lines (id integer PRIMARY KEY, invoice_id integer NOT NULL REFERENCES invoices(id), project_id integer REFERENCES projects(id), amount numeric(12,2));
CREATE TABLE payments (id integer PRIMARY KEY, invoice_id integer NOT NULL REFERENCES invoices(id), paid_on date);
CREATE TABLE api_keys (id integer PRIMARY KEY, user_id uuid NOT NULL REFERENCES users(id), prefix text);
CREATE TABLE audit_events (id integer PRIMARY KEY, actor_id uuid REFERENCES users(id), organization_id uuid REFERENCES organizations(id), action text);
CREATE TABLE notifications (id integer PRIMARY KEY, user_id uuid NOT NULL REFERENCES users(id), task_id integer REFERENCES tasks(id), seen boolean NOT NULL DEFAULT false);
CREATE TABLE sessions (id integer PRIMARY KEY, user_id uuid NOT NULL REFERENCES users(id), expires_at timestamptz);
"#;

pub const TABLES: usize = 17;
pub const FOREIGN_KEYS: usize = 25;

/// The five foreign keys the conversion recreated (table, column).
pub const KEPT: [(&str, &str); 5] = [
    ("team_members", "team_id"),
    ("team_members", "user_id"),
    ("task_labels", "task_id"),
    ("task_labels", "label_id"),
    ("sessions", "user_id"),
];

/// The twenty it dropped and never recreated (table, column).
pub const DROPPED: [(&str, &str); 20] = [
    ("organizations", "owner_id"),
    ("users", "organization_id"),
    ("teams", "organization_id"),
    ("projects", "organization_id"),
    ("projects", "created_by"),
    ("tasks", "project_id"),
    ("tasks", "assignee_id"),
    ("comments", "task_id"),
    ("comments", "author_id"),
    ("attachments", "comment_id"),
    ("labels", "organization_id"),
    ("invoices", "organization_id"),
    ("invoice_lines", "invoice_id"),
    ("invoice_lines", "project_id"),
    ("payments", "invoice_id"),
    ("api_keys", "user_id"),
    ("audit_events", "actor_id"),
    ("audit_events", "organization_id"),
    ("notifications", "user_id"),
    ("notifications", "task_id"),
];

/// The consistent data before the conversion. The cycle: organization 4
/// is owned by user 7, who belongs to organization 4.
pub fn data() -> String {
    let (o, u) = (org, user);
    let mut sql = String::from("BEGIN;\n");
    let owners = [(1, 1), (2, 2), (3, 3), (4, 7)];
    for (n, _) in owners {
        sql.push_str(&format!(
            "INSERT INTO organizations VALUES ('{}', 'Org {n}', NULL);\n",
            o(n)
        ));
    }
    for (n, g) in [
        (1, 1),
        (2, 2),
        (3, 3),
        (4, 1),
        (5, 2),
        (6, 3),
        (7, 4),
        (8, 4),
    ] {
        sql.push_str(&format!(
            "INSERT INTO users VALUES ('{}', 'u{n}@example.com', '{}');\n",
            u(n),
            o(g)
        ));
    }
    for (n, owner) in owners {
        sql.push_str(&format!(
            "UPDATE organizations SET owner_id = '{}' WHERE id = '{}';\n",
            u(owner),
            o(n)
        ));
    }
    let mut rows = |table: &str, values: Vec<String>| {
        sql.push_str(&format!(
            "INSERT INTO {table} VALUES {};\n",
            values.join(", ")
        ));
    };
    rows(
        "teams",
        [(1, 1), (2, 2), (3, 3), (4, 1), (5, 4), (6, 4)]
            .iter()
            .map(|(t, g)| format!("({t}, '{}', 'team {t}')", o(*g)))
            .collect(),
    );
    rows(
        "team_members",
        [
            (1, 1),
            (1, 4),
            (2, 2),
            (2, 5),
            (3, 3),
            (3, 6),
            (5, 8),
            (6, 8),
        ]
        .iter()
        .map(|(t, m)| format!("({t}, '{}')", u(*m)))
        .collect(),
    );
    rows(
        "projects",
        [
            (1, 1, 1),
            (2, 2, 2),
            (3, 3, 3),
            (4, 2, 5),
            (5, 4, 8),
            (6, 1, 7),
        ]
        .iter()
        .map(|(p, g, by)| format!("({p}, '{}', '{}', 'project {p}')", o(*g), u(*by)))
        .collect(),
    );
    let tasks = [
        (1, 1, 1),
        (2, 1, 4),
        (3, 2, 2),
        (4, 2, 7),
        (5, 3, 3),
        (6, 3, 6),
        (7, 4, 5),
        (8, 4, 2),
        (9, 4, 7),
        (10, 5, 8),
        (11, 6, 1),
        (12, 6, 4),
    ];
    rows(
        "tasks",
        tasks
            .iter()
            .map(|(t, p, a)| format!("({t}, {p}, '{}', 'task {t}')", u(*a)))
            .collect(),
    );
    let comments = [
        (1, 1, 1),
        (2, 1, 4),
        (3, 3, 7),
        (4, 5, 3),
        (5, 7, 5),
        (6, 9, 7),
        (7, 10, 8),
        (8, 11, 1),
        (9, 12, 4),
        (10, 2, 2),
    ];
    rows(
        "comments",
        comments
            .iter()
            .map(|(c, t, a)| format!("({c}, {t}, '{}', 'it''s comment {c}')", u(*a)))
            .collect(),
    );
    rows(
        "attachments",
        [(1, 1), (2, 3), (3, 5), (4, 7)]
            .iter()
            .map(|(a, c)| format!("({a}, {c}, 'file-{a}.png')"))
            .collect(),
    );
    rows(
        "labels",
        [(1, 1), (2, 1), (3, 2), (4, 3), (5, 4), (6, 4)]
            .iter()
            .map(|(l, g)| format!("({l}, '{}', 'label {l}')", o(*g)))
            .collect(),
    );
    rows(
        "task_labels",
        [
            (1, 1),
            (2, 2),
            (3, 3),
            (5, 4),
            (7, 3),
            (10, 5),
            (10, 6),
            (11, 1),
        ]
        .iter()
        .map(|(t, l)| format!("({t}, {l})"))
        .collect(),
    );
    rows(
        "invoices",
        [(1, 1), (2, 1), (3, 4), (4, 2)]
            .iter()
            .map(|(i, g)| format!("({i}, '{}', {i}00.50)", o(*g)))
            .collect(),
    );
    rows(
        "invoice_lines",
        [
            (1, 1, 1),
            (2, 1, 6),
            (3, 2, 1),
            (4, 2, 6),
            (5, 4, 4),
            (6, 4, 4),
            (7, 3, 5),
            (8, 4, 2),
        ]
        .iter()
        .map(|(l, i, p)| format!("({l}, {i}, {p}, {l}0.25)"))
        .collect(),
    );
    rows(
        "payments",
        [(1, 1), (2, 2), (3, 2), (4, 4), (5, 3)]
            .iter()
            .map(|(p, i)| format!("({p}, {i}, '2025-0{p}-15')"))
            .collect(),
    );
    rows(
        "api_keys",
        [(1, 1), (2, 7), (3, 7), (4, 7), (5, 2), (6, 8)]
            .iter()
            .map(|(k, us)| format!("({k}, '{}', 'lb_{k}')", u(*us)))
            .collect(),
    );
    rows(
        "audit_events",
        [
            (1, Some(1), 1),
            (2, Some(7), 1),
            (3, Some(7), 2),
            (4, Some(8), 4),
            (5, Some(2), 2),
            (6, None, 3),
        ]
        .iter()
        .map(|(e, a, g)| {
            format!(
                "({e}, {}, '{}', 'event {e}')",
                a.map(|a| format!("'{}'", u(a)))
                    .unwrap_or_else(|| "NULL".into()),
                o(*g)
            )
        })
        .collect(),
    );
    rows(
        "notifications",
        [
            (1, 1, 1),
            (2, 7, 4),
            (3, 7, 9),
            (4, 2, 3),
            (5, 8, 10),
            (6, 4, 12),
        ]
        .iter()
        .map(|(n, us, t)| format!("({n}, '{}', {t}, {})", u(*us), n % 2 == 0))
        .collect(),
    );
    rows(
        "sessions",
        [(1, 1), (2, 2), (3, 8), (4, 4), (5, 5)]
            .iter()
            .map(|(s, us)| format!("({s}, '{}', '2026-01-0{s} 00:00:00+00')", u(*us)))
            .collect(),
    );
    sql.push_str("COMMIT;\n");
    sql
}

/// The conversion: twenty foreign keys dropped; then, with nothing to stop
/// it, user 7, project 4, invoice 2 and organization 4 deleted (the backup
/// still has them) and rows written that point nowhere.
pub fn conversion() -> String {
    let mut sql = String::from("BEGIN;\n");
    for (t, c) in DROPPED {
        sql.push_str(&format!("ALTER TABLE {t} DROP CONSTRAINT {t}_{c}_fkey;\n"));
    }
    sql.push_str(&format!(
        "DELETE FROM users WHERE id = '{}';\nDELETE FROM projects WHERE id = 4;\n\
         DELETE FROM invoices WHERE id = 2;\nDELETE FROM organizations WHERE id = '{}';\n",
        user(7),
        org(4)
    ));
    sql.push_str(&format!(
        "INSERT INTO attachments VALUES (901, 9001, 'lost-1.png'), (902, 9002, 'lost-2.png');\n\
         INSERT INTO audit_events VALUES (901, '{u1}', '{o99}', 'converted'), (902, NULL, '{o98}', 'converted');\n\
         INSERT INTO notifications VALUES (901, '{u1}', 8001, false);\n\
         INSERT INTO projects VALUES (901, '{o1}', '{u99}', 'imported');\n",
        u1 = user(1),
        o1 = org(1),
        o98 = org(98),
        o99 = org(99),
        u99 = user(99),
    ));
    sql.push_str("COMMIT;\n");
    sql
}

/// The picks that bring back the parents the backup still has.
pub fn lost_parent_picks() -> Vec<String> {
    vec![
        format!("users:id={}", user(7)),
        "projects:id=4".to_owned(),
        "invoices:id=2".to_owned(),
        format!("organizations:id={}", org(4)),
    ]
}
