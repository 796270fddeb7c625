//! The Table view's columns: live columns first (live order), then the
//! backup's other columns (its schema's, then fields as the data reveals
//! them); and which backup field feeds which column.

use super::BrowseColumn;
use crate::catalog::Table;
use crate::diff::digest::ColumnPlan;
use crate::diff::table::map_new_fields;
use crate::value::TypeClass;

pub(crate) struct Layout {
    pub columns: Vec<BrowseColumn>,
    /// The first columns, matched to fields the way the diff matches them
    /// (exact name, else case-insensitive): the live columns, or without a
    /// live table the backup schema's.
    base: Vec<ColumnPlan>,
    base_to_field: Vec<Option<usize>>,
    /// Per browse column: the backup field that feeds it.
    pub column_field: Vec<Option<usize>>,
    fields_seen: usize,
}

impl Layout {
    /// `live`: the live table, if any; `schema`: the backup schema's table.
    pub fn new(live: Option<&Table>, schema: Option<&Table>) -> Layout {
        let schema_cols = schema.map(|t| t.columns.as_slice()).unwrap_or_default();
        let in_schema = |name: &str| {
            schema_cols
                .iter()
                .find(|c| c.name == name)
                .or_else(|| {
                    schema_cols
                        .iter()
                        .find(|c| c.name.eq_ignore_ascii_case(name))
                })
                .map(|c| c.name.clone())
        };
        let mut columns: Vec<BrowseColumn> = Vec::new();
        match live {
            Some(t) => {
                for c in &t.columns {
                    let backup_name = in_schema(&c.name);
                    columns.push(BrowseColumn {
                        name: c.name.clone(),
                        in_live: true,
                        in_backup: backup_name.is_some(),
                        key: false,
                        live_type: Some(c.data_type.clone()),
                        backup_name,
                    });
                }
                // Schema columns that map to no live column were dropped live.
                for c in schema_cols {
                    let taken = columns
                        .iter()
                        .any(|b| b.backup_name.as_ref() == Some(&c.name));
                    if !taken {
                        columns.push(backup_only(&c.name));
                    }
                }
            }
            None => columns.extend(schema_cols.iter().map(|c| backup_only(&c.name))),
        }
        let nbase = live.map_or(columns.len(), |t| t.columns.len());
        let base = columns[..nbase]
            .iter()
            .map(|c| ColumnPlan {
                name: c.name.clone(),
                // Only names matter for matching fields.
                class: TypeClass::Other(String::new()),
            })
            .collect();
        Layout {
            column_field: vec![None; columns.len()],
            columns,
            base,
            base_to_field: vec![None; nbase],
            fields_seen: 0,
        }
    }

    /// Assign fields not seen before to columns: a base column as the diff
    /// would, else a backup-only column of the same name, else a new column.
    pub fn see_fields(&mut self, fields: &[String]) {
        if fields.len() <= self.fields_seen {
            return;
        }
        let from = self.fields_seen;
        map_new_fields(fields, from, &self.base, &mut self.base_to_field);
        for (f, name) in fields.iter().enumerate().skip(from) {
            let base = self.base_to_field.iter().position(|&m| m == Some(f));
            let declared = || {
                (self.base.len()..self.columns.len())
                    .find(|&c| self.columns[c].name == *name && self.column_field[c].is_none())
            };
            let column = match base.or_else(declared) {
                Some(c) => c,
                None => {
                    self.columns.push(backup_only(name));
                    self.column_field.push(None);
                    self.columns.len() - 1
                }
            };
            self.column_field[column] = Some(f);
            let col = &mut self.columns[column];
            col.in_backup = true;
            col.backup_name = Some(name.clone());
        }
        self.fields_seen = fields.len();
    }
}

fn backup_only(name: &str) -> BrowseColumn {
    BrowseColumn {
        name: name.to_owned(),
        in_live: false,
        in_backup: true,
        key: false,
        live_type: None,
        backup_name: Some(name.to_owned()),
    }
}
