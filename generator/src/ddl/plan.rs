//! Plans the DDL of a validated schema for one dialect, table by table: each managed table
//! (dependencies first, then the automatic many-to-many tables) with its columns, keys,
//! uniques, checks, comments and indexes; foreign keys are added after all tables where the
//! dialect adds them separately. Names follow Django (see `naming`) and are borrowed from the
//! schema wherever they are written there, so planning a table costs little more than
//! rendering it, and nothing holds the plan of a whole schema unless asked to ([`plan`]).

use std::borrow::Cow;

use crate::ir::{
    Constraint, Expr, ExprKind, Field, FieldType, Model, OnDelete, Schema, SqlExprKind, Value,
};
use crate::naming::{index_name, meta_index_name};

use super::types::{base_type, related_type};
use super::{
    AddForeignKey, Capabilities, ColumnDef, ColumnDefault, ColumnKey, CommentSupport, CreateIndex,
    CreateTable, Dialect, ForeignKeyRef, Ident, SqlType, Statement, TableConstraint, TableKey,
    column_type,
};

/// Everything that creates one table: the table, its comments, its indexes, and the foreign
/// keys to add once every table exists (empty where the dialect declares them inline).
#[derive(Clone, Debug, PartialEq)]
pub struct TablePlan<'a> {
    pub table: CreateTable<'a>,
    pub comments: Vec<Statement<'a>>,
    pub indexes: Vec<CreateIndex<'a>>,
    pub foreign_keys: Vec<AddForeignKey<'a>>,
}

/// Where a table comes from: a model, or a model's many-to-many field without `through`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableSource {
    Model(usize),
    ManyToMany { model: usize, field: usize },
}

/// The tables of `schema` in creation order.
pub fn table_sources(schema: &Schema) -> Vec<TableSource> {
    let order = super::order::table_order(schema);
    let mut out: Vec<TableSource> = order.iter().map(|&m| TableSource::Model(m)).collect();
    for &m in &order {
        out.extend(many_to_many_sources(schema, m));
    }
    out
}

/// The tables one model makes: its own (if it is managed and concrete) and those of its
/// many-to-many fields without `through`, in the order of [`table_sources`].
pub fn model_table_sources(schema: &Schema, m: usize) -> Vec<TableSource> {
    let model = &schema.models[m];
    if !(model.has_table() && model.meta.managed) {
        return Vec::new();
    }
    let mut out = vec![TableSource::Model(m)];
    out.extend(many_to_many_sources(schema, m));
    out
}

fn many_to_many_sources(schema: &Schema, m: usize) -> impl Iterator<Item = TableSource> + '_ {
    schema.models[m]
        .fields
        .iter()
        .enumerate()
        .filter(|(_, field)| {
            field.ty == FieldType::ManyToMany
                && field.relation.as_ref().is_some_and(|r| r.through.is_none())
        })
        .map(move |(f, _)| TableSource::ManyToMany { model: m, field: f })
}

/// Plans tables of one schema for one dialect.
#[derive(Clone)]
pub struct Planner<'a> {
    schema: &'a Schema,
    d: &'a dyn Dialect,
    caps: Capabilities,
    /// SQLite's `json_valid` checks on JSON columns.
    json_checks: bool,
    limit: Option<usize>,
}

impl std::fmt::Debug for Planner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Planner")
            .field("dialect", &self.d.name())
            .finish()
    }
}

impl<'a> Planner<'a> {
    pub fn new(schema: &'a Schema, d: &'a dyn Dialect) -> Self {
        Planner {
            schema,
            d,
            caps: d.caps().clone(),
            json_checks: d.name() == crate::ir::DialectName::Sqlite,
            limit: crate::frontend::toml::name_limit(&schema.project),
        }
    }

    /// A planner whose tables carry every schema object (and so every name) that any of the
    /// configured dialects creates: indexes where any dialect makes them, foreign key
    /// constraints where any adds them separately, SQLite's JSON checks if SQLite is one.
    /// Its SQL is no dialect's; it serves to check names once for all dialects.
    pub fn union(schema: &'a Schema) -> Option<Self> {
        let dialects = &schema.project.dialects;
        let first = super::dialect_for(*dialects.first()?);
        let mut p = Planner::new(schema, first);
        for &name in dialects {
            let caps = super::dialect_for(name).caps();
            p.caps.pattern_ops_index |= caps.pattern_ops_index;
            p.caps.partial_indexes |= caps.partial_indexes;
            p.caps.fk_creates_index &= caps.fk_creates_index;
            p.caps.inline_foreign_keys &= caps.inline_foreign_keys;
            p.json_checks |= name == crate::ir::DialectName::Sqlite;
        }
        Some(p)
    }

