//! Parsed DDL statements → the backup's [`Catalog`]. Names follow PostgreSQL:
//! unquoted identifiers fold to lower case, quoted ones keep their case.

use crate::catalog::{
    Catalog, CheckConstraint, Column, Dialect, FkAction, ForeignKey, Identity, KeyConstraint,
    Table, TableName,
};
use crate::value::normalize_type;
use sqlparser::ast::{
    AlterColumnOperation, AlterTable, AlterTableOperation, ColumnDef, ColumnOption,
    ConstraintCharacteristics, CreateTable, DataType, DeferrableInitial, Expr,
    ForeignKeyConstraint, GeneratedAs, Ident, IndexColumn, ObjectName, ReferentialAction,
    TableConstraint,
};
use std::collections::BTreeMap;
use std::path::Path;

type Res<T> = std::result::Result<T, String>;

#[derive(Default)]
pub(crate) struct CatalogBuilder {
    pub(super) tables: Vec<Table>,
    pub(super) enums: BTreeMap<String, Vec<String>>,
    /// Domain name (as [`super::schema_types::type_keys`] spells it) → its base type, normalised.
    pub(super) domains: BTreeMap<String, String>,
    /// Partition → the partitioned table it belongs to (direct parent).
    pub(super) partitions: BTreeMap<TableName, TableName>,
}

/// What a schema script describes: the catalog, and which tables are
/// partitions of which (their rows belong to the parent on the live side).
#[derive(Debug)]
pub(crate) struct SchemaParts {
    pub catalog: Catalog,
    pub partitions: BTreeMap<TableName, TableName>,
}

pub(super) fn ident(i: &Ident) -> String {
    if i.quote_style.is_some() {
        i.value.clone()
    } else {
        i.value.to_lowercase()
    }
}

pub(super) fn name_parts(o: &ObjectName) -> Res<Vec<String>> {
    o.0.iter()
        .map(|p| {
            p.as_ident()
                .map(ident)
                .ok_or_else(|| format!("unsupported name {o}"))
        })
        .collect()
}

/// `projects`, `public.projects`, `db.public.projects` (the database is dropped).
pub(super) fn table_name(o: &ObjectName) -> Res<TableName> {
    let parts = name_parts(o)?;
    match parts.as_slice() {
        [n] => Ok(TableName::new(None, n)),
        [.., s, n] => Ok(TableName::new(Some(s), n)),
        [] => Err("empty table name".into()),
    }
}

fn key_columns(cols: &[IndexColumn]) -> Res<Vec<String>> {
    cols.iter()
        .map(|c| match &c.column.expr {
            Expr::Identifier(i) => Ok(ident(i)),
            other => Err(format!("key on an expression ({other}) is not supported")),
        })
        .collect()
}

fn deferral(c: &Option<ConstraintCharacteristics>) -> (bool, bool) {
    let deferrable = c.as_ref().and_then(|c| c.deferrable).unwrap_or(false);
    let deferred = c
        .as_ref()
        .and_then(|c| c.initially)
        .is_some_and(|i| i == DeferrableInitial::Deferred);
    (deferrable || deferred, deferred)
}

fn foreign_key(
    fk: &ForeignKeyConstraint,
    name: Option<&Ident>,
    columns: Vec<String>,
) -> Res<ForeignKey> {
    let (deferrable, initially_deferred) = deferral(&fk.characteristics);
    Ok(ForeignKey {
        name: name.or(fk.name.as_ref()).map(ident),
        columns,
        referenced_table: table_name(&fk.foreign_table)?,
        referenced_columns: fk.referred_columns.iter().map(ident).collect(),
        deferrable,
        initially_deferred,
        on_delete: fk_action(fk.on_delete),
        on_update: fk_action(fk.on_update),
    })
}

fn fk_action(a: Option<ReferentialAction>) -> FkAction {
    match a {
        Some(ReferentialAction::Restrict) => FkAction::Restrict,
        Some(ReferentialAction::Cascade) => FkAction::Cascade,
        Some(ReferentialAction::SetNull) => FkAction::SetNull,
        Some(ReferentialAction::SetDefault) => FkAction::SetDefault,
        Some(ReferentialAction::NoAction) | None => FkAction::NoAction,
    }
}

