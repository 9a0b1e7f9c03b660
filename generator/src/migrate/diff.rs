//! The autodetector: the operations that take the migrations' state to the models.
//!
//! Models and fields are matched by name, or by `renamed_from`: renames are declared, never
//! guessed. A removed and an added model or field that look alike (same definition, other
//! name) stop it with a message that suggests `renamed_from`, so a column is never dropped
//! silently; and every destructive operation (a dropped table or column, a narrowed type, NOT
//! NULL on a nullable column, a new NOT NULL column without default on an existing table)
//! stops it with a message naming each, unless destruction is allowed. Operations come out in
//! an order in which each applies to the state the previous ones leave, with foreign key
//! cycles between new models broken into a later `add_field`.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::diagnostics::Diagnostic;
use crate::ir::{Field, FieldType, Model, ModelKind, Schema};
use crate::source::Span;

use super::file::{constraint_text, field_def, index_text, same_def_parts};
use super::ops::{Op, Operation};

/// What the autodetector found: the operations, or why it stopped.
#[derive(Debug)]
pub struct Detected {
    pub ops: Vec<Op>,
    /// Renames that look likely but were not declared (always errors).
    pub suspected_renames: Vec<Diagnostic>,
    /// Operations that lose data (errors unless allowed).
    pub destructive: Vec<Diagnostic>,
}

/// The models as the state keeps them: concrete models only (proxies have no table), with
/// relations to proxies pointed at the model they stand for.
pub fn normalize(models: &Schema) -> Vec<Model> {
    normalized(models)
        .into_iter()
        .map(Cow::into_owned)
        .collect()
}

/// [`normalize`], borrowing the models that need no change (all of them, unless a relation
/// points at a proxy).
fn normalized(models: &Schema) -> Vec<Cow<'_, Model>> {
    let root = |name: &str| -> String {
        let mut current = name.to_string();
        for _ in 0..models.models.len() {
            match models.model(&current).map(|m| &m.kind) {
                Some(ModelKind::Proxy { of }) => current = of.text.to_string(),
                _ => break,
            }
        }
        current
    };
    let is_proxy = |name: &str| {
        matches!(
            models.model(name).map(|m| &m.kind),
            Some(ModelKind::Proxy { .. })
        )
    };
    models
        .models
        .iter()
        .filter(|m| m.kind == ModelKind::Concrete)
        .map(|m| {
            let to_proxy = m.fields.iter().any(|f| {
                f.relation
                    .as_ref()
                    .is_some_and(|rel| is_proxy(&rel.to.text))
            });
            if !to_proxy {
                return Cow::Borrowed(m);
            }
            let mut m = m.clone();
            for f in &mut m.fields {
                if let Some(rel) = f.relation.as_mut() {
                    rel.to.text = root(&rel.to.text).into();
                }
            }
            Cow::Owned(m)
        })
        .collect()
}

fn def(f: &Field) -> String {
    field_def(f, false)
}

/// Whether two fields have the same definition: compared part by part, and by their text
/// only when the parts do not settle it.
fn same_def(a: &Field, b: &Field) -> bool {
    same_def_parts(a, b) || def(a) == def(b)
}

fn int_rank(t: FieldType) -> Option<u8> {
    use FieldType as T;
    Some(match t {
        T::SmallInteger | T::PositiveSmallInteger | T::SmallAuto => 1,
        T::Integer | T::PositiveInteger | T::Auto => 2,
        T::BigInteger | T::PositiveBigInteger | T::BigAuto => 3,
        _ => return None,
    })
}

