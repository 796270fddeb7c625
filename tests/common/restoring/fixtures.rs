//! Incident 1 (SCENARIOS.md) as data: users → projects → test_sessions →
//! violations, and crawler_auth_sessions related to projects only by the
//! column name `project_id`. Our own names and values; the same rows serve
//! the PostgreSQL and the SQLite tests.

use serde_json::{json, Value};

pub fn uuid(prefix: u32, n: u32) -> String {
    format!("{prefix:08x}-0000-4000-8000-{n:012x}")
}

pub const INCIDENT1_PG_SCHEMA: &str = r#"
CREATE TABLE users (id uuid PRIMARY KEY, email varchar(255) NOT NULL UNIQUE, created_at timestamptz NOT NULL);
CREATE TABLE projects (id uuid PRIMARY KEY, owner_id uuid NOT NULL REFERENCES users(id), name text NOT NULL,
  budget numeric(10,2), is_public boolean NOT NULL DEFAULT false, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE test_sessions (id uuid PRIMARY KEY, project_id uuid NOT NULL REFERENCES projects(id),
  "startedAt" timestamptz, score numeric(5,2), settings jsonb, notes text);
CREATE TABLE violations (id bigint PRIMARY KEY, session_id uuid NOT NULL REFERENCES test_sessions(id),
  impact text, selector text, created_at timestamptz NOT NULL);
CREATE TABLE crawler_auth_sessions (id integer PRIMARY KEY, project_id uuid NOT NULL, cookie text, expires_at timestamptz);
"#;

pub const INCIDENT1_SQLITE_SCHEMA: &str = r#"
CREATE TABLE users (id TEXT PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE, created_at DATETIME NOT NULL);
CREATE TABLE projects (id TEXT PRIMARY KEY, owner_id TEXT NOT NULL REFERENCES users(id), name TEXT NOT NULL,
  budget NUMERIC(10,2), is_public BOOLEAN NOT NULL DEFAULT 0, created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE test_sessions (id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id),
  "startedAt" DATETIME, score NUMERIC(5,2), settings TEXT, notes TEXT);
CREATE TABLE violations (id INTEGER PRIMARY KEY, session_id TEXT NOT NULL REFERENCES test_sessions(id),
  impact TEXT, selector TEXT, created_at DATETIME NOT NULL);
CREATE TABLE crawler_auth_sessions (id INTEGER PRIMARY KEY, project_id TEXT NOT NULL, cookie TEXT, expires_at DATETIME);
"#;

pub struct Incident1 {
    /// Backup content, parents first.
    pub tables: Vec<(&'static str, Vec<Value>)>,
    /// Removes a session of a surviving project (and its violations): lost
    /// too, but not part of the picks, so it must stay lost.
    pub lose_unpicked: String,
    /// Removes the two picked projects with their sessions, violations and
    /// crawler sessions.
    pub lose_picked: String,
    /// The picks that bring the two projects back.
    pub picks: [&'static str; 2],
    /// A violation in the middle of the 59 of the big lost session.
    pub middle_violation: i64,
}

/// `settings_as_text`: the sessions' settings as a JSON string (a backup of
/// a SQLite TEXT column) instead of a JSON object (a jsonb column).
pub fn incident1(settings_as_text: bool) -> Incident1 {
    let users: Vec<Value> = (0..3)
        .map(|u| json!({"id": uuid(1, u), "email": format!("u{u}@example.com"), "created_at": "2025-06-01T10:00:00.000Z"}))
        .collect();
    let projects = vec![
        json!({"id": uuid(2, 0), "owner_id": uuid(1, 0), "name": "Acme Storefront", "budget": "1250.50", "is_public": true, "created_at": "2025-06-02T08:30:00Z"}),
        json!({"id": uuid(2, 1), "owner_id": uuid(1, 1), "name": "ToeTheLine", "budget": 99.9, "is_public": false, "created_at": "2025-07-11T19:46:34.951Z"}),
        json!({"id": uuid(2, 2), "owner_id": uuid(1, 2), "name": "Federated Login Portal", "budget": null, "is_public": true, "created_at": "2025-07-10T09:00:00+02:00"}),
        json!({"id": uuid(2, 3), "owner_id": uuid(1, 0), "name": "It's \"quoted\" \\ back", "budget": 0, "is_public": false, "created_at": "2025-06-03T00:00:00Z"}),
        json!({"id": uuid(2, 4), "owner_id": uuid(1, 1), "name": "Docs Site", "budget": "12.00", "is_public": true, "created_at": "2025-06-04T12:00:00.5Z"}),
    ];
    // (session, project, violations)
    let layout = [
        (0, 0, 2),
        (1, 0, 2),
        (2, 1, 3),
        (3, 1, 2),
        (4, 2, 59),
        (5, 3, 2),
        (6, 4, 2),
    ];
    let mut sessions = Vec::new();
    let mut violations = Vec::new();
    let mut vid: i64 = 1000;
    let mut middle_violation = 0;
    for (s, p, n) in layout {
        let settings = json!({"viewport": {"w": 1280, "h": 720}, "rules": ["wcag2a", "wcag21aa"], "session": s});
        let settings = if s == 3 {
            Value::Null
        } else if settings_as_text {
            Value::String(settings.to_string())
        } else {
            settings
        };
        sessions.push(json!({
            "id": uuid(3, s), "project_id": uuid(2, p),
            "startedAt": if s == 2 { Value::Null } else { json!(format!("2025-07-0{}T12:00:00.{s}25Z", s + 1)) },
            "score": format!("8{s}.50"), "settings": settings,
            "notes": format!("line one\nline 'two' \"three\" \\ four ✓ {s}"),
        }));
        for i in 0..n {
            if s == 4 && i == 29 {
                middle_violation = vid;
            }
            let impact = ["serious", "critical", "sérieux ✓"][(i % 3) as usize];
            violations.push(json!({
                "id": vid, "session_id": uuid(3, s), "impact": impact,
                "selector": format!("div[data-x=\"{i}\"] > a\\b\n\ttab 'q'"),
                "created_at": format!("2025-07-0{}T12:{:02}:00Z", s + 1, i % 60),
            }));
            vid += 1;
        }
    }
    let crawler = vec![
        json!({"id": 1, "project_id": uuid(2, 1), "cookie": "sid=abc; Path=/", "expires_at": "2025-08-01T00:00:00Z"}),
        json!({"id": 2, "project_id": uuid(2, 2), "cookie": "sid=def; Path=/", "expires_at": null}),
        json!({"id": 3, "project_id": uuid(2, 0), "cookie": "sid=ghi", "expires_at": "2025-08-02T00:00:00Z"}),
    ];
    let lose_unpicked = format!(
        "DELETE FROM violations WHERE session_id = '{s1}'; DELETE FROM test_sessions WHERE id = '{s1}';",
        s1 = uuid(3, 1)
    );
    let (p1, p2) = (uuid(2, 1), uuid(2, 2));
    let lose_picked = format!(
        "DELETE FROM violations WHERE session_id IN ('{}', '{}', '{}');
         DELETE FROM test_sessions WHERE project_id IN ('{p1}', '{p2}');
         DELETE FROM crawler_auth_sessions WHERE project_id IN ('{p1}', '{p2}');
         DELETE FROM projects WHERE id IN ('{p1}', '{p2}');",
        uuid(3, 2),
        uuid(3, 3),
        uuid(3, 4)
    );
    Incident1 {
        tables: vec![
            ("users", users),
            ("projects", projects),
            ("test_sessions", sessions),
            ("violations", violations),
            ("crawler_auth_sessions", crawler),
        ],
        lose_unpicked,
        lose_picked,
        picks: [
            "projects:name=ToeTheLine",
            "projects:name=Federated Login Portal",
        ],
        middle_violation,
    }
}
