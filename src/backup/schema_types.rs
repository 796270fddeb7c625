//! User-defined types in a schema script: enums (their labels decide how
//! values compare) and domains (a column of a domain type is compared as the
//! domain's base type, so the catalog records the base type for it).

use super::schema_ddl::{name_parts, CatalogBuilder};
use crate::value::unquote;
use sqlparser::ast::{
    AlterType, AlterTypeAddValuePosition, AlterTypeOperation, ObjectName,
    UserDefinedTypeRepresentation,
};

/// Domains over domains are resolved this many levels deep at most.
const MAX_DOMAIN_DEPTH: usize = 16;

/// A type is reachable by its name as written and by its bare name.
pub(super) fn type_keys(parts: &[String]) -> Vec<String> {
    let mut keys = vec![parts.join(".")];
    if parts.len() > 1 {
        if let Some(bare) = parts.last() {
            keys.push(bare.clone());
        }
    }
    keys
}

fn object_keys(name: &ObjectName) -> Vec<String> {
    name_parts(name).map(|p| type_keys(&p)).unwrap_or_default()
}

impl CatalogBuilder {
    pub fn create_type(&mut self, name: &ObjectName, repr: Option<&UserDefinedTypeRepresentation>) {
        let Some(UserDefinedTypeRepresentation::Enum { labels }) = repr else {
            return;
        };
        let labels: Vec<String> = labels.iter().map(|l| l.value.clone()).collect();
        for key in object_keys(name) {
            self.enums.insert(key, labels.clone());
        }
    }

    pub fn alter_type(&mut self, alter: &AlterType) {
        let AlterTypeOperation::AddValue(add) = &alter.operation else {
            return;
        };
        for key in object_keys(&alter.name) {
            let Some(labels) = self.enums.get_mut(&key) else {
                continue;
            };
            let value = add.value.value.clone();
            if labels.contains(&value) {
                continue;
            }
            let at = match &add.position {
                Some(AlterTypeAddValuePosition::Before(n)) => {
                    labels.iter().position(|l| *l == n.value)
                }
                Some(AlterTypeAddValuePosition::After(n)) => {
                    labels.iter().position(|l| *l == n.value).map(|i| i + 1)
                }
                None => None,
            };
            labels.insert(at.unwrap_or(labels.len()), value);
        }
    }

    /// `CREATE DOMAIN name AS base ...`: `parts` is the name (unquoted), `base`
    /// the base type already normalised.
    pub fn create_domain(&mut self, parts: &[String], base: String) {
        for key in type_keys(parts) {
            self.domains.insert(key, base.clone());
        }
    }

    /// The base type of a domain type name (as `normalize_type` spells it), if it is one.
    fn domain_base(&self, data_type: &str) -> Option<String> {
        let (name, array) = match data_type.strip_suffix("[]") {
            Some(n) => (n, true),
            None => (data_type, false),
        };
        let plain = unquote(name);
        let bare = plain.rsplit('.').next().unwrap_or(&plain);
        let base = [name, plain.as_str(), bare]
            .iter()
            .find_map(|k| self.domains.get(*k))?;
        Some(if array && !base.ends_with("[]") {
            format!("{base}[]")
        } else {
            base.clone()
        })
    }

    /// Columns of a domain type get the domain's base type.
    pub(super) fn resolve_domains(&mut self) {
        if self.domains.is_empty() {
            return;
        }
        let mut tables = std::mem::take(&mut self.tables);
        for col in tables.iter_mut().flat_map(|t| t.columns.iter_mut()) {
            for _ in 0..MAX_DOMAIN_DEPTH {
                match self.domain_base(&col.data_type) {
                    Some(base) => col.data_type = base,
                    None => break,
                }
            }
        }
        self.tables = tables;
    }
}