/// Why changing `old` to `new` may lose data, if it may.
fn narrowing(old: &Field, new: &Field) -> Option<String> {
    if old.ty != new.ty {
        let widening = match (int_rank(old.ty), int_rank(new.ty)) {
            (Some(a), Some(b)) => b >= a && (old.ty.is_positive() || !new.ty.is_positive()),
            _ => {
                (old.ty.has_max_length() && new.ty == FieldType::Text)
                    || (old.ty.has_max_length()
                        && new.ty.has_max_length()
                        && new.effective_max_length() >= old.effective_max_length())
                    || (old.ty.is_fk() && new.ty.is_fk())
            }
        };
        if !widening {
            return Some(format!(
                "changes type from {} to {}, which may not convert every value",
                old.ty.as_str(),
                new.ty.as_str()
            ));
        }
    }
    if old.ty.has_max_length() && new.ty.has_max_length() {
        if let (Some(a), Some(b)) = (old.effective_max_length(), new.effective_max_length()) {
            if b < a {
                return Some(format!("narrows max_length from {a} to {b}"));
            }
        }
    }
    if let (Some(od), Some(op), Some(nd), Some(np)) = (
        old.max_digits,
        old.decimal_places,
        new.max_digits,
        new.decimal_places,
    ) {
        if np < op || nd.saturating_sub(np) < od.saturating_sub(op) {
            return Some(format!(
                "narrows decimal({od}, {op}) to decimal({nd}, {np})"
            ));
        }
    }
    if old.null && !new.null {
        return Some("makes a nullable column NOT NULL".into());
    }
    if let (Some(a), Some(b)) = (&old.relation, &new.relation) {
        if a.to.text != b.to.text && old.ty == FieldType::ManyToMany {
            return Some(format!(
                "points the many-to-many table from {} to {}",
                a.to, b.to
            ));
        }
    }
    None
}

fn destructive(message: String, span: Span, label: &str) -> Diagnostic {
    Diagnostic::error(message)
        .at(span)
        .label(label)
        .help("run `modelc makemigrations --allow-destructive` to make this migration anyway")
}

