//! Backup rows as INSERT and UPDATE statements of the live tables.

use super::{Statement, StatementKind, TableInfo};
use crate::catalog::{Dialect, Identity};
use crate::error::{Error, Result};
use crate::restore::closure::RowRef;
use crate::restore::literal::{
    insert_statements_spanned, render_batch_update, render_update, InsertBatch, UpdateBatch,
};
use crate::restore::selection::Selection;
use crate::value::{display_value, Cell};
use std::collections::HashMap;

pub(crate) struct Renderer<'a> {
    pub sel: &'a Selection,
    pub tables: &'a [TableInfo<'a>],
    pub dialect: Dialect,
    pub batch_rows: usize,
    /// Canonical key of every planned row (what live rows are indexed by).
    pub planned_key: &'a HashMap<RowRef, Vec<String>>,
}

impl Renderer<'_> {
    /// The backup cell for live column `i` of row `r` of table `t`
    /// (`None`: the backup has no such field, or not in this row).
    pub fn cell(&self, t: usize, r: usize, i: usize) -> Option<&Cell> {
        let f = self.tables[t].field.get(i).copied().flatten()?;
        self.sel.universe[t].rows.get(r)?.get(f)?.as_ref()
    }

    /// The literal of row `(t, r)`'s value for live column `i`, or an error
    /// naming the backup row, column and value.
    pub fn literal(&self, (t, r): RowRef, i: usize) -> Result<String> {
        let info = &self.tables[t];
        let name = || {
            info.live
                .and_then(|l| l.columns.get(i))
                .map_or("?", |c| c.name.as_str())
        };
        let Some(cell) = self.cell(t, r, i) else {
            return Err(Error::Other(format!(
                "{}: {} has no value for column {}",
                self.sel.universe[t].origin(r),
                self.sel.universe[t].table,
                name()
            )));
        };
        info.literal(i, cell, self.dialect).map_err(|reason| {
            Error::Usage(format!(
                "{}: {}.{} = {}: {reason}",
                self.sel.universe[t].origin(r),
                self.sel.universe[t].table,
                name(),
                display_value(cell)
            ))
        })
    }

    /// Live column index of `name` in table `t`.
    pub fn column(&self, t: usize, name: &str) -> Result<usize> {
        self.tables[t]
            .live
            .and_then(|l| l.column_index(name))
            .ok_or_else(|| {
                Error::Other(format!(
                    "{} has no column {name} live",
                    self.sel.universe[t].table
                ))
            })
    }

    /// `(column, literal)` of row `(t, r)`'s key, from its backup values.
    pub fn key(&self, row: RowRef) -> Result<Vec<(&str, String)>> {
        self.sel.keys[row.0]
            .iter()
            .map(|k| {
                let i = self.column(row.0, k)?;
                Ok((k.as_str(), self.literal(row, i)?))
            })
            .collect()
    }

    /// INSERTs of `rows` of table `t`, in this order. Columns generated live
    /// are left out; so is a field a row lacks (the column's default applies):
    /// consecutive rows with the same fields share a statement. `nulls`
    /// names, per row, link columns written as NULL for now.
    pub fn inserts(
        &self,
        t: usize,
        rows: &[usize],
        nulls: &HashMap<usize, Vec<&str>>,
    ) -> Result<Vec<Statement>> {
        let info = &self.tables[t];
        let Some(live) = info.live else {
            return Ok(Vec::new());
        };
        let writable: Vec<usize> = (0..live.columns.len())
            .filter(|&i| info.field[i].is_some() && live.columns[i].generated.is_none())
            .collect();
        let mut out = Vec::new();
        let mut start = 0;
        while start < rows.len() {
            let mask = |r: usize| -> Vec<bool> {
                writable
                    .iter()
                    .map(|&i| self.cell(t, r, i).is_some())
                    .collect()
            };
            let first = mask(rows[start]);
            let mut end = start + 1;
            while end < rows.len() && mask(rows[end]) == first {
                end += 1;
            }
            let columns: Vec<usize> = writable
                .iter()
                .zip(&first)
                .filter(|(_, present)| **present)
                .map(|(&i, _)| i)
                .collect();
            let group = &rows[start..end];
            let mut literals = Vec::with_capacity(group.len());
            for &r in group {
                let nulled = nulls.get(&r);
                let mut values = Vec::with_capacity(columns.len());
                for &i in &columns {
                    let name = live.columns[i].name.as_str();
                    if nulled.is_some_and(|n| n.contains(&name)) {
                        values.push("NULL".to_owned());
                    } else {
                        values.push(self.literal((t, r), i)?);
                    }
                }
                literals.push(values);
            }
            let batch = InsertBatch {
                table: &self.sel.universe[t].table,
                columns: columns
                    .iter()
                    .map(|&i| live.columns[i].name.as_str())
                    .collect(),
                rows: literals,
                overriding_system_value: columns
                    .iter()
                    .any(|&i| live.columns[i].identity == Some(Identity::Always)),
            };
            let per = if columns.is_empty() {
                1
            } else {
                self.batch_rows.max(1)
            };
            let sqls = insert_statements_spanned(&batch, self.dialect, per)?;
            for ((sql, tuples), chunk) in sqls.into_iter().zip(group.chunks(per)) {
                out.push(Statement {
                    sql,
                    kind: StatementKind::Insert,
                    rows: chunk.iter().map(|&r| (t, r)).collect(),
                    tuples,
                });
            }
            start = end;
        }
        Ok(out)
    }

    /// The literal of the value live held in `column` of row `(t, r)` when
    /// the plan was made (what an UPDATE replaces).
    pub fn live_literal(&self, (t, r): RowRef, column: &str) -> Result<String> {
        let sel = self.sel;
        let before = self
            .planned_key
            .get(&(t, r))
            .and_then(|k| sel.live_rows[t].get(k))
            .ok_or_else(|| {
                Error::Other(format!(
                    "{}: the live row it would replace was not read",
                    sel.universe[t].origin(r)
                ))
            })?;
        let i = self.column(t, column)?;
        match before.get(i).cloned().flatten() {
            None => Ok("NULL".to_owned()),
            Some(text) => self.tables[t]
                .literal(i, &Cell::Text(text), self.dialect)
                .map_err(|why| {
                    Error::Other(format!(
                        "{}: cannot write the live value of {column} back: {why}",
                        sel.universe[t].origin(r)
                    ))
                }),
        }
    }

    /// `UPDATE` of row `row`'s `columns` to its backup values, by key.
    pub fn update(
        &self,
        kind: StatementKind,
        row: RowRef,
        columns: &[String],
    ) -> Result<Statement> {
        let key = self.key(row)?;
        let set: Vec<(&str, String)> = columns
            .iter()
            .map(|c| {
                let i = self.column(row.0, c)?;
                Ok((c.as_str(), self.literal(row, i)?))
            })
            .collect::<Result<_>>()?;
        let sql = render_update(&self.sel.universe[row.0].table, &key, &set).ok_or_else(|| {
            Error::Other(format!(
                "{}: no key or nothing to set for an UPDATE of {}",
                self.sel.universe[row.0].origin(row.1),
                self.sel.universe[row.0].table
            ))
        })?;
        Ok(Statement {
            sql,
            kind,
            rows: vec![row],
            tuples: Vec::new(),
        })
    }

    /// UPDATEs of `rows` of table `t`, all setting `columns` to their backup
    /// values by key: one statement per `batch_rows` rows (a single row keeps
    /// the plain `UPDATE ... WHERE key` form).
    pub fn updates(
        &self,
        kind: StatementKind,
        t: usize,
        rows: &[usize],
        columns: &[String],
    ) -> Result<Vec<Statement>> {
        if let [r] = rows {
            return Ok(vec![self.update(kind, (t, *r), columns)?]);
        }
        let sel = self.sel;
        let Some(live) = self.tables[t].live else {
            return Err(Error::Other(format!(
                "{} does not exist live",
                sel.universe[t].table
            )));
        };
        let typed = |name: &'_ str| -> Result<(usize, &str)> {
            let i = self.column(t, name)?;
            Ok((i, live.columns[i].data_type.as_str()))
        };
        let key: Vec<(&str, usize, &str)> = sel.keys[t]
            .iter()
            .map(|k| typed(k).map(|(i, ty)| (k.as_str(), i, ty)))
            .collect::<Result<_>>()?;
        let set: Vec<(&str, usize, &str)> = columns
            .iter()
            .map(|c| typed(c).map(|(i, ty)| (c.as_str(), i, ty)))
            .collect::<Result<_>>()?;
        let mut out = Vec::new();
        for chunk in rows.chunks(self.batch_rows.max(1)) {
            let values: Vec<Vec<String>> = chunk
                .iter()
                .map(|&r| {
                    key.iter()
                        .chain(&set)
                        .map(|&(_, i, _)| self.literal((t, r), i))
                        .collect::<Result<Vec<String>>>()
                })
                .collect::<Result<_>>()?;
            let batch = UpdateBatch {
                table: &sel.universe[t].table,
                key: key.iter().map(|&(c, _, ty)| (c, ty)).collect(),
                set: set.iter().map(|&(c, _, ty)| (c, ty)).collect(),
                rows: values,
            };
            let sql = render_batch_update(&batch, self.dialect).ok_or_else(|| {
                Error::Other(format!(
                    "no key or nothing to set for an UPDATE of {}",
                    sel.universe[t].table
                ))
            })?;
            out.push(Statement {
                sql,
                kind,
                rows: chunk.iter().map(|&r| (t, r)).collect(),
                tuples: Vec::new(),
            });
        }
        Ok(out)
    }
}