    /// The plan of one table.
    pub fn table(&self, source: TableSource) -> Option<TablePlan<'a>> {
        match source {
            TableSource::Model(m) => Some(self.model(&self.schema.models[m])),
            TableSource::ManyToMany { model, field } => {
                let model = &self.schema.models[model];
                self.m2m(model, &model.fields[field])
            }
        }
    }

    fn model(&self, model: &'a Model) -> TablePlan<'a> {
        let table: &'a str = &model.db_table;
        let mut columns = Vec::with_capacity(model.fields.len());
        let mut constraints = Vec::new();
        let mut comments = Vec::new();
        let mut indexes = Vec::new();
        for field in model.columns() {
            let ty = column_type(self.schema, field, self.d);
            let default = match (&field.default, &field.db_default) {
                (Some(v), _) => Some(ColumnDefault::Literal(self.default_value(field, v))),
                (None, Some(e)) => Some(ColumnDefault::Expr(e)),
                (None, None) => None,
            };
            let references = if self.caps.inline_foreign_keys {
                self.fk_ref(field)
            } else {
                None
            };
            let comment = field.db_comment.as_deref();
            if let (Some(c), CommentSupport::Statement) = (comment, self.caps.comments) {
                comments.push(Statement::CommentOnColumn {
                    table: Cow::Borrowed(table),
                    column: Cow::Borrowed(&field.column),
                    comment: c,
                });
            }
            // A unique column is a named constraint (Django's name for it), so that migrations
            // can drop it by name.
            if field.is_unique() && !field.primary_key {
                constraints.push(TableConstraint::Unique {
                    name: Cow::Owned(index_name(table, &[&field.column], "_uniq", self.limit)),
                    columns: vec![Cow::Borrowed(field.column.as_str())],
                    span: field.decl_span,
                });
            }
            self.column_checks(model, field, &mut constraints);
            self.column_indexes(model, field, &ty, &mut indexes);
            columns.push(ColumnDef {
                key: ColumnKey::Field(field.key),
                name: Cow::Borrowed(&field.column),
                ty,
                null: field.null && !field.primary_key,
                primary_key: field.primary_key,
                auto_increment: field.ty.is_auto(),
                default,
                comment: comment.filter(|_| self.caps.comments == CommentSupport::Inline),
                references,
            });
        }
        for set in &model.meta.unique_together {
            let cols = columns_of(model, set.fields.iter().map(|n| n.text.as_str()));
            constraints.push(TableConstraint::Unique {
                name: Cow::Owned(index_name(table, &refs(&cols), "_uniq", self.limit)),
                columns: cols,
                span: set.span,
            });
        }
        for c in &model.meta.constraints {
            self.constraint(model, c, &mut constraints, &mut indexes);
        }
        drop_redundant_uniques(&columns, &mut constraints);
        for index in &model.meta.indexes {
            let cols: Vec<(Ident<'a>, bool)> = index
                .fields
                .iter()
                .map(|f| (column_of(model, &f.field.text), f.descending))
                .collect();
            let name = match &index.name {
                Some(n) => Cow::Borrowed(n.text.as_str()),
                None => {
                    let ordered: Vec<String> = cols
                        .iter()
                        .map(|(c, desc)| {
                            if *desc {
                                format!("-{c}")
                            } else {
                                c.to_string()
                            }
                        })
                        .collect();
                    let ordered: Vec<&str> = ordered.iter().map(String::as_str).collect();
                    Cow::Owned(meta_index_name(table, &ordered))
                }
            };
            let (condition, condition_raw) = self.condition(model, index.condition.as_ref());
            indexes.push(CreateIndex {
                name,
                table: Cow::Borrowed(table),
                columns: cols,
                unique: false,
                opclass: None,
                condition,
                condition_raw,
                span: index.span,
            });
        }
        if let (Some(c), CommentSupport::Statement) =
            (model.meta.db_comment.as_deref(), self.caps.comments)
        {
            comments.insert(
                0,
                Statement::CommentOnTable {
                    table: Cow::Borrowed(table),
                    comment: c,
                },
            );
        }
        TablePlan {
            table: CreateTable {
                key: TableKey::Model(model.key),
                name: Cow::Borrowed(table),
                columns,
                constraints,
                comment: model
                    .meta
                    .db_comment
                    .as_deref()
                    .filter(|_| self.caps.comments == CommentSupport::Inline),
                span: model.name.span,
            },
            comments,
            indexes,
            foreign_keys: self.model_fks(model),
        }
    }

    /// The foreign keys of one table, added after all tables (none where the dialect
    /// declares them inline).
    pub fn foreign_keys(&self, source: TableSource) -> Vec<AddForeignKey<'a>> {
        match source {
            TableSource::Model(m) => self.model_fks(&self.schema.models[m]),
            TableSource::ManyToMany { .. } => self
                .table(source)
                .map(|t| t.foreign_keys)
                .unwrap_or_default(),
        }
    }

    fn model_fks(&self, model: &'a Model) -> Vec<AddForeignKey<'a>> {
        if self.caps.inline_foreign_keys {
            return Vec::new();
        }
        let table: &'a str = &model.db_table;
        let mut out = Vec::new();
        for field in model.columns() {
            if let Some(target) = self.fk_ref(field) {
                let suffix = format!("_fk_{}_{}", target.table, target.column);
                out.push(AddForeignKey {
                    table: Cow::Borrowed(table),
                    name: Cow::Owned(index_name(table, &[&field.column], &suffix, self.limit)),
                    column: Cow::Borrowed(&field.column),
                    target,
                    span: field.decl_span,
                });
            }
        }
        out
    }

    /// A default as a literal of the column's type (a relation's default is typed by its
    /// target; validation has checked it fits).
    fn default_value(&self, field: &Field, v: &'a Value) -> Cow<'a, Value> {
        match (self.schema.target(field), v) {
            (Some((_, target)), Value::Str(s)) if target.ty == FieldType::Uuid => {
                let hex: String = s.chars().filter(|c| *c != '-').collect();
                u128::from_str_radix(&hex, 16)
                    .map(|u| Cow::Owned(Value::Uuid(u)))
                    .unwrap_or(Cow::Borrowed(v))
            }
            _ => Cow::Borrowed(v),
        }
    }

    fn fk_ref(&self, field: &Field) -> Option<ForeignKeyRef<'a>> {
        if !field.ty.is_fk() {
            return None;
        }
        let rel = field.relation.as_ref()?;
        if !rel.db_constraint {
            return None;
        }
        let (target_model, target_field) = self.schema.target(field)?;
        let on_delete = match rel.on_delete {
            Some(OnDelete::SetDefault) if !self.caps.on_delete_set_default => None,
            other => other,
        };
        Some(ForeignKeyRef {
            table: Cow::Borrowed(&target_model.db_table),
            column: Cow::Borrowed(&target_field.column),
            on_delete,
            deferrable: self.caps.deferrable_fks,
        })
    }

    /// Checks derived from a column: positive integers, choices, SQLite's JSON validity.
    fn column_checks(
        &self,
        model: &'a Model,
        field: &'a Field,
        out: &mut Vec<TableConstraint<'a>>,
    ) {
        let table = &model.db_table;
        let span = field.decl_span;
        let column = Cow::Borrowed(field.column.as_str());
        if field.ty.is_positive() {
            out.push(TableConstraint::Positive {
                name: self.short_name(table, &field.column, "check"),
                column: column.clone(),
                span,
            });
        }
        if field.ty == FieldType::Json && self.json_checks {
            out.push(TableConstraint::JsonValid {
                name: self.short_name(table, &field.column, "check"),
                column: column.clone(),
                span,
            });
        }
        if let Some(choices) = &field.choices {
            out.push(TableConstraint::Choices {
                name: self.short_name(table, &field.column, "choices"),
                column,
                values: &choices.items,
                // String codes must match exactly, not by the collation's idea of equal.
                exact: field.ty.is_string(),
                span: choices.span,
            });
        }
    }

    /// `<table>_<column>_<suffix>` (PostgreSQL's own name for a column check), or Django's
    /// hashed form when that is too long.
    fn short_name(&self, table: &str, column: &str, suffix: &str) -> Ident<'a> {
        let mut name = String::with_capacity(table.len() + column.len() + suffix.len() + 2);
        for part in [table, "_", column, "_", suffix] {
            name.push_str(part);
        }
        match self.limit {
            Some(max) if name.len() > max => Cow::Owned(index_name(
                table,
                &[column],
                &format!("_{suffix}"),
                self.limit,
            )),
            _ => Cow::Owned(name),
        }
    }

    fn column_indexes(
        &self,
        model: &'a Model,
        field: &'a Field,
        ty: &SqlType,
        out: &mut Vec<CreateIndex<'a>>,
    ) {
        let table: &'a str = &model.db_table;
        let fk_index_implicit = self.caps.fk_creates_index
            && field.ty.is_fk()
            && field.relation.as_ref().is_some_and(|r| r.db_constraint);
        if field.wants_index() && !fk_index_implicit {
            out.push(CreateIndex {
                name: Cow::Owned(index_name(table, &[&field.column], "", self.limit)),
                table: Cow::Borrowed(table),
                columns: vec![(Cow::Borrowed(field.column.as_str()), false)],
                unique: false,
                opclass: None,
                condition: None,
                condition_raw: None,
                span: field.decl_span,
            });
        }
        // Django adds a `*_pattern_ops` index to indexed varchar and text columns on
        // PostgreSQL so that LIKE 'x%' can use an index outside the C locale.
        let indexed = field.db_index.unwrap_or(field.ty.is_fk()) || field.is_unique();
        if self.caps.pattern_ops_index && indexed && ty.is_textual() {
            let opclass = if *ty == SqlType::Text {
                "text_pattern_ops"
            } else {
                "varchar_pattern_ops"
            };
            out.push(CreateIndex {
                name: Cow::Owned(index_name(table, &[&field.column], "_like", self.limit)),
                table: Cow::Borrowed(table),
                columns: vec![(Cow::Borrowed(field.column.as_str()), false)],
                unique: false,
                opclass: Some(opclass),
                condition: None,
                condition_raw: None,
                span: field.decl_span,
            });
        }
    }

    fn condition(
        &self,
        model: &Model,
        cond: Option<&'a crate::ir::SqlExpr>,
    ) -> (Option<Expr>, Option<&'a str>) {
        let Some(cond) = cond else {
            return (None, None);
        };
        // No partial indexes: the index covers every row (Django does the same).
        if !self.caps.partial_indexes {
            return (None, None);
        }
        match &cond.kind {
            SqlExprKind::Portable(e) => (Some(resolve_columns(e, model)), None),
            SqlExprKind::PerDialect(_) => (None, cond.raw_for(self.d.name())),
        }
    }

    fn constraint(
        &self,
        model: &'a Model,
        c: &'a Constraint,
        out: &mut Vec<TableConstraint<'a>>,
        indexes: &mut Vec<CreateIndex<'a>>,
    ) {
        let table: &'a str = &model.db_table;
        match c {
            Constraint::Unique {
                name,
                fields,
                condition,
                span,
            } => {
                let cols = columns_of(model, fields.fields.iter().map(|n| n.text.as_str()));
                let name = match name {
                    Some(n) => Cow::Borrowed(n.text.as_str()),
                    None => Cow::Owned(index_name(table, &refs(&cols), "_uniq", self.limit)),
                };
                match condition {
                    None => out.push(TableConstraint::Unique {
                        name,
                        columns: cols,
                        span: *span,
                    }),
                    // Without partial indexes a conditional unique constraint would forbid
                    // more than asked: it is left out (validation warns).
                    Some(_) if !self.caps.partial_indexes => {}
                    Some(_) => {
                        let (condition, condition_raw) = self.condition(model, condition.as_ref());
                        indexes.push(CreateIndex {
                            name,
                            table: Cow::Borrowed(table),
                            columns: cols.into_iter().map(|c| (c, false)).collect(),
                            unique: true,
                            opclass: None,
                            condition,
                            condition_raw,
                            span: *span,
                        });
                    }
                }
            }
            Constraint::Check { name, check, span } => match &check.kind {
                SqlExprKind::Portable(e) => {
                    let resolved = resolve_columns(e, model);
                    let name = match name {
                        Some(n) => Cow::Borrowed(n.text.as_str()),
                        None => {
                            let mut cols: Vec<&str> = Vec::new();
                            for (c, _) in resolved.columns() {
                                if !cols.contains(&c) {
                                    cols.push(c);
                                }
                            }
                            Cow::Owned(index_name(table, &cols, "_check", self.limit))
                        }
                    };
                    out.push(TableConstraint::Check {
                        name,
                        expr: resolved,
                        span: *span,
                    });
                }
                SqlExprKind::PerDialect(_) => {
                    let name = match name {
                        Some(n) => Cow::Borrowed(n.text.as_str()),
                        None => Cow::Owned(index_name(table, &[], "_check", self.limit)),
                    };
                    if let Some(raw) = check.raw_for(self.d.name()) {
                        out.push(TableConstraint::CheckRaw {
                            name,
                            sql: raw,
                            span: *span,
                        });
                    }
                }
            },
        }
    }

    /// The table Django creates for a many-to-many field without `through`.
    fn m2m(&self, model: &'a Model, field: &'a Field) -> Option<TablePlan<'a>> {
        let rel = field.relation.as_ref()?;
        if rel.through.is_some() {
            return None;
        }
        let through = crate::ir::auto_through(self.schema, model, field)?;
        let table = through.table;
        let limit = self.limit;
        let id_ty = match self.schema.project.default_auto_field {
            FieldType::Auto => SqlType::Int { unsigned: false },
            FieldType::SmallAuto => SqlType::SmallInt { unsigned: false },
            _ => SqlType::BigInt { unsigned: false },
        };
        let mut columns = vec![ColumnDef {
            key: ColumnKey::Id,
            name: Cow::Borrowed("id"),
            ty: id_ty,
            null: false,
            primary_key: true,
            auto_increment: true,
            default: None,
            comment: None,
            references: None,
        }];
        let mut indexes = Vec::new();
        let mut foreign_keys = Vec::new();
        let sides = [
            (
                ColumnKey::From,
                through.from_column,
                through.from_model,
                through.from_field,
            ),
            (
                ColumnKey::To,
                through.to_column,
                through.to_model,
                through.to_field,
            ),
        ];
        let pair = [sides[0].1.clone(), sides[1].1.clone()];
        for (key, column, mi, fi) in sides {
            let target_model = &self.schema.models[mi];
            let target_field = &target_model.fields[fi];
            let ty = related_type(base_type(target_field), self.d);
            let target = ForeignKeyRef {
                table: Cow::Borrowed(&target_model.db_table),
                column: Cow::Borrowed(&target_field.column),
                on_delete: Some(OnDelete::Cascade),
                deferrable: self.caps.deferrable_fks,
            };
            let with_constraint = rel.db_constraint;
            if !(self.caps.fk_creates_index && with_constraint) {
                indexes.push(CreateIndex {
                    name: Cow::Owned(index_name(&table, &[&column], "", limit)),
                    table: Cow::Owned(table.clone()),
                    columns: vec![(Cow::Owned(column.clone()), false)],
                    unique: false,
                    opclass: None,
                    condition: None,
                    condition_raw: None,
                    span: field.decl_span,
                });
            }
            if self.caps.pattern_ops_index && ty.is_textual() {
                indexes.push(CreateIndex {
                    name: Cow::Owned(index_name(&table, &[&column], "_like", limit)),
                    table: Cow::Owned(table.clone()),
                    columns: vec![(Cow::Owned(column.clone()), false)],
                    unique: false,
                    opclass: Some("varchar_pattern_ops"),
                    condition: None,
                    condition_raw: None,
                    span: field.decl_span,
                });
            }
            if !self.caps.inline_foreign_keys && with_constraint {
                let suffix = format!("_fk_{}_{}", target.table, target.column);
                foreign_keys.push(AddForeignKey {
                    table: Cow::Owned(table.clone()),
                    name: Cow::Owned(index_name(&table, &[&column], &suffix, limit)),
                    column: Cow::Owned(column.clone()),
                    target: target.clone(),
                    span: field.decl_span,
                });
            }
            columns.push(ColumnDef {
                key,
                name: Cow::Owned(column),
                ty,
                null: false,
                primary_key: false,
                auto_increment: false,
                default: None,
                comment: None,
                references: (self.caps.inline_foreign_keys && with_constraint).then_some(target),
            });
        }
        let unique_name = index_name(&table, &[&pair[0], &pair[1]], "_uniq", limit);
        Some(TablePlan {
            table: CreateTable {
                key: TableKey::ManyToMany {
                    model: model.key,
                    field: field.key,
                },
                name: Cow::Owned(table),
                columns,
                constraints: vec![TableConstraint::Unique {
                    name: Cow::Owned(unique_name),
                    columns: pair.into_iter().map(Cow::Owned).collect(),
                    span: field.decl_span,
                }],
                comment: None,
                span: field.decl_span,
            },
            comments: Vec::new(),
            indexes,
            foreign_keys,
        })
    }
}

