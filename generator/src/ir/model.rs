//! Models and their Meta.

use crate::source::Span;

use super::{Field, Name, SqlExpr};

/// What kind of model a declaration makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelKind {
    /// A model with a table.
    Concrete,
    /// `abstract = true`: a base whose fields are copied into the models that extend it.
    Abstract,
    /// `proxy = true`: another Rust type over the table of the model it extends.
    Proxy { of: Name },
}

/// One entry of `ordering`: a field, descending if written with a leading `-`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderBy {
    pub field: Name,
    pub descending: bool,
}

/// A list of field names (unique_together entries, constraint fields).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldSet {
    pub fields: Vec<Name>,
    pub span: Span,
}

/// One field of an index, descending if written with a leading `-`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexField {
    pub field: Name,
    pub descending: bool,
}

/// `indexes = [{ fields = [...], name = "...", condition = "..." }]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Index {
    pub name: Option<Name>,
    pub fields: Vec<IndexField>,
    /// A partial index's `WHERE`.
    pub condition: Option<SqlExpr>,
    pub span: Span,
}

/// `constraints = [...]`.
#[derive(Clone, Debug, PartialEq)]
pub enum Constraint {
    Unique {
        name: Option<Name>,
        fields: FieldSet,
        condition: Option<SqlExpr>,
        span: Span,
    },
    Check {
        name: Option<Name>,
        check: SqlExpr,
        span: Span,
    },
}

impl Constraint {
    pub fn name(&self) -> Option<&Name> {
        match self {
            Constraint::Unique { name, .. } | Constraint::Check { name, .. } => name.as_ref(),
        }
    }

    pub fn span(&self) -> Span {
        match self {
            Constraint::Unique { span, .. } | Constraint::Check { span, .. } => *span,
        }
    }
}

/// `[models.X.meta]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Meta {
    /// `managed = false`: no DDL, no migrations.
    pub managed: bool,
    pub ordering: Vec<OrderBy>,
    pub indexes: Vec<Index>,
    pub unique_together: Vec<FieldSet>,
    pub constraints: Vec<Constraint>,
    pub verbose_name: Option<String>,
    pub verbose_name_plural: Option<String>,
    /// The table's comment.
    pub db_comment: Option<String>,
    pub db_comment_span: Option<Span>,
    pub get_latest_by: Option<Name>,
    pub renamed_from: Option<Name>,
}

impl Default for Meta {
    fn default() -> Self {
        Meta {
            managed: true,
            ordering: Vec::new(),
            indexes: Vec::new(),
            unique_together: Vec::new(),
            constraints: Vec::new(),
            verbose_name: None,
            verbose_name_plural: None,
            db_comment: None,
            db_comment_span: None,
            get_latest_by: None,
            renamed_from: None,
        }
    }
}

/// One model.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub name: Name,
    pub kind: ModelKind,
    /// Identity across renames, given by migration state replay (0 elsewhere): the model a
    /// table was made for, whatever it is called now.
    pub key: u32,
    /// `extends = "Base"` as written.
    pub extends: Option<Name>,
    /// The table (`<app>_<name lowercased>` unless `db_table` is set).
    pub db_table: String,
    /// Where `db_table` was written (the model's name if it was not).
    pub db_table_span: Span,
    pub fields: Vec<Field>,
    pub meta: Meta,
}

impl Model {
    /// Whether the model has a table of its own (not abstract, not a proxy).
    pub fn has_table(&self) -> bool {
        self.kind == ModelKind::Concrete
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name.text == name)
    }

    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name.text == name)
    }

    /// The primary key field.
    pub fn pk(&self) -> Option<&Field> {
        self.fields.iter().find(|f| f.primary_key)
    }

    pub fn pk_index(&self) -> Option<usize> {
        self.fields.iter().position(|f| f.primary_key)
    }

    /// Looks a field up by field name, by `pk`, or by column name (`customer_id`), as
    /// Django's lookups and constraint expressions allow.
    pub fn lookup(&self, name: &str) -> Option<&Field> {
        if name == "pk" {
            return self.pk();
        }
        self.field(name).or_else(|| {
            self.fields
                .iter()
                .find(|f| f.has_column() && f.column == name)
        })
    }

    /// Fields stored as columns, in column order.
    pub fn columns(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| f.has_column())
    }

    /// Lowercased model name, as Django uses in table and column names.
    pub fn lower_name(&self) -> String {
        self.name.text.to_lowercase().to_string()
    }
}