/// The operations from `state` to `models` (see the module docs).
pub fn detect(state: &Schema, models: &Schema) -> Detected {
    let target = normalized(models);
    let mut suspected_renames = Vec::new();
    let mut destructive_ops = Vec::new();
    let mut renames_model = Vec::new();
    let mut alter_tables = Vec::new();
    let mut renames_field = Vec::new();
    let mut removes_meta = Vec::new();
    let mut removes_field = Vec::new();
    let mut adds_field = Vec::new();
    let mut alters_field = Vec::new();
    let mut adds_meta = Vec::new();

    // Match models: by name, then by renamed_from.
    let target_names: HashSet<&str> = target.iter().map(|m| m.name.text.as_str()).collect();
    let mut pairs: Vec<(&Model, &Model)> = Vec::new();
    let mut matched_state: HashSet<&str> = HashSet::new();
    let mut created: Vec<&Model> = Vec::new();
    for t in &target {
        if let Some(s) = state.model(&t.name.text) {
            pairs.push((s, t));
            matched_state.insert(s.name.text.as_str());
            continue;
        }
        let renamed = t.meta.renamed_from.as_ref().and_then(|old| {
            state
                .model(&old.text)
                .filter(|s| !target_names.contains(s.name.text.as_str()))
        });
        match renamed {
            Some(s) => {
                renames_model.push(Op::new(
                    Operation::RenameModel {
                        from: s.name.text.to_string(),
                        to: t.name.text.to_string(),
                    },
                    t.name.span,
                ));
                pairs.push((s, t));
                matched_state.insert(s.name.text.as_str());
            }
            None => created.push(t),
        }
    }
    let deleted: Vec<&Model> = state
        .models
        .iter()
        .filter(|s| !matched_state.contains(s.name.text.as_str()))
        .collect();
    // A deleted and a created model with the same fields look like a rename.
    let shape = |m: &Model| -> Vec<(String, String)> {
        m.fields
            .iter()
            .map(|f| (f.name.text.to_string(), def(f)))
            .collect()
    };
    // Models and fields under a suspected rename: that diagnostic is the one to fix, so
    // they get no other (drop, NOT NULL without default).
    let mut suspected_models: HashSet<&str> = HashSet::new();
    for d in &deleted {
        if let Some(c) = created.iter().find(|c| shape(c) == shape(d)) {
            suspected_models.insert(d.name.text.as_str());
            suspected_renames.push(
                Diagnostic::error(format!(
                    "model `{}` is gone and `{}` is new, with the same fields: a rename?",
                    d.name, c.name
                ))
                .at(c.name.span)
                .label("looks like a renamed model")
                .help(format!(
                    "if `{}` is `{}` renamed, add renamed_from = \"{}\" under [models.{}.meta] so its table and rows are kept; if it is not, --allow-destructive drops `{}` with its rows and creates `{}`",
                    c.name, d.name, d.name, c.name, d.name, c.name
                )),
            );
        }
    }

    // A relation to a renamed model is the same relation: fields are compared with their
    // targets under the new names, so RenameModel needs no AlterField of its relations.
    let model_renames: HashMap<&str, &str> = pairs
        .iter()
        .filter(|(s, t)| s.name.text != t.name.text)
        .map(|(s, t)| (s.name.text.as_str(), t.name.text.as_str()))
        .collect();
    let retarget = |f| retarget(f, &model_renames);
    for (s, t) in &pairs {
        let model = t.name.text.to_string();
        if s.meta.managed != t.meta.managed {
            suspected_renames.push(
                Diagnostic::error(format!(
                    "`{}` changes `managed`, which makemigrations does not handle",
                    t.name
                ))
                .at(t.name.span)
                .label("managed changed")
                .help("create or drop the table with a run_sql migration, then set managed; or keep managed as it was"),
            );
        }
        if s.db_table != t.db_table {
            alter_tables.push(Op::new(
                Operation::AlterModelTable {
                    model: model.clone(),
                    table: t.db_table.clone(),
                },
                t.db_table_span,
            ));
        }
        if s.meta.db_comment != t.meta.db_comment {
            adds_meta.push(Op::new(
                Operation::AlterModelComment {
                    model: model.clone(),
                    comment: t.meta.db_comment.clone(),
                },
                t.meta.db_comment_span.unwrap_or(t.name.span),
            ));
        }
        // Fields: by name, then by renamed_from.
        let t_names: HashSet<&str> = t.fields.iter().map(|f| f.name.text.as_str()).collect();
        let mut matched: HashSet<&str> = HashSet::new();
        // Renames of this model's fields, in the order their operations run.
        let mut field_renames: Vec<(&str, &str)> = Vec::new();
        let mut added: Vec<&Field> = Vec::new();
        for tf in &t.fields {
            if let Some(sf) = s.field(&tf.name.text) {
                matched.insert(sf.name.text.as_str());
                let sf = &*retarget(sf);
                if !same_def(sf, tf) {
                    if let Some(why) = narrowing(sf, tf) {
                        destructive_ops.push(destructive(
                            format!("altering `{model}.{}` {why}", tf.name),
                            tf.decl_span,
                            "destructive change",
                        ));
                    }
                    alters_field.push(Op::new(
                        Operation::AlterField {
                            model: model.clone(),
                            field: Box::new(tf.clone()),
                        },
                        tf.decl_span,
                    ));
                }
                continue;
            }
            let renamed = tf.renamed_from.as_ref().and_then(|old| {
                s.field(&old.text)
                    .filter(|sf| !t_names.contains(sf.name.text.as_str()))
            });
            match renamed {
                Some(sf) => {
                    matched.insert(sf.name.text.as_str());
                    field_renames.push((sf.name.text.as_str(), tf.name.text.as_str()));
                    renames_field.push(Op::new(
                        Operation::RenameField {
                            model: model.clone(),
                            from: sf.name.text.to_string(),
                            to: tf.name.text.to_string(),
                        },
                        tf.name.span,
                    ));
                    let mut renamed_sf = retarget(sf).into_owned();
                    renamed_sf.name = tf.name.clone();
                    if !same_def(&renamed_sf, tf) {
                        if let Some(why) = narrowing(&renamed_sf, tf) {
                            destructive_ops.push(destructive(
                                format!("altering `{model}.{}` {why}", tf.name),
                                tf.decl_span,
                                "destructive change",
                            ));
                        }
                        alters_field.push(Op::new(
                            Operation::AlterField {
                                model: model.clone(),
                                field: Box::new(tf.clone()),
                            },
                            tf.decl_span,
                        ));
                    }
                }
                None => added.push(tf),
            }
        }
        let removed: Vec<&Field> = s
            .fields
            .iter()
            .filter(|f| !matched.contains(f.name.text.as_str()))
            .collect();
        let mut suspected: HashSet<&str> = HashSet::new();
        for r in &removed {
            if let Some(a) = added.iter().find(|a| {
                a.ty == r.ty && {
                    let mut renamed = (*r).clone();
                    renamed.name = a.name.clone();
                    crate::migrate::state::derive_column(&mut renamed);
                    let mut a2: Field = (**a).clone();
                    crate::migrate::state::derive_column(&mut a2);
                    same_def(&renamed, &a2)
                }
            }) {
                suspected_renames.push(
                    Diagnostic::error(format!(
                        "field `{model}.{}` is gone and `{}` is new, with the same definition: a rename?",
                        r.name, a.name
                    ))
                    .at(a.name.span)
                    .label("looks like a renamed field")
                    .help(format!(
                        "if `{}` is `{}` renamed, add renamed_from = \"{}\" to it so the column and its data are kept; if it is not, --allow-destructive drops `{}` with its data and adds `{}`",
                        a.name, r.name, r.name, r.name, a.name
                    )),
                );
                suspected.insert(r.name.text.as_str());
                suspected.insert(a.name.text.as_str());
            }
            if !suspected.contains(r.name.text.as_str()) {
                destructive_ops.push(
                    destructive(
                        format!(
                            "removing `{model}.{}` drops {}",
                            r.name,
                            if r.ty == FieldType::ManyToMany {
                                "its table"
                            } else {
                                "its column and data"
                            }
                        ),
                        t.name.span,
                        &format!("`{}` is no longer declared", r.name),
                    )
                    .related(r.name.span, format!("`{model}.{}` added here", r.name)),
                );
            }
            removes_field.push(Op::new(
                Operation::RemoveField {
                    model: model.clone(),
                    field: r.name.text.to_string(),
                },
                t.name.span,
            ));
        }
        for a in &added {
            let required = !a.null
                && a.default.is_none()
                && a.db_default.is_none()
                && a.has_column()
                && !a.ty.is_auto();
            if required && t.meta.managed && !suspected.contains(a.name.text.as_str()) {
                destructive_ops.push(destructive(
                    format!(
                        "adding `{model}.{}`, NOT NULL without a default, fails on a table that has rows",
                        a.name
                    ),
                    a.decl_span,
                    "no default for the rows already there",
                ).help("give it a default (or null = true); or, if the table is empty, run `modelc makemigrations --allow-destructive`"));
            }
            let one_value = a.default.is_some() || a.db_default.is_some();
            if a.is_unique() && one_value && !a.primary_key && t.meta.managed {
                destructive_ops.push(destructive(
                    format!(
                        "adding unique `{model}.{}` gives every row already there the same default, which fails on a table with two or more rows",
                        a.name
                    ),
                    a.decl_span,
                    "one default for rows that must differ",
                ).help("add it with null = true (NULLs do not clash), fill it, then make it NOT NULL; or, if the table has at most one row, run `modelc makemigrations --allow-destructive`"));
            }
            adds_field.push(Op::new(
                Operation::AddField {
                    model: model.clone(),
                    field: Box::new((*a).clone()),
                },
                a.decl_span,
            ));
        }
        // Meta operations run after the renames, which rename the fields Meta names: the
        // old Meta is compared (and what goes away written) under the new names.
        if field_renames.is_empty() {
            meta_ops(s, t, &model, &mut removes_meta, &mut adds_meta);
        } else {
            let mut renamed = (*s).clone();
            for (from, to) in &field_renames {
                crate::migrate::state::rename_in_meta(&mut renamed.meta, from, to);
            }
            meta_ops(&renamed, t, &model, &mut removes_meta, &mut adds_meta);
        }
    }

    for d in &deleted {
        if d.meta.managed && !suspected_models.contains(d.name.text.as_str()) {
            destructive_ops.push(destructive(
                format!(
                    "deleting model `{}` drops table `{}` and its rows",
                    d.name, d.db_table
                ),
                d.name.span,
                "no longer declared",
            ));
        }
    }
    let deletes = delete_order(&deleted);
    let (creates, deferred) = create_order(&created);

    let mut ops = Vec::new();
    ops.extend(renames_model);
    ops.extend(alter_tables);
    ops.extend(renames_field);
    ops.extend(removes_meta);
    ops.extend(removes_field);
    ops.extend(deletes);
    ops.extend(creates);
    ops.extend(deferred);
    ops.extend(adds_field);
    ops.extend(alters_field);
    ops.extend(adds_meta);
    Detected {
        ops,
        suspected_renames,
        destructive: destructive_ops,
    }
}

