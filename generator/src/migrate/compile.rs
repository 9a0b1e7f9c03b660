//! Compiles one migration to SQL: up and down for each dialect, from the state before it.

use crate::ddl::{self, alter::render_script};
use crate::diagnostics::Diagnostic;
use crate::ir::{DialectName, Schema};

use super::ops::{Op, Operation};
use super::sql::{Step, Tables, Unchanged, script};
use super::state::State;

/// One migration's SQL for one dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationSql {
    pub dialect: DialectName,
    pub up: String,
    /// `None` when the migration cannot be undone (RunSQL without reverse_sql).
    pub down: Option<String>,
}

enum Piece {
    /// Indices of the states before and after, in the snapshots.
    Schema(usize, usize),
    /// Index of the RunSQL operation.
    Raw(usize),
}

/// Applies `ops` to `state` (which ends as the state after the migration) and compiles the
/// migration's SQL for each dialect. `name` and `source` (the line naming the migration file
/// and its fingerprint) head the files.
pub fn compile(
    state: &mut State,
    ops: &[Op],
    dialects: &[DialectName],
    name: &str,
    source: &str,
) -> Result<Vec<MigrationSql>, Diagnostic> {
    for op in ops {
        uncovered(op, dialects)?;
    }
    let mut snapshots: Vec<Schema> = vec![state.resolved().clone()];
    let mut pieces: Vec<Piece> = Vec::new();
    let mut pending = false;
    for (i, op) in ops.iter().enumerate() {
        if let Operation::RunSql { .. } = op.kind {
            if pending {
                snapshots.push(state.resolved().clone());
                pieces.push(Piece::Schema(snapshots.len() - 2, snapshots.len() - 1));
                pending = false;
            }
            pieces.push(Piece::Raw(i));
        } else {
            op.apply(state)?;
            pending = true;
        }
    }
    super::refs::relations(state, ops)?;
    // The state after the migration is the last one: borrowed from `state`, not copied.
    if pending {
        pieces.push(Piece::Schema(snapshots.len() - 1, snapshots.len()));
    }
    let last: &Schema = if pending {
        state.resolved()
    } else {
        state.schema()
    };
    let schema_at = |i: usize| snapshots.get(i).unwrap_or(last);
    // The tables of each state, and what each schema step leaves unchanged: found once for
    // every dialect and both directions.
    let states = snapshots.len() + usize::from(pending);
    let tables: Vec<Tables> = (0..states).map(|i| Tables::new(schema_at(i))).collect();
    let at = |i: usize| &tables[i];
    let unchanged: Vec<Unchanged> = pieces
        .iter()
        .map(|p| match p {
            Piece::Schema(a, b) => Unchanged::between(schema_at(*a), schema_at(*b)),
            Piece::Raw(_) => Unchanged::default(),
        })
        .collect();
    let reversible = ops.iter().all(|op| op.kind.reversible());
    let mut out = Vec::new();
    for &dialect in dialects {
        let d = ddl::dialect_for(dialect);
        let raw = |i: usize, reverse: bool| -> &str {
            match &ops[i].kind {
                Operation::RunSql {
                    forward,
                    reverse: back,
                } => {
                    let items = if reverse {
                        back.as_ref()
                    } else {
                        Some(forward)
                    };
                    items
                        .and_then(|items| {
                            items
                                .iter()
                                .find(|(d, _)| *d == Some(dialect))
                                .or_else(|| items.iter().find(|(d, _)| d.is_none()))
                        })
                        .map_or("", |(_, sql)| sql.as_str())
                }
                _ => "",
            }
        };
        let up_steps: Vec<Step> = pieces
            .iter()
            .zip(&unchanged)
            .map(|(p, unchanged)| match p {
                Piece::Schema(a, b) => Step::Schema {
                    before: at(*a),
                    after: at(*b),
                    unchanged,
                },
                Piece::Raw(i) => Step::Raw(raw(*i, false)),
            })
            .collect();
        let note = if reversible {
            ""
        } else {
            "-- Irreversible: a run_sql operation has no reverse_sql, so there is no down migration.\n"
        };
        let up = file_text(
            name,
            "up",
            source,
            note,
            &render_script(&script(&up_steps, d), d),
        );
        let down = reversible.then(|| {
            let steps: Vec<Step> = pieces
                .iter()
                .zip(&unchanged)
                .rev()
                .map(|(p, unchanged)| match p {
                    Piece::Schema(a, b) => Step::Schema {
                        before: at(*b),
                        after: at(*a),
                        unchanged,
                    },
                    Piece::Raw(i) => Step::Raw(raw(*i, true)),
                })
                .collect();
            file_text(
                name,
                "down",
                source,
                "",
                &render_script(&script(&steps, d), d),
            )
        });
        out.push(MigrationSql { dialect, up, down });
    }
    Ok(out)
}

/// The text of an SQL file: sqlx's `-- no-transaction` first where the script manages its
/// own transaction, then a header, then the statements (a no-op when there are none, since
/// MySQL refuses an empty query).
fn file_text(name: &str, direction: &str, source: &str, note: &str, body: &str) -> String {
    let mut out = String::new();
    let body = match body.strip_prefix("-- no-transaction\n") {
        Some(rest) => {
            out.push_str("-- no-transaction\n");
            rest
        }
        None => body,
    };
    out.push_str(&format!("-- modelc migration {name} ({direction})\n"));
    out.push_str(source);
    out.push_str(note);
    if body.trim().is_empty() {
        out.push_str("-- Nothing changes in this database.\nSELECT 1;\n");
    } else {
        out.push_str(body);
    }
    out
}

/// A run_sql must say what to run on every dialect it is compiled for: its own text or
/// `default`. Nothing is not a choice made silently (an empty file also fails on MySQL).
fn uncovered(op: &Op, dialects: &[DialectName]) -> Result<(), Diagnostic> {
    let Operation::RunSql { forward, reverse } = &op.kind else {
        return Ok(());
    };
    let sides =
        std::iter::once(("sql", forward)).chain(reverse.as_ref().map(|r| ("reverse_sql", r)));
    for (key, items) in sides {
        let covers = |d: DialectName| items.iter().any(|(x, _)| *x == Some(d) || x.is_none());
        let missing: Vec<&str> = dialects
            .iter()
            .filter(|d| !covers(**d))
            .map(|d| d.as_str())
            .collect();
        if let Some(first) = missing.first() {
            return Err(Diagnostic::error(format!(
                "`{key}` of run_sql has no SQL for {}",
                missing.join(", ")
            ))
            .at(op.at(key))
            .label("incomplete per-dialect SQL")
            .help(format!(
                "add {first} = \"...\" (or default = \"...\" for every dialect not listed); {first} = \"SELECT 1\" when nothing is to run there"
            )));
        }
    }
    Ok(())
}
