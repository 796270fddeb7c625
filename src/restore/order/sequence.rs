//! Row order and the steps that carry it out.
//!
//! Loops through enforced links are broken first (see `breaks`); then one
//! Kahn walk over every row. The walk stays on the table it is inserting
//! into while that table has a ready row (fewer, larger batches; parents
//! first inside a self-referencing table), otherwise moves to the earliest
//! table by rank. When no row is free of pending parents it releases one
//! whose pending parents are only through links that may wait: unenforced
//! or deferred ones before ones that would cost a NULL and an UPDATE.

use super::breaks::{self, Breaks};
use super::graph::{loops, Digraph, Edge};
use super::{NodeLink, NullLink, OrderError, OrderInput, OrderPlan, RowId, RowSpace, Step};
use std::collections::{BTreeSet, HashMap};

/// How a link constrains the walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Enforced, not deferred: the parent must be inserted first.
    Hard,
    /// Breaks a loop: if the parent comes later, NULL now, UPDATE later.
    Nulled,
    /// Breaks a loop by deferring the constraint.
    Deferred,
    /// Not enforced live: followed when convenient.
    Loose,
}

impl Kind {
    /// Pending-parent counter it feeds: must wait / costs an UPDATE / free.
    fn slot(self) -> usize {
        match self {
            Kind::Hard => 0,
            Kind::Nulled => 1,
            Kind::Deferred | Kind::Loose => 2,
        }
    }
}

pub(super) fn plan(
    input: &OrderInput<'_>,
    rows: &RowSpace,
    links: &[NodeLink],
    ranks: &[usize],
    relation_rank: &[usize],
) -> Result<OrderPlan, OrderError> {
    let enforced = |l: &NodeLink| input.facts[l.relation].enforced;
    let hard = Digraph::new(
        rows.len(),
        links
            .iter()
            .filter(|l| enforced(l))
            .map(|l| (l.parent, l.child, l.relation)),
    );
    let mut loop_of: HashMap<usize, usize> = HashMap::new();
    let mut chosen: Vec<Breaks> = Vec::new();
    for component in loops(&hard) {
        let breaks = breaks::choose(
            &hard,
            &component,
            input.relations,
            input.facts,
            relation_rank,
        )
        .map_err(|stuck| unbreakable(input, rows, relation_rank, &stuck))?;
        for &v in &component {
            loop_of.insert(v, chosen.len());
        }
        chosen.push(breaks);
    }
    let kinds: Vec<Kind> = links
        .iter()
        .map(|l| {
            if !enforced(l) {
                return Kind::Loose;
            }
            match (loop_of.get(&l.parent), loop_of.get(&l.child)) {
                (Some(a), Some(b)) if a == b => {
                    let breaks = &chosen[*a];
                    if breaks.deferred.contains(&l.relation) {
                        Kind::Deferred
                    } else if breaks.nulled.contains(&l.relation) {
                        Kind::Nulled
                    } else {
                        Kind::Hard
                    }
                }
                _ => Kind::Hard,
            }
        })
        .collect();

    let walk_graph = Digraph::new(
        rows.len(),
        links
            .iter()
            .enumerate()
            .map(|(i, l)| (l.parent, l.child, i)),
    );
    let order = walk(rows, ranks, &walk_graph, &kinds).ok_or_else(|| {
        OrderError::InvalidInput("internal: rows left with parents that must come first".into())
    })?;
    let mut position = vec![0; rows.len()];
    for (p, &v) in order.iter().enumerate() {
        position[v] = p;
    }

    // Which breaks the walk actually used.
    let mut deferred: Vec<usize> = Vec::new();
    let mut fixes: Vec<&NodeLink> = Vec::new();
    for (link, kind) in links.iter().zip(&kinds) {
        if position[link.parent] < position[link.child] {
            continue;
        }
        match kind {
            Kind::Deferred => deferred.push(link.relation),
            Kind::Nulled => fixes.push(link),
            Kind::Loose => {}
            Kind::Hard => {
                return Err(OrderError::InvalidInput(
                    "internal: a parent row was placed after its child".into(),
                ))
            }
        }
    }
    deferred.sort_unstable_by_key(|&r| relation_rank[r]);
    deferred.dedup();
    fixes.sort_by_key(|l| {
        (
            position[l.parent],
            position[l.child],
            relation_rank[l.relation],
        )
    });
    let mut nulled: HashMap<usize, Vec<usize>> = HashMap::new();
    for link in &fixes {
        nulled.entry(link.child).or_default().push(link.relation);
    }
    for relations in nulled.values_mut() {
        relations.sort_unstable_by_key(|&r| relation_rank[r]);
    }

    let mut steps = Vec::new();
    if !deferred.is_empty() {
        steps.push(Step::DeferConstraints {
            relations: deferred,
        });
    }
    let mut fixes = fixes.into_iter().peekable();
    let mut start = 0;
    while start < order.len() {
        let table = rows.table(order[start]);
        let end = order[start..]
            .iter()
            .position(|&v| rows.table(v) != table)
            .map_or(order.len(), |n| start + n);
        let batch = &order[start..end];
        let null_links = batch
            .iter()
            .flat_map(|v| {
                let row = rows.id(*v).row;
                nulled
                    .get(v)
                    .into_iter()
                    .flatten()
                    .map(move |&relation| NullLink { row, relation })
            })
            .collect();
        steps.push(Step::Insert {
            table,
            rows: batch.iter().map(|&v| rows.id(v).row).collect(),
            null_links,
        });
        // Both rows of a link exist once its parent is in.
        while let Some(link) = fixes.next_if(|l| position[l.parent] < end) {
            let child = rows.id(link.child);
            steps.push(Step::FixLink {
                table: child.table,
                row: child.row,
                relation: link.relation,
                parent: rows.id(link.parent),
            });
        }
        start = end;
    }
    Ok(OrderPlan { steps })
}

