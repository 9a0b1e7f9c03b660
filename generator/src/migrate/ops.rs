//! Migration operations: dialect-neutral changes of the models' state.
//!
//! Each operation applies itself to a [`State`](super::state::State), describes itself, names
//! the migration it starts, and says whether it can be reversed. The SQL of a migration is not
//! written by the operations: it is the difference between the state before and after them,
//! planned per dialect (see `migrate::sql`), so up and down SQL always agree with the state.

use crate::diagnostics::Diagnostic;
use crate::ir::{Constraint, DialectName, Expr, ExprKind, Field, FieldSet, Index, Model};
use crate::source::Span;

use super::refs;
use super::state::State;

/// Raw SQL per dialect: `None` is the `default` text for dialects not listed.
pub type PerDialectSql = Vec<(Option<DialectName>, String)>;

/// One operation of a migration.
#[derive(Clone, Debug, PartialEq)]
pub enum Operation {
    /// A new model, with its table, fields and Meta.
    CreateModel(Box<Model>),
    DeleteModel {
        model: String,
    },
    /// A new name for a model; its table keeps its name (see `AlterModelTable`).
    RenameModel {
        from: String,
        to: String,
    },
    AlterModelTable {
        model: String,
        table: String,
    },
    AlterModelComment {
        model: String,
        comment: Option<String>,
    },
    AddField {
        model: String,
        field: Box<Field>,
    },
    RemoveField {
        model: String,
        field: String,
    },
    /// A new definition of an existing field (its name is the field's).
    AlterField {
        model: String,
        field: Box<Field>,
    },
    RenameField {
        model: String,
        from: String,
        to: String,
    },
    AddIndex {
        model: String,
        index: Index,
    },
    RemoveIndex {
        model: String,
        index: Index,
    },
    AddConstraint {
        model: String,
        constraint: Constraint,
    },
    RemoveConstraint {
        model: String,
        constraint: Constraint,
    },
    AlterUniqueTogether {
        model: String,
        sets: Vec<FieldSet>,
    },
    /// Hand-written SQL (data migrations); without `reverse` it cannot be undone.
    RunSql {
        forward: PerDialectSql,
        reverse: Option<PerDialectSql>,
    },
}

/// An operation and where it is written (in a migration file; the models' span otherwise).
#[derive(Clone, Debug)]
pub struct Op {
    pub kind: Operation,
    pub span: Span,
    /// Where the value of each of its keys is written (`model`, `field`, `from`, `sql`...),
    /// so that a problem with one of them points at it. Empty for operations that do not come
    /// from a migration file.
    pub keys: Vec<(&'static str, Span)>,
}

/// Operations are equal when they do the same thing, written at the same place.
impl PartialEq for Op {
    fn eq(&self, other: &Op) -> bool {
        self.kind == other.kind && self.span == other.span
    }
}

impl Op {
    pub fn new(kind: Operation, span: Span) -> Self {
        Op {
            kind,
            span,
            keys: Vec::new(),
        }
    }

    /// Where the value of `key` is written, else where the operation is.
    pub fn at(&self, key: &str) -> Span {
        self.keys
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(self.span, |(_, s)| *s)
    }
}

impl Operation {
    /// The `op = "..."` name in migration files.
    pub fn tag(&self) -> &'static str {
        match self {
            Operation::CreateModel(_) => "create_model",
            Operation::DeleteModel { .. } => "delete_model",
            Operation::RenameModel { .. } => "rename_model",
            Operation::AlterModelTable { .. } => "alter_model_table",
            Operation::AlterModelComment { .. } => "alter_model_comment",
            Operation::AddField { .. } => "add_field",
            Operation::RemoveField { .. } => "remove_field",
            Operation::AlterField { .. } => "alter_field",
            Operation::RenameField { .. } => "rename_field",
            Operation::AddIndex { .. } => "add_index",
            Operation::RemoveIndex { .. } => "remove_index",
            Operation::AddConstraint { .. } => "add_constraint",
            Operation::RemoveConstraint { .. } => "remove_constraint",
            Operation::AlterUniqueTogether { .. } => "alter_unique_together",
            Operation::RunSql { .. } => "run_sql",
        }
    }

    /// Every `op = "..."` name, for "did you mean".
    pub const TAGS: [&'static str; 15] = [
        "create_model",
        "delete_model",
        "rename_model",
        "alter_model_table",
        "alter_model_comment",
        "add_field",
        "remove_field",
        "alter_field",
        "rename_field",
        "add_index",
        "remove_index",
        "add_constraint",
        "remove_constraint",
        "alter_unique_together",
        "run_sql",
    ];

