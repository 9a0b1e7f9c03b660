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
    /// `[generate.rust]`, when written.
    pub generate_rust: Option<Box<GenerateRust>>,
    /// `sources`: Rust files (relative to the models file) whose `#[derive(Model)]` structs
    /// add models, each with where it was written.
    pub sources: Vec<Name>,
}

/// `[generate.rust]`: the settings of the generated Rust.
#[derive(Clone, Debug, Default)]
pub struct GenerateRust {
    /// The database the code is for.
    pub dialect: Option<(DialectName, Span)>,
    /// A folder (relative to the models file) whose templates override the built-in ones.
    pub templates: Option<(String, Span)>,
    /// What `modelc::build` does when the models have changes no migration holds.
    pub unmigrated: Unmigrated,
    /// Where `[generate.rust]` is written.
    pub span: Option<Span>,
}

/// What a build does with models that have changes no migration holds yet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Unmigrated {
    /// Fail the build (the default).
    #[default]
    Error,
    /// Print a cargo warning and build.
    Warn,
    /// Do not look (a project without modelc migrations).
    Ignore,
}

impl Unmigrated {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "error" => Some(Unmigrated::Error),
            "warn" | "warning" => Some(Unmigrated::Warn),
            "ignore" => Some(Unmigrated::Ignore),
            _ => None,
        }
    }
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
            generate_rust: None,
            sources: Vec::new(),
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

    /// The models, to change in place; call [`Schema::reindex`] after renaming, adding or
    /// removing one.
    pub(crate) fn models_mut(&mut self) -> &mut Vec<Model> {
        &mut self.models
    }

    /// Rebuilds the index of models by name.
    pub(crate) fn reindex(&mut self) {
        self.by_name = self
            .models
            .iter()
            .enumerate()
            .map(|(i, m)| (m.name.text.to_string(), i))
            .collect();
    }

    /// Adds a model at the end.
    pub(crate) fn push_model(&mut self, model: Model) {
        self.by_name
            .insert(model.name.text.to_string(), self.models.len());
        self.models.push(model);
    }

    /// Points every relation at its target's index and key field (or `None` where the target
    /// does not exist). Validation does this with diagnostics; migration state replay, whose
    /// models were valid when they were written, does it with this.
    pub(crate) fn resolve_targets(&mut self) {
        let mut targets = Vec::new();
        for (mi, model) in self.models.iter().enumerate() {
            for (fi, field) in model.fields.iter().enumerate() {
                let Some(rel) = &field.relation else {
                    continue;
                };
                let target = self.model_index(&rel.to.text).and_then(|ti| {
                    let t = &self.models[ti];
                    let f = match &rel.to_field {
                        Some(name) => t.field_index(&name.text),
                        None => t.pk_index(),
                    };
                    f.map(|f| (ti, f))
                });
                targets.push((mi, fi, target));
            }
        }
        for (mi, fi, target) in targets {
            if let Some(rel) = self.models[mi].fields[fi].relation.as_mut() {
                rel.target = target;
            }
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
