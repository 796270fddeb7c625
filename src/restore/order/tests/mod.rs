use super::*;
use crate::restore::relations::RelationOrigin;
use std::collections::{HashMap, HashSet};

#[derive(Clone, Copy)]
struct Style {
    enforced: bool,
    nullable: bool,
    deferrable: bool,
}

const NOT_NULL: Style = Style {
    enforced: true,
    nullable: false,
    deferrable: false,
};
const NULLABLE: Style = Style {
    nullable: true,
    ..NOT_NULL
};
const DEFERRABLE: Style = Style {
    deferrable: true,
    ..NOT_NULL
};
const INFERRED: Style = Style {
    enforced: false,
    ..NOT_NULL
};

#[derive(Clone, Default)]
struct Fixture {
    tables: Vec<InsertTable>,
    relations: Vec<Relation>,
    facts: Vec<RelationFacts>,
    links: Vec<Link>,
}

impl Fixture {
    fn table(&mut self, name: &str, rows: usize) -> usize {
        self.tables.push(InsertTable {
            name: TableName::new(None, name),
            rows,
        });
        self.tables.len() - 1
    }

    fn relation(&mut self, child: &str, column: &str, parent: &str, style: Style) -> usize {
        self.relations.push(Relation {
            name: Some(format!("{child}_{column}_fkey")),
            child: TableName::new(None, child),
            child_columns: vec![column.to_owned()],
            parent: TableName::new(None, parent),
            parent_columns: vec!["id".to_owned()],
            origin: if style.enforced {
                RelationOrigin::Live
            } else {
                RelationOrigin::Inferred
            },
            deferrable: style.deferrable,
            initially_deferred: false,
        });
        self.facts.push(RelationFacts {
            enforced: style.enforced,
            nullable: style.nullable,
        });
        self.relations.len() - 1
    }

    fn index_of(&self, table: &TableName) -> usize {
        self.tables.iter().position(|t| t.name == *table).unwrap()
    }

    /// Row `child` references row `parent` through `relation`.
    fn link(&mut self, relation: usize, child: usize, parent: usize) {
        let r = &self.relations[relation];
        let link = Link {
            child: RowId {
                table: self.index_of(&r.child),
                row: child,
            },
            relation,
            parent: RowId {
                table: self.index_of(&r.parent),
                row: parent,
            },
        };
        self.links.push(link);
    }

    fn plan(&self) -> Result<OrderPlan, OrderError> {
        plan_order(&OrderInput {
            tables: &self.tables,
            relations: &self.relations,
            facts: &self.facts,
            links: &self.links,
        })
    }

    /// The plan by names, independent of how tables and relations were listed.
    fn show(&self, plan: &OrderPlan) -> Vec<String> {
        let table = |t: usize| self.tables[t].name.to_string();
        let rel = |r: usize| self.relations[r].arrow();
        let column = |r: usize| self.relations[r].child_columns.join(",");
        plan.steps
            .iter()
            .map(|step| match step {
                Step::DeferConstraints { relations } => format!(
                    "defer {}",
                    relations
                        .iter()
                        .map(|&r| rel(r))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                Step::Insert {
                    table: t,
                    rows,
                    null_links,
                } => {
                    let mut s = format!("insert {} {rows:?}", table(*t));
                    for n in null_links {
                        s.push_str(&format!(" null {}.{}", n.row, column(n.relation)));
                    }
                    s
                }
                Step::FixLink {
                    table: t,
                    row,
                    relation,
                    parent,
                } => format!(
                    "fix {}.{row}.{} = {}.{}",
                    table(*t),
                    column(*relation),
                    table(parent.table),
                    parent.row
                ),
            })
            .collect()
    }

    /// Every row once; every enforced link satisfied by order, deferral or
    /// NULL-then-UPDATE; breaks only where the relation allows them.
    fn assert_valid(&self, plan: &OrderPlan) {
        let mut step_of: HashMap<RowId, usize> = HashMap::new();
        let mut position: HashMap<RowId, usize> = HashMap::new();
        let mut nulled: HashSet<(RowId, usize)> = HashSet::new();
        let mut fixed: HashMap<(RowId, usize), usize> = HashMap::new();
        let deferred: HashSet<usize> = plan.deferred().iter().copied().collect();
        for (i, step) in plan.steps.iter().enumerate() {
            match step {
                Step::DeferConstraints { .. } => assert_eq!(i, 0, "deferral comes first"),
                Step::Insert {
                    table,
                    rows,
                    null_links,
                } => {
                    assert!(!rows.is_empty());
                    for &row in rows {
                        let id = RowId { table: *table, row };
                        assert!(step_of.insert(id, i).is_none(), "{id:?} inserted twice");
                        position.insert(id, position.len());
                    }
                    for n in null_links {
                        assert!(rows.contains(&n.row));
                        nulled.insert((
                            RowId {
                                table: *table,
                                row: n.row,
                            },
                            n.relation,
                        ));
                    }
                }
                Step::FixLink {
                    table,
                    row,
                    relation,
                    ..
                } => {
                    let id = RowId {
                        table: *table,
                        row: *row,
                    };
                    assert!(fixed.insert((id, *relation), i).is_none());
                }
            }
        }
        let total: usize = self.tables.iter().map(|t| t.rows).sum();
        assert_eq!(position.len(), total, "every row inserted");
        assert_eq!(
            nulled,
            fixed.keys().copied().collect::<HashSet<_>>(),
            "each NULL set later"
        );
        for &(_, r) in &nulled {
            assert!(self.facts[r].nullable && self.facts[r].enforced);
        }
        for &r in &deferred {
            assert!(self.relations[r].deferrable && self.facts[r].enforced);
        }
        for link in &self.links {
            if link.child == link.parent || !self.facts[link.relation].enforced {
                continue;
            }
            if deferred.contains(&link.relation) {
                continue;
            }
            if let Some(&fix) = fixed.get(&(link.child, link.relation)) {
                assert!(fix > step_of[&link.parent] && fix > step_of[&link.child]);
                continue;
            }
            assert!(
                position[&link.parent] < position[&link.child],
                "{link:?} violated"
            );
        }
    }
}

/// Small deterministic generator; no dependency for tests.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n.max(1) as u64) as usize
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// Users 0 and 1 belong to organization 0, which user 0 owns: a loop of
/// user 0 and organization 0 when both relations are enforced.
fn users_and_organizations(user_org: Style, org_owner: Style) -> (Fixture, usize, usize) {
    let mut f = Fixture::default();
    f.table("users", 2);
    f.table("organizations", 1);
    let org = f.relation("users", "organization_id", "organizations", user_org);
    let owner = f.relation("organizations", "owner_id", "users", org_owner);
    // User 0 owns organization 0 and belongs to it; user 1 belongs to it too.
    f.link(org, 0, 0);
    f.link(org, 1, 0);
    f.link(owner, 0, 0);
    (f, org, owner)
}

mod loops;
mod ordering;
mod stress;
