//! Typed DDL statements. The planner builds these, borrowing names from the schema wherever
//! they are written there; only the writer turns them into text.

use std::borrow::Cow;

use crate::ir::{Choice, Expr, IpProtocol, OnDelete, SqlExpr, Value};
use crate::source::Span;

/// A name in a statement: borrowed from the schema, or made by modelc (index names).
pub type Ident<'a> = Cow<'a, str>;

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
pub enum ColumnDefault<'a> {
    /// A literal of the column's type (`default = ...`).
    Literal(Cow<'a, Value>),
    /// SQL the database evaluates (`db_default = ...`).
    Expr(&'a SqlExpr),
}

/// A `REFERENCES` clause: inline in the column (dialects whose foreign keys live in CREATE
/// TABLE) or in ALTER TABLE ... ADD CONSTRAINT.
#[derive(Clone, Debug, PartialEq)]
pub struct ForeignKeyRef<'a> {
    pub table: Ident<'a>,
    pub column: Ident<'a>,
    /// `None`: no ON DELETE clause (the database's default, NO ACTION).
    pub on_delete: Option<OnDelete>,
    pub deferrable: bool,
}

/// What a table stands for, whatever it is called: the identity migrations follow through
/// renames (keys are given by migration state replay; 0 in a schema read from models.toml).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TableKey {
    Model(u32),
    /// The automatic table of a many-to-many field.
    ManyToMany {
        model: u32,
        field: u32,
    },
}

/// What a column stands for, within its table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ColumnKey {
    Field(u32),
    /// The `id`, `<model>_id` and `<target>_id` columns of a many-to-many table.
    Id,
    From,
    To,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ColumnDef<'a> {
    pub key: ColumnKey,
    pub name: Ident<'a>,
    pub ty: SqlType,
    pub null: bool,
    pub primary_key: bool,
    pub auto_increment: bool,
    pub default: Option<ColumnDefault<'a>>,
    /// Inline comment (dialects with [`CommentSupport::Inline`](super::CommentSupport)).
    pub comment: Option<&'a str>,
    pub references: Option<ForeignKeyRef<'a>>,
}

/// A table-level constraint inside CREATE TABLE.
#[derive(Clone, Debug, PartialEq)]
pub enum TableConstraint<'a> {
    Unique {
        name: Ident<'a>,
        columns: Vec<Ident<'a>>,
        span: Span,
    },
    /// A Meta check; `expr` refers to columns by column name.
    Check {
        name: Ident<'a>,
        expr: Expr,
        span: Span,
    },
    /// A Meta check given as raw per-dialect text.
    CheckRaw {
        name: Ident<'a>,
        sql: &'a str,
        span: Span,
    },
    /// `column >= 0` of a positive integer field.
    Positive {
        name: Ident<'a>,
        column: Ident<'a>,
        span: Span,
    },
    /// `column IN (codes)`; `exact`: compare strings byte for byte (see `Dialect::exact`).
    Choices {
        name: Ident<'a>,
        column: Ident<'a>,
        values: &'a [Choice],
        exact: bool,
        span: Span,
    },
    /// SQLite's `json_valid(column) OR column IS NULL` of a JSON field.
    JsonValid {
        name: Ident<'a>,
        column: Ident<'a>,
        span: Span,
    },
}

impl TableConstraint<'_> {
    pub fn name(&self) -> &str {
        match self {
            TableConstraint::Unique { name, .. }
            | TableConstraint::Check { name, .. }
            | TableConstraint::CheckRaw { name, .. }
            | TableConstraint::Positive { name, .. }
            | TableConstraint::Choices { name, .. }
            | TableConstraint::JsonValid { name, .. } => name,
        }
    }

    pub fn span(&self) -> Span {
        match self {
            TableConstraint::Unique { span, .. }
            | TableConstraint::Check { span, .. }
            | TableConstraint::CheckRaw { span, .. }
            | TableConstraint::Positive { span, .. }
            | TableConstraint::Choices { span, .. }
            | TableConstraint::JsonValid { span, .. } => *span,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateTable<'a> {
    pub key: TableKey,
    pub name: Ident<'a>,
    pub columns: Vec<ColumnDef<'a>>,
    pub constraints: Vec<TableConstraint<'a>>,
    /// Inline table comment (MySQL).
    pub comment: Option<&'a str>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateIndex<'a> {
    pub name: Ident<'a>,
    pub table: Ident<'a>,
    /// Columns with their order (true: descending).
    pub columns: Vec<(Ident<'a>, bool)>,
    pub unique: bool,
    /// Operator class for every column (PostgreSQL's `varchar_pattern_ops`).
    pub opclass: Option<&'static str>,
    /// A partial index's condition, over column names.
    pub condition: Option<Expr>,
    pub condition_raw: Option<&'a str>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AddForeignKey<'a> {
    pub table: Ident<'a>,
    pub name: Ident<'a>,
    pub column: Ident<'a>,
    pub target: ForeignKeyRef<'a>,
    pub span: Span,
}

/// One DDL statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Statement<'a> {
    CreateTable(CreateTable<'a>),
    CreateIndex(CreateIndex<'a>),
    AddForeignKey(AddForeignKey<'a>),
    /// `COMMENT ON TABLE` (PostgreSQL).
    CommentOnTable {
        table: Ident<'a>,
        comment: &'a str,
    },
    /// `COMMENT ON COLUMN` (PostgreSQL).
    CommentOnColumn {
        table: Ident<'a>,
        column: Ident<'a>,
        comment: &'a str,
    },
}

impl Statement<'_> {
    /// Calls `f` with the name of each schema object the statement creates (tables, indexes,
    /// constraints) and where it comes from.
    pub fn for_each_created_name(&self, f: &mut dyn FnMut(&str, Span)) {
        match self {
            Statement::CreateTable(t) => {
                f(&t.name, t.span);
                for c in &t.constraints {
                    f(c.name(), c.span());
                }
            }
            Statement::CreateIndex(i) => f(&i.name, i.span),
            Statement::AddForeignKey(k) => f(&k.name, k.span),
            Statement::CommentOnTable { .. } | Statement::CommentOnColumn { .. } => {}
        }
    }
}
