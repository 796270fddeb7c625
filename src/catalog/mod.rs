//! The unified schema picture both sides are described in: tables, columns,
//! keys and relations. Live databases and backups each produce a [`Catalog`].

pub mod check_expr;
pub mod type_text;

pub use check_expr::same_check;

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// Which SQL dialect a catalog came from; decides type names and quoting rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    Postgres,
    Sqlite,
}

/// A table's name, schema-qualified where the side has schemas (PostgreSQL).
/// SQLite tables and unqualified backup files have `schema: None`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct TableName {
    pub schema: Option<String>,
    pub name: String,
}

impl TableName {
    pub fn new(schema: Option<&str>, name: &str) -> Self {
        TableName {
            schema: schema.map(str::to_owned),
            name: name.to_owned(),
        }
    }

    /// The name as SQL: every part double-quoted, quotes doubled.
    pub fn quoted(&self) -> String {
        match &self.schema {
            Some(s) => format!("{}.{}", quote_ident(s), quote_ident(&self.name)),
            None => quote_ident(&self.name),
        }
    }
}

impl fmt::Display for TableName {
    /// Human form: `schema.name` without quotes (`public.vector-sync-status`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(s) => write!(f, "{s}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// Quote an identifier for SQL. Always quotes: mixed case (`"userId"`) and
/// hyphens (`"vector-sync-status"`) are the norm in the incidents we serve.
pub fn quote_ident(ident: &str) -> String {
    let mut out = String::with_capacity(ident.len() + 2);
    out.push('"');
    for ch in ident.chars() {
        if ch == '"' {
            out.push('"');
        }
        out.push(ch);
    }
    out.push('"');
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    Always,
    ByDefault,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Column {
    pub name: String,
    /// The declared type with its modifiers, in the side's own spelling
    /// normalised to PostgreSQL's `format_type` style where known:
    /// `character varying(255)`, `numeric(10,2)`, `timestamp with time zone`,
    /// `uuid`, `integer[]`. For SQLite: the declared type as written (`TEXT`, `DATETIME`).
    pub data_type: String,
    pub nullable: bool,
    /// Default expression as SQL text, if any (`nextval('projects_id_seq'::regclass)`).
    pub default: Option<String>,
    pub identity: Option<Identity>,
    /// Expression of a generated (stored) column.
    pub generated: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyConstraint {
    pub name: Option<String>,
    pub columns: Vec<String>,
}

/// What a foreign key does to referencing rows when the referenced row is
/// deleted or its key updated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FkAction {
    #[default]
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    /// The SQL words after `ON DELETE` / `ON UPDATE`.
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ForeignKey {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub referenced_table: TableName,
    pub referenced_columns: Vec<String>,
    pub deferrable: bool,
    pub initially_deferred: bool,
    pub on_delete: FkAction,
    pub on_update: FkAction,
}

/// A `CHECK` constraint: its boolean expression as SQL text, as the side's
/// catalog or schema file states it (`(price >= 0)`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckConstraint {
    pub name: Option<String>,
    pub expression: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Table {
    pub name: TableName,
    pub columns: Vec<Column>,
    pub primary_key: Option<KeyConstraint>,
    pub unique: Vec<KeyConstraint>,
    pub foreign_keys: Vec<ForeignKey>,
    /// Table-level and column `CHECK` constraints (NOT NULL is `Column::nullable`).
    pub checks: Vec<CheckConstraint>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Catalog {
    pub dialect: Dialect,
    pub tables: Vec<Table>,
    /// Enum types by name (schema-qualified where the dialect has schemas, and
    /// also reachable by bare name) to their labels in order.
    pub enums: BTreeMap<String, Vec<String>>,
}

impl Catalog {
    pub fn new(dialect: Dialect) -> Self {
        Catalog {
            dialect,
            tables: Vec::new(),
            enums: BTreeMap::new(),
        }
    }

    pub fn table(&self, name: &TableName) -> Option<&Table> {
        self.tables.iter().find(|t| &t.name == name)
    }

    /// Find the table another side calls `name`: exact match first, then the
    /// same bare name in any schema when that is unambiguous (a backup file
    /// `projects.json` matches live `public.projects`), then case-insensitively.
    pub fn resolve(&self, name: &TableName) -> Option<&Table> {
        if let Some(t) = self.table(name) {
            return Some(t);
        }
        let by_bare = |t: &&Table| {
            t.name.name == name.name
                && (name.schema.is_none()
                    || t.name.schema.is_none()
                    || t.name.schema == name.schema)
        };
        let prefer_public: Vec<&Table> = self
            .tables
            .iter()
            .filter(by_bare)
            .filter(|t| t.name.schema.as_deref().is_none_or(|s| s == "public"))
            .collect();
        if let Some(t) = only(prefer_public) {
            return Some(t);
        }
        if let Some(t) = only(self.tables.iter().filter(by_bare).collect()) {
            return Some(t);
        }
        only(
            self.tables
                .iter()
                .filter(|t| t.name.name.eq_ignore_ascii_case(&name.name))
                .collect(),
        )
    }
}

/// The single element of `hits`, or None when there are none or several.
fn only(hits: Vec<&Table>) -> Option<&Table> {
    match hits.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}
