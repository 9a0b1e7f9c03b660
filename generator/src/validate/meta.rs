//! Meta: every field named by ordering, get_latest_by, indexes, unique_together and
//! constraints exists and has a column; every check and condition names existing fields,
//! and per-dialect SQL covers every configured dialect.

use std::collections::HashSet;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::frontend::toml::did_you_mean;
use crate::ir::{Constraint, FieldType, Model, Name, Schema, SqlExpr, SqlExprKind};

use super::fields::volatile_call;

pub(super) fn check_model(schema: &Schema, model: &Model, diags: &mut Diagnostics) {
    let m = &model.meta;
    for o in &m.ordering {
        field_ref(model, &o.field, "ordering", diags);
    }
    if let Some(f) = &m.get_latest_by {
        field_ref(model, f, "get_latest_by", diags);
    }
    for index in &m.indexes {
        if index.fields.is_empty() {
            diags.push(
                Diagnostic::error(format!("an index of `{}` has no fields", model.name))
                    .at(index.span)
                    .label("empty index")
                    .help("list the fields: fields = [\"a\", \"-b\"]"),
            );
        }
        let names: Vec<&Name> = index.fields.iter().map(|f| &f.field).collect();
        field_set(model, &names, "index", diags);
        if let Some(c) = &index.condition {
            expression(schema, model, c, "index condition", diags);
        }
    }
    for set in &m.unique_together {
        if set.fields.is_empty() {
            diags.push(
                Diagnostic::error(format!(
                    "an entry of unique_together of `{}` is empty",
                    model.name
                ))
                .at(set.span)
                .label("no fields")
                .help("list two or more fields, e.g. [\"a\", \"b\"]"),
            );
        }
        let names: Vec<&Name> = set.fields.iter().collect();
        field_set(model, &names, "unique_together", diags);
    }
    for c in &m.constraints {
        match c {
            Constraint::Unique {
                fields, condition, ..
            } => {
                if fields.fields.is_empty() {
                    diags.push(
                        Diagnostic::error(format!(
                            "a unique constraint of `{}` has no fields",
                            model.name
                        ))
                        .at(fields.span)
                        .label("no fields")
                        .help("list the fields that must be unique together"),
                    );
                }
                let names: Vec<&Name> = fields.fields.iter().collect();
                field_set(model, &names, "unique constraint", diags);
                if let Some(cond) = condition {
                    expression(schema, model, cond, "constraint condition", diags);
                }
            }
            Constraint::Check { check, .. } => expression(schema, model, check, "check", diags),
        }
    }
    if let (Some(text), Some(span)) = (&m.db_comment, m.db_comment_span) {
        if text.contains('\0') {
            diags.push(
                Diagnostic::error(format!(
                    "the db_comment of `{}` contains a NUL character",
                    model.name
                ))
                .at(span)
                .label("NUL cannot be stored")
                .help("remove the \\u0000 escape"),
            );
        }
    }
}

/// A field named in Meta: it must exist (by name, column or `pk`) and have a column.
fn field_ref(model: &Model, name: &Name, what: &str, diags: &mut Diagnostics) -> bool {
    match model.lookup(&name.text) {
        Some(f) if f.ty == FieldType::ManyToMany => {
            diags.push(
                Diagnostic::error(format!(
                    "{what} of `{}` names many-to-many field `{}`",
                    model.name, name
                ))
                .at(name.span)
                .label("no column")
                .help("a many-to-many field has a table, not a column; name a column field"),
            );
            false
        }
        Some(_) => true,
        None => {
            let mut d = Diagnostic::error(format!(
                "{what} of `{}` names unknown field `{}`",
                model.name, name
            ))
            .at(name.span)
            .label("no such field");
            d = match did_you_mean(&name.text, model.columns().map(|f| f.name.text.as_str())) {
                Some(best) => d.help(format!("did you mean `{best}`?")),
                None => d.help(format!(
                    "the fields of `{}` are: {}",
                    model.name,
                    model
                        .columns()
                        .map(|f| f.name.text.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            diags.push(d);
            false
        }
    }
}

fn field_set(model: &Model, names: &[&Name], what: &str, diags: &mut Diagnostics) {
    let mut seen = HashSet::new();
    for name in names {
        if !field_ref(model, name, what, diags) {
            continue;
        }
        let column = model
            .lookup(&name.text)
            .map(|f| f.column.clone())
            .unwrap_or_default();
        if !seen.insert(column) {
            diags.push(
                Diagnostic::error(format!("{what} of `{}` names `{}` twice", model.name, name))
                    .at(name.span)
                    .label("listed twice")
                    .help("remove the repetition"),
            );
        }
    }
}

/// Checks the fields a check or condition refers to, and that it does not depend on time.
fn expression(schema: &Schema, model: &Model, e: &SqlExpr, what: &str, diags: &mut Diagnostics) {
    match &e.kind {
        SqlExprKind::Portable(expr) => {
            for (name, span) in expr.columns() {
                let n = Name::new(name, span);
                field_ref(model, &n, what, diags);
            }
            if let Some(span) = volatile_call(expr) {
                diags.push(
                    Diagnostic::error(format!("the {what} of `{}` depends on the current time", model.name))
                        .at(span)
                        .label("not allowed here")
                        .help("checks and conditions must give the same answer whenever they run; compare with a constant"),
                );
            }
        }
        SqlExprKind::PerDialect(_) => {
            check_coverage(schema, e, &format!("the {what} of `{}`", model.name), diags)
        }
    }
}

/// Per-dialect SQL must say something for every configured dialect.
pub(super) fn check_coverage(schema: &Schema, e: &SqlExpr, what: &str, diags: &mut Diagnostics) {
    if let SqlExprKind::PerDialect(_) = &e.kind {
        let missing: Vec<&str> = schema
            .project
            .dialects
            .iter()
            .filter(|d| e.raw_for(**d).is_none())
            .map(|d| d.as_str())
            .collect();
        if !missing.is_empty() {
            diags.push(
                Diagnostic::error(format!("{what} has no SQL for {}", missing.join(", ")))
                    .at(e.span)
                    .label("incomplete per-dialect SQL")
                    .help(format!("add {} = \"...\" or default = \"...\"", missing[0])),
            );
        }
    }
}
