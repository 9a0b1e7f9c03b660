//! Migration operations: dialect-neutral changes of the models' state.
//!
//! Each operation applies itself to a [`State`](super::state::State), describes itself, names
//! the migration it starts, and says whether it can be reversed. The SQL of a migration is not
//! written by the operations: it is the difference between the state before and after them,
//! planned per dialect (see `migrate::sql`), so up and down SQL always agree with the state.

use crate::diagnostics::Diagnostic;
use crate::ir::{Constraint, DialectName, Expr, ExprKind, Field, FieldSet, Index, Model};
use crate::source::Span;

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
#[derive(Clone, Debug, PartialEq)]
pub struct Op {
    pub kind: Operation,
    pub span: Span,
}

impl Op {
    pub fn new(kind: Operation, span: Span) -> Self {
        Op { kind, span }
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
    /// or field that is not there, or already is) is an error at the operation.
    pub fn apply(&self, state: &mut State) -> Result<(), Diagnostic> {
        let missing_model = |name: &str| {
            Diagnostic::error(format!("no model `{name}` at this point of the migrations"))
                .at(self.span)
                .label("unknown model")
                .help("the migrations before this one never create it (or delete it): check the model's name, or the order of the migrations")
        };
        let missing_field = |model: &str, field: &str| {
            Diagnostic::error(format!(
                "model `{model}` has no field `{field}` at this point of the migrations"
            ))
            .at(self.span)
            .label("unknown field")
            .help("the migrations before this one never add it (or remove it): check the field's name")
        };
        match &self.kind {
            Operation::CreateModel(model) => {
                if state.model_index(&model.name.text).is_some() {
                    return Err(Diagnostic::error(format!(
                        "model `{}` already exists at this point of the migrations",
                        model.name
                    ))
                    .at(self.span)
                    .label("created twice")
                    .help("remove this operation, or the one that created it before"));
                }
                state.create_model((**model).clone());
            }
            Operation::DeleteModel { model } => {
                let i = state
                    .model_index(model)
                    .ok_or_else(|| missing_model(model))?;
                state.delete_model(i);
            }
            Operation::RenameModel { from, to } => {
                let i = state.model_index(from).ok_or_else(|| missing_model(from))?;
                if state.model_index(to).is_some() {
                    return Err(Diagnostic::error(format!(
                        "cannot rename `{from}` to `{to}`: `{to}` already exists"
                    ))
                    .at(self.span)
                    .label("name taken")
                    .help("delete or rename the other model first"));
                }
                state.rename_model(i, to);
            }
            Operation::AlterModelTable { model, table } => {
                let i = state
                    .model_index(model)
                    .ok_or_else(|| missing_model(model))?;
                state.models_mut()[i].db_table = table.clone();
            }
            Operation::AlterModelComment { model, comment } => {
                let i = state
                    .model_index(model)
                    .ok_or_else(|| missing_model(model))?;
                state.models_mut()[i].meta.db_comment = comment.clone();
            }
            Operation::AddField { model, field } => {
                let i = state
                    .model_index(model)
                    .ok_or_else(|| missing_model(model))?;
                if state.models()[i].field(&field.name.text).is_some() {
                    return Err(Diagnostic::error(format!(
                        "model `{model}` already has a field `{}` at this point of the migrations",
                        field.name
                    ))
                    .at(self.span)
                    .label("added twice")
                    .help("use alter_field to change it, or remove one of the operations"));
                }
                state.add_field(i, (**field).clone());
            }
            Operation::RemoveField { model, field } => {
                let i = state
                    .model_index(model)
                    .ok_or_else(|| missing_model(model))?;
                let f = state.models()[i]
                    .field_index(field)
                    .ok_or_else(|| missing_field(model, field))?;
                state.models_mut()[i].fields.remove(f);
            }
            Operation::AlterField { model, field } => {
                let i = state
                    .model_index(model)
                    .ok_or_else(|| missing_model(model))?;
                let f = state.models()[i]
                    .field_index(&field.name.text)
                    .ok_or_else(|| missing_field(model, &field.name.text))?;
                state.alter_field(i, f, (**field).clone());
            }
            Operation::RenameField { model, from, to } => {
                let i = state
                    .model_index(model)
                    .ok_or_else(|| missing_model(model))?;
                let f = state.models()[i]
                    .field_index(from)
                    .ok_or_else(|| missing_field(model, from))?;
                if state.models()[i].field(to).is_some() {
                    return Err(Diagnostic::error(format!(
                        "cannot rename `{model}.{from}` to `{to}`: the field exists"
                    ))
                    .at(self.span)
                    .label("name taken")
                    .help("remove or rename the other field first"));
                }
                state.rename_field(i, f, to);
            }
            Operation::AddIndex { model, index } => {
                let i = state
                    .model_index(model)
                    .ok_or_else(|| missing_model(model))?;
                state.models_mut()[i].meta.indexes.push(index.clone());
            }
            Operation::RemoveIndex { model, index } => {
                let i = state
                    .model_index(model)
                    .ok_or_else(|| missing_model(model))?;
                let indexes = &mut state.models_mut()[i].meta.indexes;
                let at = indexes.iter().position(|x| same_index(x, index)).ok_or_else(|| {
                    Diagnostic::error(format!(
                        "model `{model}` has no such index at this point of the migrations"
                    ))
                    .at(self.span)
                    .label("unknown index")
                    .help("remove_index names an index exactly as add_index or create_model declared it")
                })?;
                indexes.remove(at);
            }
            Operation::AddConstraint { model, constraint } => {
                let i = state
                    .model_index(model)
                    .ok_or_else(|| missing_model(model))?;
                state.models_mut()[i]
                    .meta
                    .constraints
                    .push(constraint.clone());
            }
            Operation::RemoveConstraint { model, constraint } => {
                let i = state
                    .model_index(model)
                    .ok_or_else(|| missing_model(model))?;
                let constraints = &mut state.models_mut()[i].meta.constraints;
                let at = constraints
                    .iter()
                    .position(|x| same_constraint(x, constraint))
                    .ok_or_else(|| {
                        Diagnostic::error(format!(
                            "model `{model}` has no such constraint at this point of the migrations"
                        ))
                        .at(self.span)
                        .label("unknown constraint")
                        .help("remove_constraint names a constraint exactly as add_constraint or create_model declared it")
                    })?;
                constraints.remove(at);
            }
            Operation::AlterUniqueTogether { model, sets } => {
                let i = state
                    .model_index(model)
                    .ok_or_else(|| missing_model(model))?;
                state.models_mut()[i].meta.unique_together = sets.clone();
            }
            Operation::RunSql { .. } => {}
        }
        Ok(())
    }
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
