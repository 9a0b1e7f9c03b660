//! The state of the models as the migrations leave it: the replay of their operations.
//!
//! A state is a [`Schema`] whose models and fields carry keys: identities that survive
//! renames, so that the SQL of a migration can be planned as the difference between the
//! state before and after it (a renamed column is renamed, not dropped and added).

use crate::ir::{Field, FieldType, Model, Opt, Project, Schema};

use super::ops::rename_in_expr;

/// The models at one point of the migration history.
#[derive(Clone, Debug)]
pub struct State {
    schema: Schema,
    next_key: u32,
}

impl State {
    /// The empty state, before the first migration.
    pub fn new(project: Project) -> Self {
        State {
            schema: Schema::new(project, Vec::new(), Vec::new()),
            next_key: 1,
        }
    }

    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The schema with every relation pointing at its target, ready for planning DDL.
    pub fn resolved(&mut self) -> &Schema {
        self.schema.resolve_targets();
        &self.schema
    }

    pub fn into_schema(mut self) -> Schema {
        self.schema.resolve_targets();
        self.schema
    }

    pub fn models(&self) -> &[Model] {
        &self.schema.models
    }

    pub(crate) fn models_mut(&mut self) -> &mut Vec<Model> {
        self.schema.models_mut()
    }

    pub fn model_index(&self, name: &str) -> Option<usize> {
        self.schema.model_index(name)
    }

    fn key(&mut self) -> u32 {
        let k = self.next_key;
        self.next_key += 1;
        k
    }

    pub(crate) fn create_model(&mut self, mut model: Model) {
        model.key = self.key();
        for f in &mut model.fields {
            f.key = self.key();
            derive_column(f);
        }
        self.schema.push_model(model);
    }

    pub(crate) fn delete_model(&mut self, i: usize) {
        self.schema.models_mut().remove(i);
        self.schema.reindex();
    }

    /// Renames model `i`, and every relation that points at it.
    pub(crate) fn rename_model(&mut self, i: usize, to: &str) {
        let from = self.schema.models[i].name.text.clone();
        for m in self.schema.models_mut() {
            for f in &mut m.fields {
                if let Some(rel) = f.relation.as_mut() {
                    if rel.to.text == from {
                        rel.to.text = to.into();
                    }
                    if let Some(t) = rel.through.as_mut() {
                        if t.text == from {
                            t.text = to.into();
                        }
                    }
                }
            }
        }
        self.schema.models_mut()[i].name.text = to.into();
        self.schema.reindex();
    }

    pub(crate) fn add_field(&mut self, i: usize, mut field: Field) {
        field.key = self.key();
        derive_column(&mut field);
        self.schema.models_mut()[i].fields.push(field);
    }

    pub(crate) fn alter_field(&mut self, i: usize, f: usize, mut field: Field) {
        let old = &self.schema.models[i].fields[f];
        field.key = old.key;
        derive_column(&mut field);
        self.schema.models_mut()[i].fields[f] = field;
    }

    /// Renames a field, and every reference to it: Meta of its model, `to_field` of the
    /// relations that point at it.
    pub(crate) fn rename_field(&mut self, i: usize, f: usize, to: &str) {
        let model_name = self.schema.models[i].name.text.clone();
        let from = self.schema.models[i].fields[f].name.text.to_string();
        for m in self.schema.models_mut() {
            for field in &mut m.fields {
                if let Some(rel) = field.relation.as_mut() {
                    if rel.to.text == model_name {
                        if let Some(tf) = rel.to_field.as_mut() {
                            if tf.text == from {
                                tf.text = to.into();
                            }
                        }
                    }
                }
            }
        }
        let model = &mut self.schema.models_mut()[i];
        let field = &mut model.fields[f];
        field.name.text = to.into();
        derive_column(field);
        rename_in_meta(&mut model.meta, &from, to);
    }
}

/// Renames field `from` to `to` wherever the Meta of its model names it.
pub(crate) fn rename_in_meta(meta: &mut crate::ir::Meta, from: &str, to: &str) {
    let rename = |n: &mut crate::ir::Name| {
        if n.text == from {
            n.text = to.into();
        }
    };
    meta.ordering.iter_mut().for_each(|o| rename(&mut o.field));
    meta.get_latest_by.iter_mut().for_each(rename);
    for index in &mut meta.indexes {
        index.fields.iter_mut().for_each(|x| rename(&mut x.field));
        if let Some(crate::ir::SqlExprKind::Portable(e)) =
            index.condition.as_mut().map(|c| &mut c.kind)
        {
            rename_in_expr(e, from, to);
        }
    }
    for set in &mut meta.unique_together {
        set.fields.iter_mut().for_each(rename);
    }
    for c in &mut meta.constraints {
        match c {
            crate::ir::Constraint::Unique {
                fields, condition, ..
            } => {
                fields.fields.iter_mut().for_each(rename);
                if let Some(crate::ir::SqlExprKind::Portable(e)) =
                    condition.as_mut().map(|c| &mut c.kind)
                {
                    rename_in_expr(e, from, to);
                }
            }
            crate::ir::Constraint::Check { check, .. } => {
                if let crate::ir::SqlExprKind::Portable(e) = &mut check.kind {
                    rename_in_expr(e, from, to);
                }
            }
        }
    }
}

/// The column of a field: `db_column` when written, else the name (`<name>_id` for
/// relations); none for many-to-many fields.
pub(crate) fn derive_column(field: &mut Field) {
    if field.has(Opt::DbColumn) {
        return;
    }
    field.column = match field.ty {
        FieldType::ManyToMany | FieldType::Error => Default::default(),
        t if t.is_fk() => format!("{}_id", field.name.text).into(),
        _ => field.name.text.clone(),
    };
}
