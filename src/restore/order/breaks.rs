//! Breaking a loop of rows that reference each other through enforced
//! foreign keys: which relations to defer, which to write as NULL first.
//!
//! Deferring costs nothing (one `SET CONSTRAINTS` at the start); a nullable
//! link costs one UPDATE per row. Among the sets of relations whose removal
//! leaves no loop, the planner takes the one with the fewest UPDATEs, then
//! the fewest relations, then the first by relation content.

use super::graph::{acyclic, loops, one_loop, Digraph, Edge};
use super::RelationFacts;
use crate::restore::relations::Relation;

/// Above this many candidate relations in one loop, a greedy choice
/// replaces trying every combination (2^n acyclicity checks).
const EXHAUSTIVE_UP_TO: usize = 10;

#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Breaks {
    pub deferred: Vec<usize>,
    pub nulled: Vec<usize>,
}

struct Candidate {
    relation: usize,
    deferrable: bool,
    /// UPDATEs if broken by NULL-then-set (0 when deferred instead).
    fixups: usize,
}

/// `component`: the sorted nodes of one loop of `hard` (a graph of enforced
/// links, parent → child, labelled with the relation). On failure returns
/// one loop made only of relations that are NOT NULL and not DEFERRABLE.
pub(super) fn choose(
    hard: &Digraph,
    component: &[usize],
    relations: &[Relation],
    facts: &[RelationFacts],
    relation_rank: &[usize],
) -> Result<Breaks, Vec<Edge>> {
    let mut edges: Vec<Edge> = Vec::new();
    for (from, &v) in component.iter().enumerate() {
        for (w, relation) in hard.out(v) {
            if let Ok(to) = component.binary_search(&w) {
                edges.push((from, to, relation));
            }
        }
    }
    let mut present: Vec<usize> = edges.iter().map(|e| e.2).collect();
    present.sort_unstable_by_key(|&r| relation_rank[r]);
    present.dedup();
    let candidates: Vec<Candidate> = present
        .iter()
        .filter_map(|&relation| {
            let deferrable = relations[relation].deferrable;
            let uses = edges.iter().filter(|e| e.2 == relation).count();
            (deferrable || facts[relation].nullable).then_some(Candidate {
                relation,
                deferrable,
                fixups: if deferrable { 0 } else { uses },
            })
        })
        .collect();
    let without = |removed: &[bool]| {
        Digraph::new(
            component.len(),
            edges.iter().copied().filter(|e| {
                candidates
                    .iter()
                    .zip(removed)
                    .all(|(c, &gone)| !gone || c.relation != e.2)
            }),
        )
    };

    let all = vec![true; candidates.len()];
    let rest = without(&all);
    if !acyclic(&rest) {
        let stuck = loops(&rest)
            .first()
            .map(|c| one_loop(&rest, c))
            .unwrap_or_default();
        return Err(stuck
            .into_iter()
            .map(|(from, to, r)| (component[from], component[to], r))
            .collect());
    }

    let mut chosen = if candidates.len() <= EXHAUSTIVE_UP_TO {
        cheapest(&candidates, |removed| acyclic(&without(removed)))
    } else {
        greedy(&candidates, |removed| acyclic(&without(removed)))
    };
    // Once UPDATEs are needed anyway, every deferrable link is free slack
    // for the walk to spare some; deferrals it does not use are dropped.
    if candidates
        .iter()
        .zip(&chosen)
        .any(|(c, &p)| p && !c.deferrable)
    {
        for (c, picked) in candidates.iter().zip(chosen.iter_mut()) {
            *picked |= c.deferrable;
        }
    }
    let mut breaks = Breaks::default();
    for (c, picked) in candidates.iter().zip(chosen) {
        if picked {
            if c.deferrable {
                breaks.deferred.push(c.relation);
            } else {
                breaks.nulled.push(c.relation);
            }
        }
    }
    Ok(breaks)
}

/// Every combination, cheapest first; the full set is known to work.
fn cheapest(candidates: &[Candidate], works: impl Fn(&[bool]) -> bool) -> Vec<bool> {
    let k = candidates.len();
    let picked = |mask: u32| (0..k).map(|i| mask & (1 << i) != 0).collect::<Vec<_>>();
    let mut masks: Vec<u32> = (1..(1u32 << k)).collect();
    masks.sort_by_key(|&mask| {
        let fixups: usize = (0..k)
            .filter(|&i| mask & (1 << i) != 0)
            .map(|i| candidates[i].fixups)
            .sum();
        // On ties, the set holding the lowest-ranked relation wins.
        (
            fixups,
            mask.count_ones(),
            std::cmp::Reverse(mask.reverse_bits()),
        )
    });
    masks
        .into_iter()
        .map(picked)
        .find(|removed| works(removed))
        .unwrap_or_else(|| vec![true; k])
}

/// Defer everything deferrable, add nullable relations cheapest first until
/// the loop is gone, then drop those not needed after all.
fn greedy(candidates: &[Candidate], works: impl Fn(&[bool]) -> bool) -> Vec<bool> {
    let mut removed: Vec<bool> = candidates.iter().map(|c| c.deferrable).collect();
    let mut nullable: Vec<usize> = (0..candidates.len())
        .filter(|&i| !candidates[i].deferrable)
        .collect();
    nullable.sort_by_key(|&i| (candidates[i].fixups, i));
    let mut added = Vec::new();
    for &i in &nullable {
        if works(&removed) {
            break;
        }
        removed[i] = true;
        added.push(i);
    }
    for &i in added.iter().rev() {
        removed[i] = false;
        if !works(&removed) {
            removed[i] = true;
        }
    }
    removed
}
