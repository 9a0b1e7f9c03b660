//! Relations: resolve `to`, `to_field` and `through`; check `on_delete` rules, defaults of
//! relations, and reverse accessor and query name clashes (Django's fields.E302–E305).

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::frontend::toml::did_you_mean;
use crate::ir::{Field, FieldType, Model, ModelKind, OnDelete, Opt, Schema, Value};

use super::is_identifier;

/// Sets `relation.target` of every relation that resolves, reporting those that don't.
pub(super) fn resolve(schema: &mut Schema, diags: &mut Diagnostics) {
    // (model, field, resolved target)
    type Resolved = (usize, usize, Option<(usize, usize)>);
    let mut targets: Vec<Resolved> = Vec::new();
    for (mi, model) in schema.models.iter().enumerate() {
        for (fi, field) in model.fields.iter().enumerate() {
            let Some(rel) = field.relation.as_ref() else {
                continue;
            };
            if rel.to.text.is_empty() {
                continue;
            }
            let report = model.kind == ModelKind::Concrete;
            let Some(ti) = schema.model_index(&rel.to.text) else {
                if report {
                    let is_abstract = schema.abstracts.iter().any(|a| a.name.text == rel.to.text);
                    let mut d = if is_abstract {
                        Diagnostic::error(format!(
                            "`{}.{}` points at abstract model `{}`",
                            model.name, field.name, rel.to
                        ))
                        .at(rel.to.span)
                        .label("abstract models have no table")
                        .help("point at a model that extends it")
                    } else {
                        Diagnostic::error(format!(
                            "unknown model `{}` in `to` of `{}.{}`",
                            rel.to, model.name, field.name
                        ))
                        .at(rel.to.span)
                        .label("no such model")
                    };
                    if !is_abstract {
                        d = match did_you_mean(&rel.to.text, schema.models.iter().map(|m| m.name.text.as_str())) {
                            Some(best) => d.help(format!("did you mean `{best}`?")),
                            None => d.help("declare the model under [models.<Name>.fields], or use to = \"self\""),
                        };
                    }
                    diags.push(d);
                }
                targets.push((mi, fi, None));
                continue;
            };
            let target = &schema.models[ti];
            let tf = match &rel.to_field {
                Some(name) => match target.field_index(&name.text) {
                    Some(i) if target.fields[i].has_column() => {
                        if !target.fields[i].is_unique() && report {
                            diags.push(
                                Diagnostic::error(format!(
                                    "`{}.{}` is referenced by `{}.{}` through to_field, but is not unique",
                                    target.name, name, model.name, field.name
                                ))
                                .at(name.span)
                                .label("not unique")
                                .help(format!("add unique = true to `{}.{}`", target.name, name)),
                            );
                        }
                        Some(i)
                    }
                    _ => {
                        if report {
                            let mut d = Diagnostic::error(format!(
                                "`{}` has no field `{}` (to_field of `{}.{}`)",
                                target.name, name, model.name, field.name
                            ))
                            .at(name.span)
                            .label("no such field");
                            d = match did_you_mean(
                                &name.text,
                                target.columns().map(|f| f.name.text.as_str()),
                            ) {
                                Some(best) => d.help(format!("did you mean `{best}`?")),
                                None => d.help("to_field names a unique field of the target model"),
                            };
                            diags.push(d);
                        }
                        None
                    }
                },
                None => target.pk_index(),
            };
            targets.push((mi, fi, tf.map(|f| (ti, f))));
        }
    }
    for (mi, fi, target) in targets {
        if let Some(rel) = schema.models[mi].fields[fi].relation.as_mut() {
            rel.target = target;
        }
    }
}

/// Reverse accessor and query name of a relation, or `None` when it has none
/// (`related_name` ending in `+`, or a symmetrical many-to-many to self).
fn reverse_names(model_lower: &str, field: &Field, self_ref: bool) -> Option<(String, String)> {
    let rel = field.relation.as_ref()?;
    if let Some(rn) = &rel.related_name {
        if rn.text.ends_with('+') {
            return None;
        }
        return Some((rn.text.to_string(), rn.text.to_string()));
    }
    if field.ty == FieldType::ManyToMany && self_ref && rel.symmetrical.unwrap_or(true) {
        return None;
    }
    let accessor = if field.ty == FieldType::OneToOne {
        model_lower.to_string()
    } else {
        format!("{model_lower}_set")
    };
    Some((accessor, model_lower.to_string()))
}

