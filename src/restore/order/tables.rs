//! Table-level order: parents before children over the relations in use,
//! Kahn's algorithm with ties broken by table name; tables that reference
//! each other in a loop sit together, by name, and rows sort them out.

use super::graph::{loops, Digraph};
use super::{InsertTable, NodeLink, RowSpace};
use std::collections::BTreeSet;

/// `rank[t]`: position of table `t` in the preferred order.
pub(super) fn ranks(tables: &[InsertTable], rows: &RowSpace, links: &[NodeLink]) -> Vec<usize> {
    let n = tables.len();
    let mut edges: Vec<(usize, usize)> = links
        .iter()
        .map(|l| (rows.table(l.parent), rows.table(l.child)))
        .filter(|(p, c)| p != c)
        .collect();
    edges.sort_unstable();
    edges.dedup();
    let table_graph = Digraph::new(n, edges.iter().map(|&(p, c)| (p, c, 0)));

    // Group tables: each loop is one group, every other table its own.
    let mut group_of: Vec<Option<usize>> = vec![None; n];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for component in loops(&table_graph) {
        for &t in &component {
            group_of[t] = Some(groups.len());
        }
        groups.push(component);
    }
    let group_of: Vec<usize> = (0..n)
        .map(|t| {
            group_of[t].unwrap_or_else(|| {
                groups.push(vec![t]);
                groups.len() - 1
            })
        })
        .collect();
    for group in &mut groups {
        group.sort_by(|&a, &b| tables[a].name.cmp(&tables[b].name));
    }

    let mut group_edges: Vec<(usize, usize)> = edges
        .iter()
        .map(|&(p, c)| (group_of[p], group_of[c]))
        .filter(|(p, c)| p != c)
        .collect();
    group_edges.sort_unstable();
    group_edges.dedup();
    let group_graph = Digraph::new(groups.len(), group_edges.iter().map(|&(p, c)| (p, c, 0)));
    let mut waiting = vec![0usize; groups.len()];
    for &(_, c) in &group_edges {
        waiting[c] += 1;
    }
    // Ready groups keyed by their first table's name (then index, for
    // identical names, which validation rules out anyway).
    let key = |g: usize| (&tables[groups[g][0]].name, g);
    let mut ready: BTreeSet<_> = (0..groups.len())
        .filter(|&g| waiting[g] == 0)
        .map(key)
        .collect();
    let mut rank = vec![0; n];
    let mut next = 0;
    while let Some((_, g)) = ready.pop_first() {
        for &t in &groups[g] {
            rank[t] = next;
            next += 1;
        }
        for (c, _) in group_graph.out(g) {
            waiting[c] -= 1;
            if waiting[c] == 0 {
                ready.insert(key(c));
            }
        }
    }
    rank
}
