//! Validation: the checks a Django user knows from `manage.py check`, and more.
//!
//! Runs in passes over the lowered schema: resolve relations, then check fields, relations,
//! names, Meta and what each configured dialect can express, and last (on a schema without
//! errors) that the names of every planned table, index and constraint are unique. Each pass
//! reports every problem it finds and none panics. A schema with errors never reaches a
//! backend.

mod dialects;
mod fields;
mod meta;
mod names;
mod relations;

use std::fmt;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{Field, Model, ModelKind, Schema};

/// Validates `schema`, resolving its relations in place. Returns true if it has no errors
/// (warnings allowed).
pub fn validate(schema: &mut Schema, diags: &mut Diagnostics) -> bool {
    relations::resolve(schema, diags);
    let schema: &Schema = schema;
    generated_dialect(schema, diags);
    // One pass over the models, each checked while its fields are in cache.
    let mut names = names::begin(schema, diags);
    let mut reverse = relations::ReverseNames::default();
    // The names of planned objects are only checked on a schema without errors, which
    // planning needs; they are collected as the models go, and dropped at the first error.
    let mut objects = (!diags.has_errors()).then(|| names::ObjectNames::new(schema));
    for (m, model) in schema.models.iter().enumerate() {
        // Proxies repeat their model's fields; abstract bases live in their children.
        if model.kind != ModelKind::Concrete {
            continue;
        }
        fields::check_model(schema, model, diags);
        relations::check_model(schema, model, &mut reverse, diags);
        names::check_model(model, &mut names, diags);
        meta::check_model(schema, model, diags);
        dialects::check_model(schema, model, diags);
        if diags.has_errors() {
            objects = None;
        }
        if let Some(objects) = objects.as_mut() {
            objects.add_model(schema, m);
        }
    }
    if let Some(objects) = objects {
        objects.finish(schema, diags);
    }
    !diags.has_errors()
}

/// `` `Model.field` `` in a message, written only when a message uses it (checks run on
/// every field; messages are rare).
pub(crate) struct FieldPath<'a>(pub &'a Model, pub &'a Field);

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}.{}`", self.0.name, self.1.name)
    }
}

/// Whether `s` is an identifier: a letter or `_`, then letters, digits and `_`.
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c == '_' || c.is_alphabetic() => chars.all(|c| c == '_' || c.is_alphanumeric()),
        _ => false,
    }
}

/// `[generate.rust] dialect` is one the models are checked for: `modelc check` says so, not
/// only the generation.
fn generated_dialect(schema: &Schema, diags: &mut Diagnostics) {
    let Some((dialect, span)) = schema
        .project
        .generate_rust
        .as_ref()
        .and_then(|g| g.dialect)
    else {
        return;
    };
    if !schema.project.dialects.contains(&dialect) {
        diags.push(
            Diagnostic::error(format!(
                "the generated code is for {dialect}, which is not among [project] dialects"
            ))
            .at(span)
            .label("this dialect")
            .help(format!(
                "add \"{dialect}\" to [project] dialects, so the models are checked for what it can express"
            )),
        );
    }
}