/// A CHECK as the catalog keeps it: the expression re-rendered from the AST.
fn check(c: &sqlparser::ast::CheckConstraint, name: Option<&Ident>) -> CheckConstraint {
    CheckConstraint {
        name: name.or(c.name.as_ref()).map(ident),
        expression: c.expr.to_string(),
    }
}

/// serial types are integers fed by a sequence; returns the underlying type.
fn serial_base(dt: &DataType) -> Option<&'static str> {
    let DataType::Custom(name, mods) = dt else {
        return None;
    };
    let [part] = name.0.as_slice() else {
        return None;
    };
    let id = part.as_ident()?;
    if id.quote_style.is_some() || !mods.is_empty() {
        return None;
    }
    match id.value.to_ascii_lowercase().as_str() {
        "serial" | "serial4" => Some("integer"),
        "bigserial" | "serial8" => Some("bigint"),
        "smallserial" | "serial2" => Some("smallint"),
        _ => None,
    }
}

/// The default PostgreSQL gives a serial column.
/// The default PostgreSQL gives a `serial` column: its sequence is
/// `table_column_seq`, the longer part cut until the name fits 63 bytes (as
/// `makeObjectName` does), each part quoted inside the regclass literal when
/// it is not a plain lower-case identifier (as pg_dump writes it).
fn nextval_default(table: &TableName, column: &str) -> String {
    let (mut t, mut c): (Vec<char>, Vec<char>) =
        (table.name.chars().collect(), column.chars().collect());
    let bytes = |v: &[char]| v.iter().map(|ch| ch.len_utf8()).sum::<usize>();
    while bytes(&t) + bytes(&c) + "__seq".len() > 63 && !(t.is_empty() && c.is_empty()) {
        if bytes(&t) >= bytes(&c) {
            t.pop();
        } else {
            c.pop();
        }
    }
    let seq = format!(
        "{}_{}_seq",
        t.iter().collect::<String>(),
        c.iter().collect::<String>()
    );
    let part = |s: &str| {
        let plain = s
            .chars()
            .next()
            .is_some_and(|ch| ch.is_ascii_lowercase() || ch == '_')
            && s.chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
        if plain {
            s.to_owned()
        } else {
            format!("\"{}\"", s.replace('"', "\"\""))
        }
    };
    let qualified = match &table.schema {
        Some(s) => format!("{}.{}", part(s), part(&seq)),
        None => part(&seq),
    };
    format!("nextval('{}'::regclass)", qualified.replace('\'', "''"))
}

fn column(table: &mut Table, cd: &ColumnDef) -> Res<Column> {
    let name = ident(&cd.name);
    let serial = serial_base(&cd.data_type);
    let mut col = Column {
        data_type: normalize_type(&serial.map_or_else(|| cd.data_type.to_string(), str::to_owned)),
        nullable: serial.is_none(),
        default: serial.map(|_| nextval_default(&table.name, &name)),
        identity: None,
        generated: None,
        name,
    };
    for opt in &cd.options {
        let cname = opt.name.as_ref();
        match &opt.option {
            ColumnOption::Null => col.nullable = true,
            ColumnOption::NotNull => col.nullable = false,
            ColumnOption::Default(e) => col.default = Some(e.to_string()),
            ColumnOption::PrimaryKey(pk) => {
                col.nullable = false;
                table.primary_key = Some(KeyConstraint {
                    name: cname.or(pk.name.as_ref()).map(ident),
                    columns: vec![col.name.clone()],
                });
            }
            ColumnOption::Unique(u) => table.unique.push(KeyConstraint {
                name: cname.or(u.name.as_ref()).map(ident),
                columns: vec![col.name.clone()],
            }),
            ColumnOption::ForeignKey(fk) => {
                let fk = foreign_key(fk, cname, vec![col.name.clone()])?;
                table.foreign_keys.push(fk);
            }
            ColumnOption::Check(c) => table.checks.push(check(c, cname)),
            // SQLite's `INTEGER PRIMARY KEY AUTOINCREMENT`: numbered by the
            // database, never reusing a value — an identity, by default.
            ColumnOption::DialectSpecific(tokens) if is_autoincrement(tokens) => {
                col.identity = Some(Identity::ByDefault);
            }
            ColumnOption::Generated {
                generated_as,
                generation_expr,
                ..
            } => match generation_expr {
                Some(e) => col.generated = Some(e.to_string()),
                None => {
                    col.nullable = false;
                    col.identity = Some(match generated_as {
                        GeneratedAs::ByDefault => Identity::ByDefault,
                        _ => Identity::Always,
                    });
                }
            },
            _ => {}
        }
    }
    Ok(col)
}

