//! Plans the DDL of a validated schema for one dialect: tables (dependencies first), their
//! columns, keys, uniques and checks, then indexes, then foreign keys where the dialect adds
//! them after the tables. Names follow Django (see `naming`).

use crate::ir::{
    Constraint, Expr, ExprKind, Field, FieldType, Func, Model, OnDelete, Schema, SqlExpr,
    SqlExprKind, Value,
};
use crate::naming::{index_name, meta_index_name};
use crate::source::Span;

use super::{
    AddForeignKey, ColumnDef, ColumnDefault, CommentSupport, CreateIndex, CreateTable, Dialect,
    ForeignKeyRef, SqlType, Statement, TableConstraint,
};

/// The SQL type of `field`'s column. A relation's column takes its target's type, without
/// auto-increment, and unsigned only where the dialect matches related types exactly.
pub fn column_type(schema: &Schema, field: &Field, dialect: &dyn Dialect) -> SqlType {
    if field.ty.is_fk() {
        if let Some((_, target)) = schema.target(field) {
            let ty = base_type(target);
            if dialect.caps().related_fields_match_type {
                return ty;
            }
            return match ty {
                SqlType::SmallInt { .. } => SqlType::SmallInt { unsigned: false },
                SqlType::Int { .. } => SqlType::Int { unsigned: false },
                SqlType::BigInt { .. } => SqlType::BigInt { unsigned: false },
                other => other,
            };
        }
    }
    base_type(field)
}

fn base_type(field: &Field) -> SqlType {
    use FieldType as T;
    match field.ty {
        T::Auto | T::Integer => SqlType::Int { unsigned: false },
        T::BigAuto | T::BigInteger => SqlType::BigInt { unsigned: false },
        T::SmallAuto | T::SmallInteger => SqlType::SmallInt { unsigned: false },
        T::PositiveInteger => SqlType::Int { unsigned: true },
        T::PositiveSmallInteger => SqlType::SmallInt { unsigned: true },
        T::PositiveBigInteger => SqlType::BigInt { unsigned: true },
        T::Char | T::Slug | T::Email | T::Url => {
            SqlType::Varchar(field.effective_max_length().unwrap_or(255))
        }
        T::Text => SqlType::Text,
        T::Float => SqlType::Float,
        T::Decimal => SqlType::Decimal {
            digits: field.max_digits.unwrap_or(10),
            places: field.decimal_places.unwrap_or(0),
        },
        T::Boolean => SqlType::Bool,
        T::Date => SqlType::Date,
        T::DateTime => SqlType::DateTime,
        T::Time => SqlType::Time,
        T::Duration => SqlType::Duration,
        T::Uuid => SqlType::Uuid,
        T::Json => SqlType::Json,
        T::Binary => SqlType::Binary,
        T::IpAddress => SqlType::Inet(field.protocol),
        // Validation guarantees relations resolve; many-to-many has no column.
        T::ForeignKey | T::OneToOne | T::ManyToMany | T::Error => {
            SqlType::BigInt { unsigned: false }
        }
    }
}

/// The shortest identifier limit of the configured dialects (generated names fit all).
fn name_limit(schema: &Schema) -> Option<usize> {
    crate::frontend::toml::name_limit(&schema.project)
}

struct Planner<'a> {
    schema: &'a Schema,
    d: &'a dyn Dialect,
    limit: Option<usize>,
    tables: Vec<Statement>,
    indexes: Vec<Statement>,
    fks: Vec<Statement>,
}

