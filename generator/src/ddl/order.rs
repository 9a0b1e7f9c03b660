//! The order tables are created in: every table after the tables its foreign keys point
//! at, where a cycle allows it. Cycles (Customer ↔ Address) are broken at the table declared
//! first; the dialects that add foreign keys after the tables (or, on SQLite, resolve them
//! lazily) don't need more. Declaration order is kept wherever dependencies allow, so the
//! output is stable.

use std::collections::BTreeSet;

use crate::ir::Schema;

/// Indices into `schema.models` of the managed tables, dependencies first.
pub fn table_order(schema: &Schema) -> Vec<usize> {
    let tables: Vec<usize> = schema
        .models
        .iter()
        .enumerate()
        .filter(|(_, m)| m.has_table() && m.meta.managed)
        .map(|(i, _)| i)
        .collect();
    let n = schema.models.len();
    let mut is_table = vec![false; n];
    for &i in &tables {
        is_table[i] = true;
    }
    // deps[i]: tables model i points at; users[j]: tables pointing at j.
    let mut pending = vec![0usize; n];
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &i in &tables {
        let mut seen = BTreeSet::new();
        for f in &schema.models[i].fields {
            if !f.ty.is_fk() {
                continue;
            }
            let Some((mi, _)) = f.relation.as_ref().and_then(|r| r.target) else {
                continue;
            };
            let target = root_table(schema, mi);
            if target != i && is_table[target] && seen.insert(target) {
                pending[i] += 1;
                users[target].push(i);
            }
        }
    }
    let mut ready: BTreeSet<usize> = tables
        .iter()
        .copied()
        .filter(|&i| pending[i] == 0)
        .collect();
    let mut done = vec![false; n];
    let mut out = Vec::with_capacity(tables.len());
    while out.len() < tables.len() {
        let next = match ready.pop_first() {
            Some(i) => i,
            // A cycle: take the first declared table still waiting.
            None => match tables.iter().copied().find(|&i| !done[i]) {
                Some(i) => i,
                None => break,
            },
        };
        if done[next] {
            continue;
        }
        done[next] = true;
        out.push(next);
        for &u in &users[next] {
            if !done[u] {
                pending[u] = pending[u].saturating_sub(1);
                if pending[u] == 0 {
                    ready.insert(u);
                }
            }
        }
    }
    out
}

/// A proxy's relations point at the concrete model underneath.
fn root_table(schema: &Schema, mut i: usize) -> usize {
    for _ in 0..schema.models.len() {
        match &schema.models[i].kind {
            crate::ir::ModelKind::Proxy { of } => match schema.model_index(&of.text) {
                Some(j) => i = j,
                None => return i,
            },
            _ => return i,
        }
    }
    i
}