/// (target model, reverse name) -> (model, field, where) of the first relation claiming it.
type Claims<'s> = HashMap<(&'s str, String), (&'s str, &'s str, crate::source::Span)>;

/// Reverse accessors and query names claimed so far, across models.
#[derive(Default)]
pub(super) struct ReverseNames<'s> {
    accessors: Claims<'s>,
    queries: Claims<'s>,
}

pub(super) fn check_model<'s>(
    schema: &'s Schema,
    model: &'s Model,
    claims: &mut ReverseNames<'s>,
    diags: &mut Diagnostics,
) {
    let accessors = &mut claims.accessors;
    let queries = &mut claims.queries;
    for field in &model.fields {
        let Some(rel) = field.relation.as_ref() else {
            continue;
        };
        let what = super::FieldPath(model, field);
        if let Some(rn) = &rel.related_name {
            let base = rn.text.trim_end_matches('+');
            if !(rn.text.ends_with('+') && (base.is_empty() || is_identifier(base)))
                && !is_identifier(&rn.text)
            {
                diags.push(
                    Diagnostic::error(format!(
                        "related_name `{}` of {what} is not a valid name",
                        rn.text
                    ))
                    .at(rn.span)
                    .label("not an identifier")
                    .help("use letters, digits and `_`, or \"+\" for no reverse accessor"),
                );
            }
        }
        match rel.on_delete {
            Some(OnDelete::SetNull) if !field.null => diags.push(
                Diagnostic::error(format!("{what} has on_delete = \"set_null\" but cannot be null"))
                    .at(field.span_of(Opt::OnDelete))
                    .label("set_null needs a nullable column")
                    .help("add null = true, or choose another on_delete rule"),
            ),
            Some(OnDelete::SetDefault) if field.default.is_none() && field.db_default.is_none() => diags.push(
                Diagnostic::error(format!("{what} has on_delete = \"set_default\" but no default"))
                    .at(field.span_of(Opt::OnDelete))
                    .label("set_default needs a default")
                    .help("add default = <a key of the target model>, or choose another on_delete rule"),
            ),
            _ => {}
        }
        if field.ty == FieldType::ManyToMany {
            check_m2m(schema, model, field, diags);
        }
        if let (Some(default), Some((_, target))) = (&field.default, schema.target(field)) {
            check_fk_default(&what, field, default, target, diags);
        }
        let Some((ti, _)) = rel.target else {
            continue;
        };
        let target = &schema.models[ti];
        let self_ref = target.name.text == model.name.text;
        let Some((accessor, query)) = reverse_names(&model.lower_name(), field, self_ref) else {
            continue;
        };
        let fix = || format!("add or change related_name on {what}");
        let rn_span = rel
            .related_name
            .as_ref()
            .map_or(field.name.span, |r| r.span);
        if let Some(clash) = target.fields.iter().find(|f| f.name.text == accessor) {
            diags.push(
                Diagnostic::error(format!(
                    "reverse accessor `{}.{accessor}` for {what} clashes with field `{}.{}`",
                    target.name, target.name, clash.name
                ))
                .at(rn_span)
                .label("reverse accessor clashes")
                .related(clash.name.span, "field of the same name")
                .help(fix())
                .note("Django's fields.E302"),
            );
        } else if let Some(clash) = target.fields.iter().find(|f| f.name.text == query) {
            diags.push(
                Diagnostic::error(format!(
                    "reverse query name `{query}` for {what} clashes with field `{}.{}`",
                    target.name, clash.name
                ))
                .at(rn_span)
                .label("reverse query name clashes")
                .related(clash.name.span, "field of the same name")
                .help(fix())
                .note("Django's fields.E303"),
            );
        }
        let key = (target.name.text.as_str(), accessor.clone());
        if let Some((om, of, ospan)) = accessors.get(&key) {
            diags.push(
                Diagnostic::error(format!(
                    "reverse accessor `{}.{accessor}` for {what} clashes with the reverse accessor for `{om}.{of}`",
                    target.name
                ))
                .at(rn_span)
                .label("same reverse accessor")
                .related(*ospan, "also claimed here")
                .help(fix())
                .note("Django's fields.E304"),
            );
        } else {
            accessors.insert(
                key,
                (model.name.text.as_str(), field.name.text.as_str(), rn_span),
            );
            let qkey = (target.name.text.as_str(), query.clone());
            if let Some((om, of, ospan)) = queries.get(&qkey) {
                diags.push(
                    Diagnostic::error(format!(
                        "reverse query name `{query}` for {what} clashes with the reverse query name for `{om}.{of}`"
                    ))
                    .at(rn_span)
                    .label("same reverse query name")
                    .related(*ospan, "also claimed here")
                    .help(fix())
                    .note("Django's fields.E305"),
                );
            } else {
                queries.insert(
                    qkey,
                    (model.name.text.as_str(), field.name.text.as_str(), rn_span),
                );
            }
        }
    }
}