/// The statements creating every managed table of `schema` in `dialect`.
pub fn plan(schema: &Schema, dialect: &dyn Dialect) -> Vec<Statement> {
    let mut p = Planner {
        schema,
        d: dialect,
        limit: name_limit(schema),
        tables: Vec::new(),
        indexes: Vec::new(),
        fks: Vec::new(),
    };
    let order = super::order::table_order(schema);
    for &i in &order {
        p.model(&schema.models[i]);
    }
    for &i in &order {
        let model = &schema.models[i];
        for field in model
            .fields
            .iter()
            .filter(|f| f.ty == FieldType::ManyToMany)
        {
            p.m2m_table(model, field);
        }
    }
    let mut out = p.tables;
    out.append(&mut p.indexes);
    out.append(&mut p.fks);
    out
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
                *name = f.column.clone();
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

fn col(name: &str, span: Span) -> Expr {
    Expr {
        kind: ExprKind::Column(name.to_string()),
        span,
    }
}

fn node(kind: ExprKind, span: Span) -> Expr {
    Expr { kind, span }
}

impl Planner<'_> {
    fn caps(&self) -> &'static super::Capabilities {
        self.d.caps()
    }

    fn model(&mut self, model: &Model) {
        let table = &model.db_table;
        let mut columns = Vec::new();
        let mut constraints = Vec::new();
        let mut comments = Vec::new();
        for field in model.columns() {
            let ty = column_type(self.schema, field, self.d);
            let default = match (&field.default, &field.db_default) {
                (Some(v), _) => Some(ColumnDefault::Literal(self.default_value(field, v))),
                (None, Some(e)) => Some(ColumnDefault::Expr(e.clone())),
                (None, None) => None,
            };
            let references = if self.caps().inline_foreign_keys {
                self.fk_ref(field)
            } else {
                None
            };
            columns.push(ColumnDef {
                name: field.column.clone(),
                ty: ty.clone(),
                null: field.null && !field.primary_key,
                primary_key: field.primary_key,
                auto_increment: field.ty.is_auto(),
                unique: field.is_unique() && !field.primary_key,
                default,
                comment: if self.caps().comments == CommentSupport::Inline {
                    field.db_comment.clone()
                } else {
                    None
                },
                references,
            });
            if let (Some(c), CommentSupport::Statement) = (&field.db_comment, self.caps().comments)
            {
                comments.push(Statement::CommentOnColumn {
                    table: table.clone(),
                    column: field.column.clone(),
                    comment: c.clone(),
                });
            }
            self.column_checks(model, field, &ty, &mut constraints);
            self.column_indexes(model, field, &ty);
        }
        for set in &model.meta.unique_together {
            let cols = self.columns_of(model, set.fields.iter().map(|n| n.text.as_str()));
            constraints.push(TableConstraint::Unique {
                name: index_name(table, &refs(&cols), "_uniq", self.limit),
                columns: cols,
                span: set.span,
            });
        }
        for c in &model.meta.constraints {
            self.constraint(model, c, &mut constraints);
        }
        for index in &model.meta.indexes {
            let cols: Vec<(String, bool)> = index
                .fields
                .iter()
                .map(|f| {
                    (
                        model
                            .lookup(&f.field.text)
                            .map_or_else(|| f.field.text.clone(), |x| x.column.clone()),
                        f.descending,
                    )
                })
                .collect();
            let name = match &index.name {
                Some(n) => n.text.clone(),
                None => {
                    let ordered: Vec<String> = cols
                        .iter()
                        .map(|(c, desc)| if *desc { format!("-{c}") } else { c.clone() })
                        .collect();
                    meta_index_name(table, &refs(&ordered))
                }
            };
            let (condition, condition_raw) = self.condition(model, index.condition.as_ref());
            self.indexes.push(Statement::CreateIndex(CreateIndex {
                name,
                table: table.clone(),
                columns: cols,
                unique: false,
                opclass: None,
                condition,
                condition_raw,
                span: index.span,
            }));
        }
        if let (Some(c), CommentSupport::Statement) = (&model.meta.db_comment, self.caps().comments)
        {
            comments.insert(
                0,
                Statement::CommentOnTable {
                    table: table.clone(),
                    comment: c.clone(),
                },
            );
        }
        self.tables.push(Statement::CreateTable(CreateTable {
            name: table.clone(),
            columns,
            constraints,
            comment: if self.caps().comments == CommentSupport::Inline {
                model.meta.db_comment.clone()
            } else {
                None
            },
            span: model.name.span,
        }));
        self.tables.append(&mut comments);
        if !self.caps().inline_foreign_keys {
            for field in model.columns() {
                if let Some(target) = self.fk_ref(field) {
                    let suffix = format!("_fk_{}_{}", target.table, target.column);
                    self.fks.push(Statement::AddForeignKey(AddForeignKey {
                        table: table.clone(),
                        name: index_name(table, &[field.column.as_str()], &suffix, self.limit),
                        column: field.column.clone(),
                        target,
                        span: field.decl_span,
                    }));
                }
            }
        }
    }

    /// A default as a literal of the column's type (a relation's default is typed by its
    /// target; validation has checked it fits).
    fn default_value(&self, field: &Field, v: &Value) -> Value {
        match (self.schema.target(field), v) {
            (Some((_, target)), Value::Str(s)) if target.ty == FieldType::Uuid => {
                let hex: String = s.chars().filter(|c| *c != '-').collect();
                u128::from_str_radix(&hex, 16)
                    .map(Value::Uuid)
                    .unwrap_or_else(|_| v.clone())
            }
            _ => v.clone(),
        }
    }

    fn fk_ref(&self, field: &Field) -> Option<ForeignKeyRef> {
        if !field.ty.is_fk() {
            return None;
        }
        let rel = field.relation.as_ref()?;
        if !rel.db_constraint {
            return None;
        }
        let (target_model, target_field) = self.schema.target(field)?;
        let on_delete = match rel.on_delete {
            Some(OnDelete::SetDefault) if !self.caps().on_delete_set_default => None,
            other => other,
        };
        Some(ForeignKeyRef {
            table: target_model.db_table.clone(),
            column: target_field.column.clone(),
            on_delete,
            deferrable: self.caps().deferrable_fks,
        })
    }

    /// Checks derived from a column: positive integers, choices, SQLite's JSON validity.
    fn column_checks(
        &self,
        model: &Model,
        field: &Field,
        ty: &SqlType,
        out: &mut Vec<TableConstraint>,
    ) {
        let table = &model.db_table;
        let span = field.decl_span;
        let column = &field.column;
        if field.ty.is_positive() {
            out.push(TableConstraint::Check {
                name: self.short_name(table, column, "check"),
                expr: node(
                    ExprKind::Binary(
                        crate::ir::BinOp::GtEq,
                        Box::new(col(column, span)),
                        Box::new(node(ExprKind::Number("0".into()), span)),
                    ),
                    span,
                ),
                span,
            });
        }
        if field.ty == FieldType::Json && self.d.name() == crate::ir::DialectName::Sqlite {
            out.push(TableConstraint::Check {
                name: self.short_name(table, column, "check"),
                expr: node(
                    ExprKind::Binary(
                        crate::ir::BinOp::Or,
                        Box::new(node(
                            ExprKind::Call(Func::JsonValid, vec![col(column, span)]),
                            span,
                        )),
                        Box::new(node(
                            ExprKind::IsNull {
                                expr: Box::new(col(column, span)),
                                negated: false,
                            },
                            span,
                        )),
                    ),
                    span,
                ),
                span,
            });
        }
        if let Some(choices) = &field.choices {
            let list = choices
                .items
                .iter()
                .map(|c| match &c.value {
                    Value::Int(n) => node(ExprKind::Number(n.to_string()), c.span),
                    Value::Str(s) => node(ExprKind::Str(s.clone()), c.span),
                    other => node(ExprKind::Str(other.to_string()), c.span),
                })
                .collect();
            // String codes must match exactly, not by the collation's idea of equal.
            let subject = if field.ty.is_string() {
                node(ExprKind::Call(Func::Exact, vec![col(column, span)]), span)
            } else {
                col(column, span)
            };
            out.push(TableConstraint::Check {
                name: self.short_name(table, column, "choices"),
                expr: node(
                    ExprKind::InList {
                        expr: Box::new(subject),
                        list,
                        negated: false,
                    },
                    span,
                ),
                span: choices.span,
            });
        }
        let _ = ty;
    }

    /// `<table>_<column>_<suffix>` (PostgreSQL's own name for a column check), or Django's
    /// hashed form when that is too long.
    fn short_name(&self, table: &str, column: &str, suffix: &str) -> String {
        let mut name = String::with_capacity(table.len() + column.len() + suffix.len() + 2);
        for part in [table, "_", column, "_", suffix] {
            name.push_str(part);
        }
        match self.limit {
            Some(max) if name.len() > max => {
                index_name(table, &[column], &format!("_{suffix}"), self.limit)
            }
            _ => name,
        }
    }

    fn column_indexes(&mut self, model: &Model, field: &Field, ty: &SqlType) {
        let table = &model.db_table;
        let caps = self.caps();
        let fk_index_implicit = caps.fk_creates_index
            && field.ty.is_fk()
            && field.relation.as_ref().is_some_and(|r| r.db_constraint);
        if field.wants_index() && !fk_index_implicit {
            self.indexes.push(Statement::CreateIndex(CreateIndex {
                name: index_name(table, &[field.column.as_str()], "", self.limit),
                table: table.clone(),
                columns: vec![(field.column.clone(), false)],
                unique: false,
                opclass: None,
                condition: None,
                condition_raw: None,
                span: field.decl_span,
            }));
        }
        // Django adds a `*_pattern_ops` index to indexed varchar and text columns on
        // PostgreSQL so that LIKE 'x%' can use an index outside the C locale.
        let indexed = field.db_index.unwrap_or(field.ty.is_fk()) || field.is_unique();
        if caps.pattern_ops_index && indexed && ty.is_textual() {
            let opclass = if *ty == SqlType::Text {
                "text_pattern_ops"
            } else {
                "varchar_pattern_ops"
            };
            self.indexes.push(Statement::CreateIndex(CreateIndex {
                name: index_name(table, &[field.column.as_str()], "_like", self.limit),
                table: table.clone(),
                columns: vec![(field.column.clone(), false)],
                unique: false,
                opclass: Some(opclass),
                condition: None,
                condition_raw: None,
                span: field.decl_span,
            }));
        }
    }

    fn columns_of<'n>(&self, model: &Model, names: impl Iterator<Item = &'n str>) -> Vec<String> {
        names
            .map(|n| {
                model
                    .lookup(n)
                    .map_or_else(|| n.to_string(), |f| f.column.clone())
            })
            .collect()
    }

    fn condition(&self, model: &Model, cond: Option<&SqlExpr>) -> (Option<Expr>, Option<String>) {
        let Some(cond) = cond else {
            return (None, None);
        };
        // No partial indexes: the index covers every row (Django does the same).
        if !self.caps().partial_indexes {
            return (None, None);
        }
        match &cond.kind {
            SqlExprKind::Portable(e) => (Some(resolve_columns(e, model)), None),
            SqlExprKind::PerDialect(_) => (None, cond.raw_for(self.d.name()).map(str::to_string)),
        }
    }

    fn constraint(&mut self, model: &Model, c: &Constraint, out: &mut Vec<TableConstraint>) {
        let table = &model.db_table;
        match c {
            Constraint::Unique {
                name,
                fields,
                condition,
                span,
            } => {
                let cols = self.columns_of(model, fields.fields.iter().map(|n| n.text.as_str()));
                let name = name.as_ref().map_or_else(
                    || index_name(table, &refs(&cols), "_uniq", self.limit),
                    |n| n.text.clone(),
                );
                match condition {
                    None => out.push(TableConstraint::Unique {
                        name,
                        columns: cols,
                        span: *span,
                    }),
                    // Without partial indexes a conditional unique constraint would forbid
                    // more than asked: it is left out (validation warns).
                    Some(_) if !self.caps().partial_indexes => {}
                    Some(_) => {
                        let (condition, condition_raw) = self.condition(model, condition.as_ref());
                        self.indexes.push(Statement::CreateIndex(CreateIndex {
                            name,
                            table: table.clone(),
                            columns: cols.into_iter().map(|c| (c, false)).collect(),
                            unique: true,
                            opclass: None,
                            condition,
                            condition_raw,
                            span: *span,
                        }));
                    }
                }
            }
            Constraint::Check { name, check, span } => {
                let (expr, cols) = match &check.kind {
                    SqlExprKind::Portable(e) => {
                        let resolved = resolve_columns(e, model);
                        let mut cols: Vec<String> = Vec::new();
                        for (c, _) in resolved.columns() {
                            if !cols.iter().any(|x| x == c) {
                                cols.push(c.to_string());
                            }
                        }
                        (Some(resolved), cols)
                    }
                    SqlExprKind::PerDialect(_) => (None, Vec::new()),
                };
                let name = name.as_ref().map_or_else(
                    || index_name(table, &refs(&cols), "_check", self.limit),
                    |n| n.text.clone(),
                );
                match expr {
                    Some(expr) => out.push(TableConstraint::Check {
                        name,
                        expr,
                        span: *span,
                    }),
                    None => {
                        if let Some(raw) = check.raw_for(self.d.name()) {
                            out.push(TableConstraint::CheckRaw {
                                name,
                                sql: raw.to_string(),
                                span: *span,
                            });
                        }
                    }
                }
            }
        }
    }

    /// The table Django creates for a many-to-many field without `through`.
    fn m2m_table(&mut self, model: &Model, field: &Field) {
        let Some(rel) = field.relation.as_ref() else {
            return;
        };
        if rel.through.is_some() {
            return;
        }
        let Some(through) = crate::ir::auto_through(self.schema, model, field) else {
            return;
        };
        let table = through.table.clone();
        let limit = self.limit;
        let id_ty = match self.schema.project.default_auto_field {
            FieldType::Auto => SqlType::Int { unsigned: false },
            FieldType::SmallAuto => SqlType::SmallInt { unsigned: false },
            _ => SqlType::BigInt { unsigned: false },
        };
        let mut columns = vec![ColumnDef {
            name: "id".into(),
            ty: id_ty,
            null: false,
            primary_key: true,
            auto_increment: true,
            unique: false,
            default: None,
            comment: None,
            references: None,
        }];
        let sides = [
            (&through.from_column, through.from_model, through.from_field),
            (&through.to_column, through.to_model, through.to_field),
        ];
        for (column, mi, fi) in sides {
            let target_model = &self.schema.models[mi];
            let target_field = &target_model.fields[fi];
            let mut ty = base_type(target_field);
            if !self.caps().related_fields_match_type {
                ty = match ty {
                    SqlType::SmallInt { .. } => SqlType::SmallInt { unsigned: false },
                    SqlType::Int { .. } => SqlType::Int { unsigned: false },
                    SqlType::BigInt { .. } => SqlType::BigInt { unsigned: false },
                    other => other,
                };
            }
            let target = ForeignKeyRef {
                table: target_model.db_table.clone(),
                column: target_field.column.clone(),
                on_delete: Some(OnDelete::Cascade),
                deferrable: self.caps().deferrable_fks,
            };
            let with_constraint = rel.db_constraint;
            columns.push(ColumnDef {
                name: column.clone(),
                ty: ty.clone(),
                null: false,
                primary_key: false,
                auto_increment: false,
                unique: false,
                default: None,
                comment: None,
                references: if self.caps().inline_foreign_keys && with_constraint {
                    Some(target.clone())
                } else {
                    None
                },
            });
            if !(self.caps().fk_creates_index && with_constraint) {
                self.indexes.push(Statement::CreateIndex(CreateIndex {
                    name: index_name(&table, &[column.as_str()], "", limit),
                    table: table.clone(),
                    columns: vec![(column.clone(), false)],
                    unique: false,
                    opclass: None,
                    condition: None,
                    condition_raw: None,
                    span: field.decl_span,
                }));
            }
            if self.caps().pattern_ops_index && ty.is_textual() {
                self.indexes.push(Statement::CreateIndex(CreateIndex {
                    name: index_name(&table, &[column.as_str()], "_like", limit),
                    table: table.clone(),
                    columns: vec![(column.clone(), false)],
                    unique: false,
                    opclass: Some("varchar_pattern_ops"),
                    condition: None,
                    condition_raw: None,
                    span: field.decl_span,
                }));
            }
            if !self.caps().inline_foreign_keys && with_constraint {
                let suffix = format!("_fk_{}_{}", target.table, target.column);
                self.fks.push(Statement::AddForeignKey(AddForeignKey {
                    table: table.clone(),
                    name: index_name(&table, &[column.as_str()], &suffix, limit),
                    column: column.clone(),
                    target,
                    span: field.decl_span,
                }));
            }
        }
        let pair = [through.from_column.clone(), through.to_column.clone()];
        self.tables.push(Statement::CreateTable(CreateTable {
            name: table.clone(),
            columns,
            constraints: vec![TableConstraint::Unique {
                name: index_name(&table, &refs(&pair), "_uniq", limit),
                columns: pair.to_vec(),
                span: field.decl_span,
            }],
            comment: None,
            span: field.decl_span,
        }));
    }
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}
