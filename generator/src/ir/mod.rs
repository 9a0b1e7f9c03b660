//! The one intermediate representation every frontend produces and every backend reads.
//!
//! A [`Schema`] is a list of models in declaration order, each with its fields in column order.
//! Frontends fill it with names as written and spans; `validate` resolves relations (setting
//! [`Relation::target`]) and guarantees to the backends that every name it refers to exists.
//! Backends never see a schema that failed validation.

mod expr;
mod field;
mod m2m;
mod model;
mod value;

pub use expr::{BinOp, Expr, ExprKind, Func, SqlExpr, SqlExprKind, UnaryOp};
pub use field::{Choice, Choices, FieldDocs};
pub use field::{DefaultFn, Field, FieldOrigin, FieldType, IpProtocol, OnDelete, Opt, Relation};
pub use m2m::{AutoThrough, auto_through};
pub use model::{Constraint, FieldSet, Index, IndexField, Meta, Model, ModelKind, OrderBy};
pub use value::{Date, DateTime, Time, Value};

use std::collections::HashMap;

pub use compact_str::CompactString;
use std::fmt;

use crate::source::Span;

/// A name as written in the models, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// The text; names up to 24 bytes (nearly all) live inline, without an allocation.
    pub text: CompactString,
    pub span: Span,
}

impl Name {
    pub fn new(text: impl Into<CompactString>, span: Span) -> Self {
        Name {
            text: text.into(),
            span,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The SQL dialects modelc compiles to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DialectName {
    Postgres,
    MySql,
    Sqlite,
}

impl DialectName {
    pub const ALL: [DialectName; 3] = [
        DialectName::Postgres,
        DialectName::MySql,
        DialectName::Sqlite,
    ];

    /// The name used in models.toml, on the command line and in file names.
    pub fn as_str(self) -> &'static str {
        match self {
            DialectName::Postgres => "postgres",
            DialectName::MySql => "mysql",
            DialectName::Sqlite => "sqlite",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "postgres" | "postgresql" => Some(DialectName::Postgres),
            "mysql" | "mariadb" => Some(DialectName::MySql),
            "sqlite" | "sqlite3" => Some(DialectName::Sqlite),
            _ => None,
        }
    }
}

impl fmt::Display for DialectName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `[project]` settings.
#[derive(Clone, Debug)]
pub struct Project {
    /// Django app label: table names are `<app>_<model>`.
    pub app: Option<Name>,
    /// The dialects to compile and validate for (default: all three).
    pub dialects: Vec<DialectName>,
    pub dialects_span: Option<Span>,
    /// Type of the implicit `id` primary key (Django's DEFAULT_AUTO_FIELD).
    pub default_auto_field: FieldType,
    /// Turn "a dialect can't express this" warnings into errors.
    pub strict: bool,
    pub strict_span: Option<Span>,
}

impl Default for Project {
    fn default() -> Self {
        Project {
            app: None,
            dialects: DialectName::ALL.to_vec(),
            dialects_span: None,
            default_auto_field: FieldType::BigAuto,
            strict: false,
            strict_span: None,
        }
    }
}

/// The whole set of models.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    pub project: Project,
    /// Concrete, proxy and unmanaged models in declaration order. Abstract bases are folded
    /// into the models that extend them and kept in `abstracts` for reference only.
    pub models: Vec<Model>,
    pub abstracts: Vec<Model>,
    by_name: HashMap<String, usize>,
}

impl Schema {
    pub fn new(project: Project, models: Vec<Model>, abstracts: Vec<Model>) -> Self {
        let by_name = models
            .iter()
            .enumerate()
            .map(|(i, m)| (m.name.text.to_string(), i))
            .collect();
        Schema {
            project,
            models,
            abstracts,
            by_name,
        }
    }

    pub fn model_index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    pub fn model(&self, name: &str) -> Option<&Model> {
        self.model_index(name).map(|i| &self.models[i])
    }

    /// The model and field a relation points at (set by validation).
    pub fn target(&self, field: &Field) -> Option<(&Model, &Field)> {
        let (m, f) = field.relation.as_ref()?.target?;
        let model = self.models.get(m)?;
        Some((model, model.fields.get(f)?))
    }

    /// Models that get tables: concrete and managed.
    pub fn managed_models(&self) -> impl Iterator<Item = &Model> {
        self.models
            .iter()
            .filter(|m| m.has_table() && m.meta.managed)
    }
}