fn add_constraint(table: &mut Table, c: &TableConstraint) -> Res<()> {
    match c {
        TableConstraint::PrimaryKey(pk) => {
            let columns = key_columns(&pk.columns)?;
            for col in table.columns.iter_mut() {
                if columns.contains(&col.name) {
                    col.nullable = false;
                }
            }
            table.primary_key = Some(KeyConstraint {
                name: pk.name.as_ref().map(ident),
                columns,
            });
        }
        TableConstraint::Unique(u) => table.unique.push(KeyConstraint {
            name: u.name.as_ref().map(ident),
            columns: key_columns(&u.columns)?,
        }),
        TableConstraint::ForeignKey(fk) => {
            let columns = fk.columns.iter().map(ident).collect();
            table.foreign_keys.push(foreign_key(fk, None, columns)?);
        }
        // Also `ALTER TABLE ONLY t ADD CONSTRAINT c CHECK (...) [NOT VALID]`.
        TableConstraint::Check(c) => table.checks.push(check(c, None)),
        _ => {}
    }
    Ok(())
}

impl CatalogBuilder {
    /// Add a CREATE TABLE; returns a warning for a partition whose parent is unknown.
    pub fn create_table(&mut self, ct: &CreateTable) -> Res<Option<String>> {
        let name = table_name(&ct.name)?;
        if self.tables.iter().any(|t| t.name == name) {
            if ct.if_not_exists {
                return Ok(None);
            }
            return Err(format!("table {name} is created twice"));
        }
        let mut table = Table {
            name,
            columns: Vec::new(),
            primary_key: None,
            unique: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
        };
        let mut warning = None;
        // `CREATE TABLE p PARTITION OF parent FOR VALUES ...`: the columns and
        // keys are the parent's (pg_dump 11+ writes a full CREATE TABLE and
        // ATTACH PARTITION instead; older dumps and hand-written SQL do this).
        if let Some(parent) = &ct.partition_of {
            let parent = table_name(parent)?;
            match self.tables.iter().find(|t| t.name == parent) {
                Some(p) => {
                    table.columns = p.columns.clone();
                    table.primary_key = p.primary_key.clone().map(|k| KeyConstraint { name: None, ..k });
                }
                None => {
                    warning = Some(format!(
                        "partition {} of {parent}: the parent is not created before it, its columns are unknown",
                        table.name
                    ))
                }
            }
            self.partitions.insert(table.name.clone(), parent);
        }
        // INHERITS (parent, ...): the parents' columns come first, then the
        // table's own (pg_dump lists only those in the CREATE TABLE).
        for parent in ct.inherits.iter().flatten() {
            let parent = table_name(parent)?;
            match self.tables.iter().find(|t| t.name == parent) {
                Some(p) => {
                    for c in &p.columns {
                        if table.column(&c.name).is_none() {
                            table.columns.push(c.clone());
                        }
                    }
                }
                None => {
                    warning = Some(format!(
                        "{} inherits from {parent}, which is not created before it: its inherited columns are unknown",
                        table.name
                    ))
                }
            }
        }
        for cd in &ct.columns {
            let col = column(&mut table, cd)?;
            match table.column_index(&col.name) {
                // A local definition of an inherited column merges with it.
                Some(i) => table.columns[i] = col,
                None => table.columns.push(col),
            }
        }
        for c in &ct.constraints {
            add_constraint(&mut table, c)?;
        }
        self.tables.push(table);
        Ok(warning)
    }

    /// `ALTER TABLE [ONLY] parent ATTACH PARTITION child ...`.
    pub fn attach_partition(&mut self, parent: TableName, child: TableName) {
        self.partitions.insert(child, parent);
    }

