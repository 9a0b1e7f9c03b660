//! What an operation refers to must exist where it applies.
//!
//! A migration file is hand-editable, so replaying it checks what models.toml validation
//! would: an index, constraint or unique_together names fields of its model (when the
//! operation applies), and, at the end of each migration, every relation points at a model
//! that exists (and at a field of it, for `to_field`). Relations are checked per migration,
//! not per operation, because the SQL of a migration is planned from the states before and
//! after it: within one migration, makemigrations may add a relation before the field it
//! points at, or delete models that point at each other one after the other. Removing what
//! something still uses is refused too: a field its model's indexes or constraints use (at
//! the `remove_field`), a model or field a relation points at (at the `delete_model` or
//! `remove_field`). Each problem is one diagnostic at the name that is wrong, with what to
//! write instead.

use crate::diagnostics::Diagnostic;
use crate::frontend::toml::did_you_mean;
use crate::ir::{Constraint, Field, FieldSet, Index, Model, Name, SqlExpr, SqlExprKind};
use crate::source::Span;

use super::ops::{Op, Operation};
use super::state::State;

/// `did you mean` among `candidates`, else the list of them (or that there are none).
fn suggest<'c>(name: &str, candidates: impl Iterator<Item = &'c str>, what: &str) -> String {
    let all: Vec<&str> = candidates.collect();
    match did_you_mean(name, all.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => {
            if all.is_empty() {
                format!("there are no {what} at this point of the migrations")
            } else {
                format!(
                    "the {what} at this point of the migrations are: {}",
                    all.join(", ")
                )
            }
        }
    }
}

/// No model `name` in the state.
pub fn unknown_model(state: &State, name: &str, span: Span) -> Diagnostic {
    let names = state.models().iter().map(|m| m.name.text.as_str());
    Diagnostic::error(format!("no model `{name}` at this point of the migrations"))
        .at(span)
        .label("unknown model")
        .help(format!(
            "{} (the migrations before this operation never create `{name}`, or delete it)",
            suggest(name, names, "models")
        ))
}

/// No field `name` in `model` of the state.
pub fn unknown_field(model: &Model, name: &str, span: Span) -> Diagnostic {
    let names = model.fields.iter().map(|f| f.name.text.as_str());
    Diagnostic::error(format!(
        "model `{}` has no field `{name}` at this point of the migrations",
        model.name
    ))
    .at(span)
    .label("unknown field")
    .help(format!(
        "{} (the migrations before this operation never add `{name}` to `{}`, or remove it)",
        suggest(name, names, &format!("fields of `{}`", model.name)),
        model.name
    ))
}

/// A field named by an index, a constraint or unique_together: it exists and has a column.
fn field_ref(model: &Model, name: &Name, what: &str) -> Result<(), Diagnostic> {
    match model.lookup(&name.text) {
        Some(f) if f.has_column() => Ok(()),
        Some(_) => Err(Diagnostic::error(format!(
            "{what} of `{}` names many-to-many field `{}`",
            model.name, name
        ))
        .at(name.span)
        .label("no column")
        .help("a many-to-many field has a table, not a column; name a column field")),
        None => {
            let columns = model.columns().map(|f| f.name.text.as_str());
            Err(Diagnostic::error(format!(
                "{what} of `{}` names unknown field `{}`",
                model.name, name
            ))
            .at(name.span)
            .label("no such field")
            .help(suggest(
                &name.text,
                columns,
                &format!("fields of `{}`", model.name),
            )))
        }
    }
}

/// The fields an expression (a check or a condition) names.
fn expr_refs(model: &Model, e: Option<&SqlExpr>, what: &str) -> Result<(), Diagnostic> {
    if let Some(SqlExprKind::Portable(expr)) = e.map(|e| &e.kind) {
        for (name, span) in expr.columns() {
            field_ref(model, &Name::new(name, span), what)?;
        }
    }
    Ok(())
}

pub fn index_refs(model: &Model, index: &Index) -> Result<(), Diagnostic> {
    for f in &index.fields {
        field_ref(model, &f.field, "an index")?;
    }
    expr_refs(model, index.condition.as_ref(), "an index condition")
}

pub fn constraint_refs(model: &Model, c: &Constraint) -> Result<(), Diagnostic> {
    match c {
        Constraint::Unique {
            fields, condition, ..
        } => {
            for f in &fields.fields {
                field_ref(model, f, "a unique constraint")?;
            }
            expr_refs(model, condition.as_ref(), "a constraint condition")
        }
        Constraint::Check { check, .. } => expr_refs(model, Some(check), "a check constraint"),
    }
}

pub fn unique_together_refs(model: &Model, sets: &[FieldSet]) -> Result<(), Diagnostic> {
    for set in sets {
        for f in &set.fields {
            field_ref(model, f, "unique_together")?;
        }
    }
    Ok(())
}

/// What a new model's Meta names: fields of its own.
pub fn meta_refs(model: &Model) -> Result<(), Diagnostic> {
    for i in &model.meta.indexes {
        index_refs(model, i)?;
    }
    for c in &model.meta.constraints {
        constraint_refs(model, c)?;
    }
    unique_together_refs(model, &model.meta.unique_together)
}