fn check_m2m(schema: &Schema, model: &crate::ir::Model, field: &Field, diags: &mut Diagnostics) {
    let Some(rel) = field.relation.as_ref() else {
        return;
    };
    let what = format!("`{}.{}`", model.name, field.name);
    let self_ref = rel.to.text == model.name.text;
    if rel.symmetrical.is_some() && !self_ref {
        diags.push(
            Diagnostic::error(format!(
                "symmetrical on {what}, which does not point at its own model"
            ))
            .at(field.span_of(Opt::Symmetrical))
            .label("only for a many-to-many to self")
            .help("remove symmetrical"),
        );
    }
    let Some(through) = &rel.through else {
        return;
    };
    let Some(t) = schema.model(&through.text) else {
        let mut d = Diagnostic::error(format!(
            "unknown model `{}` in `through` of {what}",
            through
        ))
        .at(through.span)
        .label("no such model");
        d = match did_you_mean(
            &through.text,
            schema.models.iter().map(|m| m.name.text.as_str()),
        ) {
            Some(best) => d.help(format!("did you mean `{best}`?")),
            None => d.help("declare the intermediate model with a foreign key to each side"),
        };
        diags.push(d);
        return;
    };
    let points = |to: &str| {
        t.fields
            .iter()
            .filter(|f| f.ty.is_fk() && f.relation.as_ref().is_some_and(|r| r.to.text == to))
            .count()
    };
    let (from_count, to_count) = (points(&model.name.text), points(&rel.to.text));
    let ok = if self_ref {
        from_count >= 2
    } else {
        from_count >= 1 && to_count >= 1
    };
    if !ok {
        diags.push(
            Diagnostic::error(format!(
                "`{}` is the through model of {what}, but has no foreign key to `{}` and to `{}`",
                t.name, model.name, rel.to
            ))
            .at(through.span)
            .label("missing foreign keys")
            .related(t.name.span, "declared here")
            .help(format!(
                "add foreign keys to `{}` and `{}` to `{}`",
                model.name, rel.to, t.name
            ))
            .note("Django's fields.E336"),
        );
    }
}

fn check_fk_default(
    what: &dyn std::fmt::Display,
    field: &Field,
    default: &Value,
    target: &Field,
    diags: &mut Diagnostics,
) {
    let span = field.span_of(Opt::Default);
    let problem = match (target.ty, default) {
        (t, Value::Int(n)) if t.is_integer() => t
            .int_range()
            .filter(|(min, max)| i128::from(*n) < *min || i128::from(*n) > *max)
            .map(|(min, max)| format!("{n} is out of range for the target key ({min} to {max})")),
        (t, Value::Str(s)) if t.is_string() => target
            .effective_max_length()
            .filter(|&max| s.chars().count() > max as usize)
            .map(|max| format!("the default is longer than the target key's max_length {max}")),
        (FieldType::Uuid, Value::Str(s)) => {
            let hex: String = s.chars().filter(|c| *c != '-').collect();
            (hex.len() != 32 || u128::from_str_radix(&hex, 16).is_err())
                .then(|| format!("`{s}` is not a UUID"))
        }
        (t, v) => Some(format!(
            "a {} default does not fit the target key, a {} field",
            v.kind(),
            t.as_str()
        )),
    };
    if let Some(problem) = problem {
        diags.push(
            Diagnostic::error(format!("invalid default of {what}: {problem}"))
                .at(span)
                .label("does not fit the target key")
                .help(format!(
                    "write a value of `{}`, the key the relation points at",
                    target.name
                )),
        );
    }
}
