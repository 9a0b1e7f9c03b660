//! Typed DDL statements. The planner builds these; only the writer turns them into text.

use crate::ir::{Expr, IpProtocol, OnDelete, SqlExpr, Value};
use crate::source::Span;

/// A column type, before a dialect names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SqlType {
    SmallInt {
        unsigned: bool,
    },
    Int {
        unsigned: bool,
    },
    BigInt {
        unsigned: bool,
    },
    Varchar(u32),
    Text,
    Decimal {
        digits: u32,
        places: u32,
    },
    Float,
    Bool,
    Date,
    DateTime,
    Time,
    /// A duration (interval on PostgreSQL, microseconds in a bigint elsewhere).
    Duration,
    Uuid,
    Json,
    Binary,
    Inet(IpProtocol),
}

impl SqlType {
    /// Types whose values are strings in SQL.
    pub fn is_textual(&self) -> bool {
        matches!(self, SqlType::Varchar(_) | SqlType::Text)
    }

    /// Types MySQL stores out of row (TEXT, BLOB, JSON), which take no plain literal
    /// default and no full-width index.
    pub fn is_large(&self) -> bool {
        matches!(self, SqlType::Text | SqlType::Json | SqlType::Binary)
    }
}

/// A column default.
#[derive(Clone, Debug, PartialEq)]
pub enum ColumnDefault {
    /// A literal of the column's type (`default = ...`).
    Literal(Value),
    /// SQL the database evaluates (`db_default = ...`).
    Expr(SqlExpr),
}

/// An inline `REFERENCES` clause (dialects whose foreign keys live in CREATE TABLE).
#[derive(Clone, Debug, PartialEq)]
pub struct ForeignKeyRef {
    pub table: String,
    pub column: String,
    /// `None`: no ON DELETE clause (the database's default, NO ACTION).
    pub on_delete: Option<OnDelete>,
    pub deferrable: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ColumnDef {
    pub name: String,
    pub ty: SqlType,
    pub null: bool,
    pub primary_key: bool,
    pub auto_increment: bool,
    pub unique: bool,
    pub default: Option<ColumnDefault>,
    /// Inline comment (dialects with [`CommentSupport::Inline`](super::CommentSupport)).
    pub comment: Option<String>,
    pub references: Option<ForeignKeyRef>,
}

/// A table-level constraint inside CREATE TABLE.
#[derive(Clone, Debug, PartialEq)]
pub enum TableConstraint {
    Unique {
        name: String,
        columns: Vec<String>,
        span: Span,
    },
    /// `expr` refers to columns by column name.
    Check {
        name: String,
        expr: Expr,
        span: Span,
    },
    /// Raw per-dialect check text.
    CheckRaw {
        name: String,
        sql: String,
        span: Span,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateTable {
    pub name: String,
    pub columns: Vec<ColumnDef>,
    pub constraints: Vec<TableConstraint>,
    /// Inline table comment (MySQL).
    pub comment: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateIndex {
    pub name: String,
    pub table: String,
    /// Columns with their order (true: descending).
    pub columns: Vec<(String, bool)>,
    pub unique: bool,
    /// Operator class for every column (PostgreSQL's `varchar_pattern_ops`).
    pub opclass: Option<&'static str>,
    /// A partial index's condition, over column names.
    pub condition: Option<Expr>,
    pub condition_raw: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AddForeignKey {
    pub table: String,
    pub name: String,
    pub column: String,
    pub target: ForeignKeyRef,
    pub span: Span,
}

/// One DDL statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    CreateTable(CreateTable),
    CreateIndex(CreateIndex),
    AddForeignKey(AddForeignKey),
    /// `COMMENT ON TABLE` (PostgreSQL).
    CommentOnTable {
        table: String,
        comment: String,
    },
    /// `COMMENT ON COLUMN` (PostgreSQL).
    CommentOnColumn {
        table: String,
        column: String,
        comment: String,
    },
}

impl Statement {
    /// The name of the schema object the statement creates (for uniqueness checks) and
    /// where it comes from.
    pub fn created_names(&self) -> Vec<(&str, Span)> {
        match self {
            Statement::CreateTable(t) => {
                let mut names = vec![(t.name.as_str(), t.span)];
                for c in &t.constraints {
                    match c {
                        TableConstraint::Unique { name, span, .. }
                        | TableConstraint::Check { name, span, .. }
                        | TableConstraint::CheckRaw { name, span, .. } => {
                            names.push((name.as_str(), *span))
                        }
                    }
                }
                names
            }
            Statement::CreateIndex(i) => vec![(i.name.as_str(), i.span)],
            Statement::AddForeignKey(f) => vec![(f.name.as_str(), f.span)],
            Statement::CommentOnTable { .. } | Statement::CommentOnColumn { .. } => Vec::new(),
        }
    }
}