/// A field with its relation's targets under their new names (`renames`: old model name to
/// new); the field itself when none of them is renamed.
fn retarget<'f>(f: &'f Field, renames: &HashMap<&str, &str>) -> Cow<'f, Field> {
    let renamed = |name: &str| renames.get(name).copied();
    let Some(rel) = f.relation.as_deref() else {
        return Cow::Borrowed(f);
    };
    let to = renamed(&rel.to.text);
    let through = rel.through.as_ref().and_then(|t| renamed(&t.text));
    if to.is_none() && through.is_none() {
        return Cow::Borrowed(f);
    }
    let mut f = f.clone();
    if let Some(rel) = f.relation.as_mut() {
        if let Some(to) = to {
            rel.to.text = to.into();
        }
        if let (Some(t), Some(to)) = (rel.through.as_mut(), through) {
            t.text = to.into();
        }
    }
    Cow::Owned(f)
}

/// Index, constraint and unique_together changes of a model: what goes away comes before the
/// field changes (it may name a removed field), what comes after them (it may name a new one).
fn meta_ops(s: &Model, t: &Model, model: &str, removes: &mut Vec<Op>, adds: &mut Vec<Op>) {
    let span = t.name.span;
    let s_idx: HashSet<String> = s.meta.indexes.iter().map(index_text).collect();
    let t_idx: HashSet<String> = t.meta.indexes.iter().map(index_text).collect();
    for i in &s.meta.indexes {
        if !t_idx.contains(&index_text(i)) {
            removes.push(Op::new(
                Operation::RemoveIndex {
                    model: model.to_string(),
                    index: i.clone(),
                },
                span,
            ));
        }
    }
    for i in &t.meta.indexes {
        if !s_idx.contains(&index_text(i)) {
            adds.push(Op::new(
                Operation::AddIndex {
                    model: model.to_string(),
                    index: i.clone(),
                },
                i.span,
            ));
        }
    }
    let s_con: HashSet<String> = s.meta.constraints.iter().map(constraint_text).collect();
    let t_con: HashSet<String> = t.meta.constraints.iter().map(constraint_text).collect();
    for c in &s.meta.constraints {
        if !t_con.contains(&constraint_text(c)) {
            removes.push(Op::new(
                Operation::RemoveConstraint {
                    model: model.to_string(),
                    constraint: c.clone(),
                },
                span,
            ));
        }
    }
    for c in &t.meta.constraints {
        if !s_con.contains(&constraint_text(c)) {
            adds.push(Op::new(
                Operation::AddConstraint {
                    model: model.to_string(),
                    constraint: c.clone(),
                },
                c.span(),
            ));
        }
    }
    let text = |sets: &[crate::ir::FieldSet]| -> Vec<Vec<String>> {
        sets.iter()
            .map(|s| s.fields.iter().map(|f| f.text.to_string()).collect())
            .collect()
    };
    let (old, new) = (text(&s.meta.unique_together), text(&t.meta.unique_together));
    if old != new {
        let kept: Vec<crate::ir::FieldSet> = s
            .meta
            .unique_together
            .iter()
            .filter(|set| new.contains(&set.fields.iter().map(|f| f.text.to_string()).collect()))
            .cloned()
            .collect();
        if kept.len() != old.len() {
            removes.push(Op::new(
                Operation::AlterUniqueTogether {
                    model: model.to_string(),
                    sets: kept.clone(),
                },
                span,
            ));
        }
        if kept.len() != new.len() {
            adds.push(Op::new(
                Operation::AlterUniqueTogether {
                    model: model.to_string(),
                    sets: t.meta.unique_together.clone(),
                },
                span,
            ));
        }
    }
}