/// The statements creating every managed table of `schema` in `dialect`: each table with its
/// comments and indexes, then the foreign keys.
pub fn plan<'a>(schema: &'a Schema, dialect: &'a dyn Dialect) -> Vec<Statement<'a>> {
    let planner = Planner::new(schema, dialect);
    let mut out = Vec::new();
    let mut fks = Vec::new();
    for source in table_sources(schema) {
        let Some(t) = planner.table(source) else {
            continue;
        };
        out.push(Statement::CreateTable(t.table));
        out.extend(t.comments);
        out.extend(t.indexes.into_iter().map(Statement::CreateIndex));
        fks.extend(t.foreign_keys.into_iter().map(Statement::AddForeignKey));
    }
    out.extend(fks);
    out
}

/// Leaves out a unique constraint on the primary key's columns or on the columns of an
/// earlier unique constraint (same columns, same order). PostgreSQL does so itself in CREATE
/// TABLE (and gives the primary key the unique constraint's name), but not in ALTER TABLE ADD
/// CONSTRAINT: without this, a migration that adds such a constraint, or drops it by name,
/// would not match what fresh DDL makes.
fn drop_redundant_uniques(columns: &[ColumnDef], constraints: &mut Vec<TableConstraint>) {
    let pk: Vec<&str> = columns
        .iter()
        .filter(|c| c.primary_key)
        .map(|c| c.name.as_ref())
        .collect();
    let mut seen: Vec<Vec<String>> = Vec::new();
    constraints.retain(|c| {
        let TableConstraint::Unique { columns, .. } = c else {
            return true;
        };
        let cols: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        if cols == pk || seen.contains(&cols) {
            return false;
        }
        seen.push(cols);
        true
    });
}