/// What of its own model still uses field `field` of `model`: an index, a constraint or
/// unique_together (makemigrations removes them before the field).
pub fn field_in_use(model: &Model, field: &Field, op: &Op) -> Result<(), Diagnostic> {
    let uses = |name: &str| {
        name == field.name.text || name == field.column || (name == "pk" && field.primary_key)
    };
    let expr_uses = |e: Option<&SqlExpr>| match e.map(|e| &e.kind) {
        Some(SqlExprKind::Portable(x)) => x.columns().iter().any(|(n, _)| uses(n)),
        _ => false,
    };
    let meta = &model.meta;
    let user = meta
        .indexes
        .iter()
        .find(|i| i.fields.iter().any(|f| uses(&f.field.text)) || expr_uses(i.condition.as_ref()))
        .map(|i| ("an index", i.span, "remove_index"))
        .or_else(|| {
            meta.constraints
                .iter()
                .find(|c| match c {
                    Constraint::Unique {
                        fields, condition, ..
                    } => {
                        fields.fields.iter().any(|f| uses(&f.text)) || expr_uses(condition.as_ref())
                    }
                    Constraint::Check { check, .. } => expr_uses(Some(check)),
                })
                .map(|c| ("a constraint", c.span(), "remove_constraint"))
        })
        .or_else(|| {
            meta.unique_together
                .iter()
                .find(|s| s.fields.iter().any(|f| uses(&f.text)))
                .map(|s| ("unique_together", s.span, "alter_unique_together"))
        });
    match user {
        None => Ok(()),
        Some((what, span, fix)) => Err(Diagnostic::error(format!(
            "cannot remove `{}.{}`: {what} of `{}` still uses it",
            model.name, field.name, model.name
        ))
        .at(op.at("field"))
        .label("still in use")
        .related(span, format!("{what} declared here"))
        .help(format!(
            "put a `{fix}` operation for it before this one (makemigrations writes them in that order)"
        ))),
    }
}

/// After a migration's operations: every relation points at a model (and `through`, and
/// `to_field`) that exists. What is missing was removed by an operation of this migration
/// (the error is at that operation), or never existed (the error is at the relation, which
/// this migration adds: earlier ones passed this check). Only migrations that add a relation
/// or remove anything are scanned.
pub fn relations(state: &State, ops: &[Op]) -> Result<(), Diagnostic> {
    let relevant = ops.iter().any(|op| match &op.kind {
        Operation::DeleteModel { .. } | Operation::RemoveField { .. } => true,
        Operation::CreateModel(m) => m.fields.iter().any(|f| f.relation.is_some()),
        Operation::AddField { field, .. } | Operation::AlterField { field, .. } => {
            field.relation.is_some()
        }
        _ => false,
    });
    if !relevant {
        return Ok(());
    }
    let still = |m: &Model, f: &Field| {
        format!(
            "remove or alter `{}.{}` first, in this migration or an earlier one",
            m.name, f.name
        )
    };
    for m in state.models() {
        for f in &m.fields {
            let Some(rel) = &f.relation else { continue };
            for target in std::iter::once(&rel.to).chain(rel.through.as_ref()) {
                if state.model_index(&target.text).is_some() {
                    continue;
                }
                let deleted = ops.iter().rev().find(|op| {
                    matches!(&op.kind, Operation::DeleteModel { model } if *model == target.text)
                });
                return Err(match deleted {
                    Some(op) => Diagnostic::error(format!(
                        "cannot delete model `{}`: `{}.{}` still points at it",
                        target, m.name, f.name
                    ))
                    .at(op.at("model"))
                    .label("still referenced")
                    .related(
                        target.span,
                        format!("`{}.{}` points at it here", m.name, f.name),
                    )
                    .help(still(m, f)),
                    None => {
                        let names = state.models().iter().map(|m| m.name.text.as_str());
                        Diagnostic::error(format!(
                            "`{}.{}` points at model `{}`, which does not exist at the end of this migration",
                            m.name, f.name, target
                        ))
                        .at(target.span)
                        .label("unknown model")
                        .help(format!(
                            "{} (create it in this migration or an earlier one)",
                            suggest(&target.text, names, "models")
                        ))
                    }
                });
            }
            let (Some(tf), Some(target)) = (&rel.to_field, state.schema().model(&rel.to.text))
            else {
                continue;
            };
            if target.lookup(&tf.text).is_some() {
                continue;
            }
            let removed = ops.iter().rev().find(|op| {
                matches!(&op.kind, Operation::RemoveField { model, field }
                    if *model == target.name.text && *field == tf.text)
            });
            return Err(match removed {
                Some(op) => Diagnostic::error(format!(
                    "cannot remove `{}.{}`: `{}.{}` still points at it (to_field)",
                    target.name, tf, m.name, f.name
                ))
                .at(op.at("field"))
                .label("still referenced")
                .related(
                    tf.span,
                    format!("`{}.{}` points at it here", m.name, f.name),
                )
                .help(still(m, f)),
                None => {
                    let names = target.columns().map(|f| f.name.text.as_str());
                    Diagnostic::error(format!(
                        "`{}.{}` points at field `{}` of `{}`, which does not exist at the end of this migration",
                        m.name, f.name, tf, target.name
                    ))
                    .at(tf.span)
                    .label("unknown field")
                    .help(format!(
                        "{} (add it in this migration or an earlier one)",
                        suggest(&tf.text, names, &format!("fields of `{}`", target.name))
                    ))
                }
            });
        }
    }
    Ok(())
}