/// Ready tier of a row from its pending parents per slot: 0 nothing
/// pending, 1 only free links pending, 2 links costing an UPDATE pending;
/// `None` while an enforced parent is still to come.
fn tier(waiting: [u32; 3]) -> Option<usize> {
    match waiting {
        [0, 0, 0] => Some(0),
        [0, 0, _] => Some(1),
        [0, _, _] => Some(2),
        _ => None,
    }
}

/// Kahn's walk; `None` if enforced links still form a loop (a bug upstream).
fn walk(rows: &RowSpace, ranks: &[usize], graph: &Digraph, kinds: &[Kind]) -> Option<Vec<usize>> {
    let n = rows.len();
    let mut waiting = vec![[0u32; 3]; n];
    for v in 0..n {
        for (w, link) in graph.out(v) {
            waiting[w][kinds[link].slot()] += 1;
        }
    }
    // ready[table][tier]: rows by number, i.e. by row index within the table.
    let mut ready: Vec<[BTreeSet<usize>; 3]> = ranks.iter().map(|_| Default::default()).collect();
    for (v, w) in waiting.iter().enumerate() {
        if let Some(t) = tier(*w) {
            ready[rows.table(v)][t].insert(v);
        }
    }
    let mut by_rank: Vec<usize> = (0..ranks.len()).collect();
    by_rank.sort_by_key(|&t| ranks[t]);

    let mut done = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let mut current = by_rank.first().copied().unwrap_or(0);
    while order.len() < n {
        let (table, t, v) = (0..3).find_map(|t| {
            std::iter::once(current)
                .chain(by_rank.iter().copied())
                .find_map(|table| Some((table, t, *ready[table][t].first()?)))
        })?;
        ready[table][t].remove(&v);
        done[v] = true;
        order.push(v);
        current = table;
        for (w, link) in graph.out(v) {
            if done[w] {
                continue;
            }
            let before = tier(waiting[w]);
            waiting[w][kinds[link].slot()] -= 1;
            let after = tier(waiting[w]);
            if before != after {
                let home = &mut ready[rows.table(w)];
                if let Some(b) = before {
                    home[b].remove(&w);
                }
                if let Some(a) = after {
                    home[a].insert(w);
                }
            }
        }
    }
    Some(order)
}

/// The error for a loop nothing can break, in the operator's terms.
fn unbreakable(
    input: &OrderInput<'_>,
    rows: &RowSpace,
    relation_rank: &[usize],
    stuck: &[Edge],
) -> OrderError {
    let mut relations: Vec<usize> = stuck.iter().map(|e| e.2).collect();
    relations.sort_unstable_by_key(|&r| relation_rank[r]);
    relations.dedup();
    let loop_rows: Vec<RowId> = stuck.iter().map(|e| rows.id(e.0)).collect();
    let mut tables: Vec<_> = loop_rows
        .iter()
        .map(|id| input.tables[id.table].name.clone())
        .collect();
    tables.sort();
    tables.dedup();
    OrderError::UnbreakableCycle {
        tables,
        descriptions: relations
            .iter()
            .map(|&r| input.relations[r].arrow())
            .collect(),
        relations,
        rows: loop_rows,
    }
}