/// Rewrites field names in `expr` to column names of `model`.
pub(crate) fn resolve_columns(expr: &Expr, model: &Model) -> Expr {
    let mut e = expr.clone();
    rewrite(&mut e, model);
    e
}

fn rewrite(e: &mut Expr, model: &Model) {
    match &mut e.kind {
        ExprKind::Column(name) => {
            if let Some(f) = model.lookup(name) {
                *name = f.column.to_string();
            }
        }
        ExprKind::Str(_) | ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null => {}
        ExprKind::Unary(_, inner) | ExprKind::IsNull { expr: inner, .. } => rewrite(inner, model),
        ExprKind::Binary(_, l, r) => {
            rewrite(l, model);
            rewrite(r, model);
        }
        ExprKind::InList { expr, list, .. } => {
            rewrite(expr, model);
            list.iter_mut().for_each(|x| rewrite(x, model));
        }
        ExprKind::Between {
            expr, low, high, ..
        } => {
            rewrite(expr, model);
            rewrite(low, model);
            rewrite(high, model);
        }
        ExprKind::Like { expr, pattern, .. } => {
            rewrite(expr, model);
            rewrite(pattern, model);
        }
        ExprKind::Call(_, args) => args.iter_mut().for_each(|x| rewrite(x, model)),
    }
}

/// The column of a field named in Meta (validation guarantees it exists).
fn column_of<'a>(model: &'a Model, name: &'a str) -> Ident<'a> {
    Cow::Borrowed(model.lookup(name).map_or(name, |f| f.column.as_str()))
}

fn columns_of<'a>(model: &'a Model, names: impl Iterator<Item = &'a str>) -> Vec<Ident<'a>> {
    names.map(|n| column_of(model, n)).collect()
}

fn refs<'s>(v: &'s [Ident<'_>]) -> Vec<&'s str> {
    v.iter().map(|c| c.as_ref()).collect()
}
