//! Directed graphs over dense node numbers: loops (strongly connected
//! components), acyclicity, and one concrete loop to show an operator.
//! Iterative throughout: a 100,000-row chain must not exhaust the stack.

use std::collections::VecDeque;

/// Out-edges of node `n` are `start[n]..start[n + 1]`, each with a label
/// (a relation index). Built once, read many times.
pub(super) struct Digraph {
    start: Vec<usize>,
    target: Vec<usize>,
    label: Vec<usize>,
}

/// `(from, to, label)`; `from` must come before `to` in an order.
pub(super) type Edge = (usize, usize, usize);

impl Digraph {
    /// Every node in `edges` must be below `nodes`. Each node's out-edges
    /// keep the order they had in `edges`.
    pub(super) fn new(nodes: usize, edges: impl IntoIterator<Item = Edge> + Clone) -> Self {
        let mut start = vec![0usize; nodes + 1];
        for (from, _, _) in edges.clone() {
            start[from + 1] += 1;
        }
        for n in 0..nodes {
            start[n + 1] += start[n];
        }
        let total = start[nodes];
        let mut fill = start.clone();
        let mut target = vec![0; total];
        let mut label = vec![0; total];
        for (from, to, l) in edges {
            let at = fill[from];
            target[at] = to;
            label[at] = l;
            fill[from] += 1;
        }
        Digraph {
            start,
            target,
            label,
        }
    }

    pub(super) fn nodes(&self) -> usize {
        self.start.len() - 1
    }

    /// `(to, label)` for each edge leaving `node`.
    pub(super) fn out(&self, node: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        (self.start[node]..self.start[node + 1]).map(|e| (self.target[e], self.label[e]))
    }
}

/// Strongly connected components of more than one node (self-loops do not
/// count), each sorted, listed by their smallest node. Tarjan's algorithm.
pub(super) fn loops(g: &Digraph) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = g.nodes();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    // (node, next out-edge to look at)
    let mut calls: Vec<(usize, usize)> = Vec::new();
    let mut next_index = 0;
    let mut found = Vec::new();
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        calls.push((root, g.start[root]));
        while let Some(top) = calls.last_mut() {
            let (v, edge) = *top;
            if edge < g.start[v + 1] {
                top.1 += 1;
                let w = g.target[edge];
                if index[w] == UNSEEN {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, g.start[w]));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(u, _)) = calls.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort_unstable();
                    found.push(component);
                }
            }
        }
    }
    found.sort_unstable_by_key(|c| c[0]);
    found
}

/// True when no loop exists (self-loops ignored). Kahn's count.
pub(super) fn acyclic(g: &Digraph) -> bool {
    let n = g.nodes();
    let mut waiting = vec![0usize; n];
    for v in 0..n {
        for (w, _) in g.out(v) {
            if w != v {
                waiting[w] += 1;
            }
        }
    }
    let mut ready: Vec<usize> = (0..n).filter(|&v| waiting[v] == 0).collect();
    let mut done = 0;
    while let Some(v) = ready.pop() {
        done += 1;
        for (w, _) in g.out(v) {
            if w != v {
                waiting[w] -= 1;
                if waiting[w] == 0 {
                    ready.push(w);
                }
            }
        }
    }
    done == n
}

/// A shortest loop through `component[0]`, as edges in walking order.
/// `component` must be one of [`loops`]' answers for `g`.
pub(super) fn one_loop(g: &Digraph, component: &[usize]) -> Vec<Edge> {
    let Some(&start) = component.first() else {
        return Vec::new();
    };
    let mut member = vec![false; g.nodes()];
    for &v in component {
        member[v] = true;
    }
    // came_from[v] = (previous node, label) on the shortest path from start.
    let mut came_from: Vec<Option<(usize, usize)>> = vec![None; g.nodes()];
    let mut queue = VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for (w, label) in g.out(v) {
            if w == v {
                continue;
            }
            if w == start {
                let mut path = vec![(v, start, label)];
                let mut at = v;
                while at != start {
                    let Some((prev, l)) = came_from[at] else {
                        break;
                    };
                    path.push((prev, at, l));
                    at = prev;
                }
                path.reverse();
                return path;
            }
            if member[w] && came_from[w].is_none() {
                came_from[w] = Some((v, label));
                queue.push_back(w);
            }
        }
    }
    Vec::new()
}