    /// Whether the operation can be undone (only RunSQL without a reverse cannot).
    pub fn reversible(&self) -> bool {
        !matches!(self, Operation::RunSql { reverse: None, .. })
    }

    /// One line saying what the operation does, Django-style ("Add field slug to product").
    pub fn describe(&self) -> String {
        match self {
            Operation::CreateModel(m) => format!("Create model {}", m.name),
            Operation::DeleteModel { model } => format!("Delete model {model}"),
            Operation::RenameModel { from, to } => format!("Rename model {from} to {to}"),
            Operation::AlterModelTable { model, table } => {
                format!("Rename table of {model} to {table}")
            }
            Operation::AlterModelComment { model, .. } => format!("Alter comment of {model}"),
            Operation::AddField { model, field } => {
                format!("Add field {} to {}", field.name, model.to_lowercase())
            }
            Operation::RemoveField { model, field } => {
                format!("Remove field {field} from {}", model.to_lowercase())
            }
            Operation::AlterField { model, field } => {
                format!("Alter field {} on {}", field.name, model.to_lowercase())
            }
            Operation::RenameField { model, from, to } => {
                format!("Rename field {from} on {} to {to}", model.to_lowercase())
            }
            Operation::AddIndex { model, index } => format!(
                "Create index {} on {}",
                index
                    .name
                    .as_ref()
                    .map_or_else(|| fields_of(index), |n| n.text.to_string()),
                model.to_lowercase()
            ),
            Operation::RemoveIndex { model, index } => format!(
                "Remove index {} from {}",
                index
                    .name
                    .as_ref()
                    .map_or_else(|| fields_of(index), |n| n.text.to_string()),
                model.to_lowercase()
            ),
            Operation::AddConstraint { model, constraint } => format!(
                "Create constraint {} on {}",
                constraint.name().map_or("(unnamed)", |n| n.text.as_str()),
                model.to_lowercase()
            ),
            Operation::RemoveConstraint { model, constraint } => format!(
                "Remove constraint {} from {}",
                constraint.name().map_or("(unnamed)", |n| n.text.as_str()),
                model.to_lowercase()
            ),
            Operation::AlterUniqueTogether { model, sets } => format!(
                "Alter unique_together for {} ({} constraint{})",
                model.to_lowercase(),
                sets.len(),
                if sets.len() == 1 { "" } else { "s" }
            ),
            Operation::RunSql { reverse, .. } => {
                if reverse.is_some() {
                    "Raw SQL operation".into()
                } else {
                    "Raw SQL operation (irreversible: it has no reverse_sql)".into()
                }
            }
        }
    }

    /// The words it gives a migration's name (`product_add_slug`).
    pub fn name_fragment(&self) -> String {
        let lower = |s: &str| s.to_lowercase();
        match self {
            Operation::CreateModel(m) => lower(&m.name.text),
            Operation::DeleteModel { model } => format!("delete_{}", lower(model)),
            Operation::RenameModel { from, to } => {
                format!("rename_{}_{}", lower(from), lower(to))
            }
            Operation::AlterModelTable { model, .. } => format!("alter_{}_table", lower(model)),
            Operation::AlterModelComment { model, .. } => {
                format!("alter_{}_comment", lower(model))
            }
            Operation::AddField { model, field } => {
                format!("{}_add_{}", lower(model), lower(&field.name.text))
            }
            Operation::RemoveField { model, field } => {
                format!("{}_remove_{}", lower(model), lower(field))
            }
            Operation::AlterField { model, field } => {
                format!("{}_alter_{}", lower(model), lower(&field.name.text))
            }
            Operation::RenameField { model, from, to } => {
                format!("rename_{}_{}_{}", lower(from), lower(model), lower(to))
            }
            Operation::AddIndex { model, .. } => format!("{}_add_index", lower(model)),
            Operation::RemoveIndex { model, .. } => format!("{}_remove_index", lower(model)),
            Operation::AddConstraint { model, .. } => format!("{}_add_constraint", lower(model)),
            Operation::RemoveConstraint { model, .. } => {
                format!("{}_remove_constraint", lower(model))
            }
            Operation::AlterUniqueTogether { model, .. } => {
                format!("alter_{}_unique_together", lower(model))
            }
            Operation::RunSql { .. } => "run_sql".into(),
        }
    }
}

