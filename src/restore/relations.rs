//! Relations between tables — declared live, declared in the backup's
//! schema, or inferred from column names — each knowing where it came from.

use crate::catalog::TableName;
use serde::Serialize;

/// Where a relation was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RelationOrigin {
    /// A foreign key of the live database.
    Live,
    /// A foreign key in the backup's schema (schema.sql / dump), missing live.
    Backup,
    /// Guessed from names (`project_id` → `projects.id`); marked as such everywhere.
    Inferred,
}

/// `child(child_columns)` references `parent(parent_columns)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Relation {
    pub name: Option<String>,
    pub child: TableName,
    pub child_columns: Vec<String>,
    pub parent: TableName,
    pub parent_columns: Vec<String>,
    pub origin: RelationOrigin,
    pub deferrable: bool,
    pub initially_deferred: bool,
}