    /// Apply ALTER TABLE; returns warnings for parts that could not apply.
    pub fn alter_table(&mut self, at: &AlterTable) -> Res<Vec<String>> {
        let name = table_name(&at.name)?;
        let relevant = at.operations.iter().any(|op| {
            matches!(
                op,
                AlterTableOperation::AddConstraint { .. }
                    | AlterTableOperation::AddColumn { .. }
                    | AlterTableOperation::AlterColumn { .. }
                    | AlterTableOperation::DropColumn { .. }
            )
        });
        let Some(table) = self.tables.iter_mut().find(|t| t.name == name) else {
            return Ok(if relevant {
                vec![format!(
                    "ALTER TABLE {name} ignored: the table is not created in this file"
                )]
            } else {
                Vec::new()
            });
        };
        let mut warnings = Vec::new();
        for op in &at.operations {
            match op {
                AlterTableOperation::AddConstraint { constraint, .. } => {
                    add_constraint(table, constraint)?
                }
                AlterTableOperation::AddColumn { column_def, .. } => {
                    let col = column(table, column_def)?;
                    table.columns.push(col);
                }
                AlterTableOperation::DropColumn { column_names, .. } => {
                    let drop: Vec<String> = column_names.iter().map(ident).collect();
                    table.columns.retain(|c| !drop.contains(&c.name));
                }
                AlterTableOperation::AlterColumn { column_name, op } => {
                    let cname = ident(column_name);
                    let Some(col) = table.columns.iter_mut().find(|c| c.name == cname) else {
                        warnings.push(format!(
                            "ALTER TABLE {name} ALTER COLUMN {cname} ignored: no such column"
                        ));
                        continue;
                    };
                    match op {
                        AlterColumnOperation::SetNotNull => col.nullable = false,
                        AlterColumnOperation::DropNotNull => col.nullable = true,
                        AlterColumnOperation::SetDefault { value } => {
                            col.default = Some(value.to_string())
                        }
                        AlterColumnOperation::DropDefault => col.default = None,
                        AlterColumnOperation::SetDataType { data_type, .. } => {
                            col.data_type = normalize_type(&data_type.to_string())
                        }
                        AlterColumnOperation::AddGenerated { generated_as, .. } => {
                            col.nullable = false;
                            col.identity = Some(match generated_as {
                                Some(GeneratedAs::Always) => Identity::Always,
                                _ => Identity::ByDefault,
                            });
                        }
                    }
                }
                // OWNER TO, ENABLE ROW LEVEL SECURITY, ...: nothing about data.
                _ => {}
            }
        }
        Ok(warnings)
    }

    /// Resolve `REFERENCES t` (no column list) to t's primary key.
    pub fn finish(mut self, warnings: &mut Vec<String>, path: &Path) -> SchemaParts {
        self.resolve_domains();
        let pks: Vec<(TableName, Vec<String>)> = self
            .tables
            .iter()
            .filter_map(|t| Some((t.name.clone(), t.primary_key.as_ref()?.columns.clone())))
            .collect();
        for table in &mut self.tables {
            for fk in &mut table.foreign_keys {
                if !fk.referenced_columns.is_empty() {
                    continue;
                }
                // `REFERENCES orgs` names `public.orgs` when that is where it was created.
                let target = &fk.referenced_table;
                let same_default_schema = |n: &TableName| {
                    n.name == target.name
                        && n.schema.as_deref().unwrap_or("public")
                            == target.schema.as_deref().unwrap_or("public")
                };
                let found = pks
                    .iter()
                    .find(|(n, _)| n == target)
                    .or_else(|| pks.iter().find(|(n, _)| same_default_schema(n)));
                match found {
                    Some((_, cols)) => fk.referenced_columns = cols.clone(),
                    None => warnings.push(format!(
                        "{}: foreign key {} → {} names no columns and {} has no known primary key",
                        path.display(),
                        table.name,
                        fk.referenced_table,
                        fk.referenced_table
                    )),
                }
            }
        }
        SchemaParts {
            catalog: Catalog {
                dialect: Dialect::Postgres,
                tables: self.tables,
                enums: self.enums,
            },
            partitions: self.partitions,
        }
    }
}

/// Whether a dialect-specific column option is SQLite's AUTOINCREMENT.
pub(crate) fn is_autoincrement(tokens: &[sqlparser::tokenizer::Token]) -> bool {
    tokens.iter().any(|t| {
        matches!(t, sqlparser::tokenizer::Token::Word(w) if w.value.eq_ignore_ascii_case("AUTOINCREMENT"))
    })
}