fn fields_of(index: &Index) -> String {
    index
        .fields
        .iter()
        .map(|f| {
            if f.descending {
                format!("-{}", f.field)
            } else {
                f.field.text.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Op {
    /// Applies the operation to `state`. An operation that does not fit the state (a model
    /// or field that is not there, or already is; a relation, index or constraint naming
    /// what does not exist; a field removed while an index or constraint still uses it) is
    /// an error at the value that is wrong (see `migrate::refs`).
    pub fn apply(&self, state: &mut State) -> Result<(), Diagnostic> {
        let model_at = |state: &State, name: &str, key: &str| {
            state
                .model_index(name)
                .ok_or_else(|| refs::unknown_model(state, name, self.at(key)))
        };
        let field_at = |state: &State, i: usize, name: &str, key: &str| {
            let model = &state.models()[i];
            model
                .field_index(name)
                .ok_or_else(|| refs::unknown_field(model, name, self.at(key)))
        };
        match &self.kind {
            Operation::CreateModel(model) => {
                if let Some(i) = state.model_index(&model.name.text) {
                    return Err(Diagnostic::error(format!(
                        "model `{}` already exists at this point of the migrations",
                        model.name
                    ))
                    .at(self.at("model"))
                    .label("created twice")
                    .related(state.models()[i].name.span, "created before here")
                    .help("remove this operation, or the one that created it before"));
                }
                refs::meta_refs(model)?;
                state.create_model((**model).clone());
            }
            Operation::DeleteModel { model } => {
                let i = model_at(state, model, "model")?;
                state.delete_model(i);
            }
            Operation::RenameModel { from, to } => {
                let i = model_at(state, from, "from")?;
                if let Some(other) = state.model_index(to) {
                    return Err(Diagnostic::error(format!(
                        "cannot rename `{from}` to `{to}`: `{to}` already exists"
                    ))
                    .at(self.at("to"))
                    .label("name taken")
                    .related(
                        state.models()[other].name.span,
                        format!("`{to}` created here"),
                    )
                    .help("delete or rename the other model first"));
                }
                state.rename_model(i, to);
            }
            Operation::AlterModelTable { model, table } => {
                let i = model_at(state, model, "model")?;
                state.models_mut()[i].db_table = table.clone();
            }
            Operation::AlterModelComment { model, comment } => {
                let i = model_at(state, model, "model")?;
                state.models_mut()[i].meta.db_comment = comment.clone();
            }
            Operation::AddField { model, field } => {
                let i = model_at(state, model, "model")?;
                if let Some(existing) = state.models()[i].field(&field.name.text) {
                    return Err(Diagnostic::error(format!(
                        "model `{model}` already has a field `{}` at this point of the migrations",
                        field.name
                    ))
                    .at(field.name.span)
                    .label("added twice")
                    .related(existing.name.span, "added before here")
                    .help("use alter_field to change it, or remove one of the operations"));
                }
                state.add_field(i, (**field).clone());
            }
            Operation::RemoveField { model, field } => {
                let i = model_at(state, model, "model")?;
                let f = field_at(state, i, field, "field")?;
                let m = &state.models()[i];
                refs::field_in_use(m, &m.fields[f], self)?;
                state.models_mut()[i].fields.remove(f);
            }
            Operation::AlterField { model, field } => {
                let i = model_at(state, model, "model")?;
                let m = &state.models()[i];
                let f = m
                    .field_index(&field.name.text)
                    .ok_or_else(|| refs::unknown_field(m, &field.name.text, field.name.span))?;
                state.alter_field(i, f, (**field).clone());
            }
            Operation::RenameField { model, from, to } => {
                let i = model_at(state, model, "model")?;
                let f = field_at(state, i, from, "from")?;
                if let Some(existing) = state.models()[i].field(to) {
                    return Err(Diagnostic::error(format!(
                        "cannot rename `{model}.{from}` to `{to}`: `{model}` already has a field `{to}`"
                    ))
                    .at(self.at("to"))
                    .label("name taken")
                    .related(existing.name.span, format!("`{to}` added here"))
                    .help("remove or rename the other field first"));
                }
                state.rename_field(i, f, to);
            }
            Operation::AddIndex { model, index } => {
                let i = model_at(state, model, "model")?;
                refs::index_refs(&state.models()[i], index)?;
                state.models_mut()[i].meta.indexes.push(index.clone());
            }
            Operation::RemoveIndex { model, index } => {
                let i = model_at(state, model, "model")?;
                let m = &state.models()[i];
                let Some(at) = m.meta.indexes.iter().position(|x| same_index(x, index)) else {
                    let have: Vec<String> =
                        m.meta.indexes.iter().map(super::file::index_text).collect();
                    return Err(Diagnostic::error(format!(
                        "model `{model}` has no index {} at this point of the migrations",
                        super::file::index_text(index)
                    ))
                    .at(self.at("index"))
                    .label("unknown index")
                    .help(if have.is_empty() {
                        format!("`{model}` has no indexes here; remove this operation")
                    } else {
                        format!(
                            "write the index exactly as add_index or create_model declared it; `{model}` has: {}",
                            have.join(", ")
                        )
                    }));
                };
                state.models_mut()[i].meta.indexes.remove(at);
            }
            Operation::AddConstraint { model, constraint } => {
                let i = model_at(state, model, "model")?;
                refs::constraint_refs(&state.models()[i], constraint)?;
                state.models_mut()[i]
                    .meta
                    .constraints
                    .push(constraint.clone());
            }
            Operation::RemoveConstraint { model, constraint } => {
                let i = model_at(state, model, "model")?;
                let m = &state.models()[i];
                let found = m
                    .meta
                    .constraints
                    .iter()
                    .position(|x| same_constraint(x, constraint));
                let Some(at) = found else {
                    let have: Vec<String> = m
                        .meta
                        .constraints
                        .iter()
                        .map(super::file::constraint_text)
                        .collect();
                    return Err(Diagnostic::error(format!(
                        "model `{model}` has no constraint {} at this point of the migrations",
                        super::file::constraint_text(constraint)
                    ))
                    .at(self.at("constraint"))
                    .label("unknown constraint")
                    .help(if have.is_empty() {
                        format!("`{model}` has no constraints here; remove this operation")
                    } else {
                        format!(
                            "write the constraint exactly as add_constraint or create_model declared it; `{model}` has: {}",
                            have.join(", ")
                        )
                    }));
                };
                state.models_mut()[i].meta.constraints.remove(at);
            }
            Operation::AlterUniqueTogether { model, sets } => {
                let i = model_at(state, model, "model")?;
                refs::unique_together_refs(&state.models()[i], sets)?;
                state.models_mut()[i].meta.unique_together = sets.clone();
            }
            Operation::RunSql { .. } => {}
        }
        Ok(())
    }
}

/// Applies a migration's operations to `state`, then checks that every relation points at a
/// model (and `to_field`) that exists.
pub fn apply_all(ops: &[Op], state: &mut State) -> Result<(), Diagnostic> {
    for op in ops {
        op.apply(state)?;
    }
    refs::relations(state, ops)
}

/// Indexes are the same when their fields, order, name and condition are (spans aside).
pub fn same_index(a: &Index, b: &Index) -> bool {
    a.name.as_ref().map(|n| &n.text) == b.name.as_ref().map(|n| &n.text)
        && a.fields.len() == b.fields.len()
        && a.fields
            .iter()
            .zip(&b.fields)
            .all(|(x, y)| x.field.text == y.field.text && x.descending == y.descending)
        && super::file::expr_text(a.condition.as_ref())
            == super::file::expr_text(b.condition.as_ref())
}

/// Constraints are the same when their kind, name, fields and expressions are (spans aside).
pub fn same_constraint(a: &Constraint, b: &Constraint) -> bool {
    super::file::constraint_text(a) == super::file::constraint_text(b)
}

/// Renames field `from` to `to` in the column references of an expression.
pub fn rename_in_expr(e: &mut Expr, from: &str, to: &str) {
    match &mut e.kind {
        ExprKind::Column(name) => {
            if name == from {
                *name = to.to_string();
            }
        }
        ExprKind::Str(_) | ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null => {}
        ExprKind::Unary(_, inner) | ExprKind::IsNull { expr: inner, .. } => {
            rename_in_expr(inner, from, to)
        }
        ExprKind::Binary(_, l, r) => {
            rename_in_expr(l, from, to);
            rename_in_expr(r, from, to);
        }
        ExprKind::InList { expr, list, .. } => {
            rename_in_expr(expr, from, to);
            list.iter_mut().for_each(|x| rename_in_expr(x, from, to));
        }
        ExprKind::Between {
            expr, low, high, ..
        } => {
            rename_in_expr(expr, from, to);
            rename_in_expr(low, from, to);
            rename_in_expr(high, from, to);
        }
        ExprKind::Like { expr, pattern, .. } => {
            rename_in_expr(expr, from, to);
            rename_in_expr(pattern, from, to);
        }
        ExprKind::Call(_, args) => args.iter_mut().for_each(|x| rename_in_expr(x, from, to)),
    }
}