/// Deleted models, those pointed at last.
fn delete_order(deleted: &[&Model]) -> Vec<Op> {
    let names: HashSet<&str> = deleted.iter().map(|m| m.name.text.as_str()).collect();
    let mut remaining: Vec<&Model> = deleted.to_vec();
    let mut out = Vec::new();
    while !remaining.is_empty() {
        // A model no other remaining model points at goes first; in a cycle, the first one.
        let pointed: HashSet<&str> = remaining
            .iter()
            .flat_map(|m| m.fields.iter())
            .filter_map(|f| f.relation.as_ref())
            .map(|r| r.to.text.as_str())
            .filter(|to| names.contains(to))
            .collect();
        let at = remaining
            .iter()
            .position(|m| !pointed.contains(m.name.text.as_str()))
            .unwrap_or(0);
        let m = remaining.remove(at);
        out.push(Op::new(
            Operation::DeleteModel {
                model: m.name.text.to_string(),
            },
            m.name.span,
        ));
    }
    out
}

/// New models in an order where each one's relations point at models that exist: models
/// first that point at no other new model; a cycle is broken by creating one model without
/// its relations to the others of the cycle, and adding those fields after.
fn create_order(created: &[&Model]) -> (Vec<Op>, Vec<Op>) {
    let names: HashSet<&str> = created.iter().map(|m| m.name.text.as_str()).collect();
    let mut done: HashSet<String> = HashSet::new();
    let mut remaining: Vec<&Model> = created.to_vec();
    let mut creates = Vec::new();
    let mut deferred = Vec::new();
    let waits_on = |m: &Model, done: &HashSet<String>| -> Vec<String> {
        m.fields
            .iter()
            .filter_map(|f| f.relation.as_ref().map(|r| (f, r)))
            .filter(|(_, r)| {
                let to = r.to.text.as_str();
                let other = to != m.name.text.as_str();
                // `through` needs its model too.
                let through = r.through.as_ref().map(|t| t.text.as_str());
                (names.contains(to) && other && !done.contains(to))
                    || through.is_some_and(|t| names.contains(t) && !done.contains(t))
            })
            .map(|(_, r)| r.to.text.to_string())
            .collect()
    };
    while !remaining.is_empty() {
        let ready = remaining.iter().position(|m| waits_on(m, &done).is_empty());
        match ready {
            Some(at) => {
                let m = remaining.remove(at);
                done.insert(m.name.text.to_string());
                creates.push(Op::new(
                    Operation::CreateModel(Box::new(m.clone())),
                    m.name.span,
                ));
            }
            None => {
                // A cycle: create the first model without the relations that wait.
                let m = remaining.remove(0);
                let mut model = m.clone();
                let mut later = Vec::new();
                model.fields.retain(|f| {
                    let waits = f.relation.as_ref().is_some_and(|r| {
                        let to = r.to.text.as_str();
                        (names.contains(to) && to != m.name.text.as_str() && !done.contains(to))
                            || r.through.as_ref().is_some_and(|t| {
                                names.contains(t.text.as_str()) && !done.contains(t.text.as_str())
                            })
                    });
                    if waits {
                        later.push(f.clone());
                    }
                    !waits
                });
                done.insert(m.name.text.to_string());
                creates.push(Op::new(
                    Operation::CreateModel(Box::new(model)),
                    m.name.span,
                ));
                for f in later {
                    deferred.push(Op::new(
                        Operation::AddField {
                            model: m.name.text.to_string(),
                            field: Box::new(f.clone()),
                        },
                        f.decl_span,
                    ));
                }
            }
        }
    }
    (creates, deferred)
}

/// The name of a migration made of `ops` (`0001` is `initial` when it only creates models).
pub fn migration_name(number: u32, ops: &[Op]) -> String {
    let initial = ops.iter().all(|op| {
        matches!(
            op.kind,
            Operation::CreateModel(_) | Operation::AddField { .. }
        )
    });
    if number == 1 && initial {
        return "initial".into();
    }
    let mut name = String::new();
    let mut seen = HashMap::new();
    for op in ops {
        let fragment = op.kind.name_fragment();
        if seen.insert(fragment.clone(), ()).is_some() {
            continue;
        }
        let next = if name.is_empty() {
            fragment
        } else {
            format!("{name}_{fragment}")
        };
        if next.len() > 52 {
            if name.is_empty() {
                name = next.chars().take(52).collect();
            }
            break;
        }
        name = next;
    }
    if name.is_empty() { "auto".into() } else { name }
}
