//! Names: model, field and app names are identifiers; table, column, index and constraint
//! names are valid SQL names within every configured dialect's length limit; no two fields
//! share a column and no two models a table; and every planned schema object has its own name.

use std::collections::HashMap;

use crate::ddl::{self, Dialect};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{DialectName, FieldOrigin, Model, Schema};
use crate::source::Span;

use super::is_identifier;

/// Names Rust cannot use even as raw identifiers.
const RUST_FORBIDDEN: [&str; 5] = ["self", "Self", "super", "crate", "_"];

/// Names claimed so far across models, and the dialects whose limits apply.
pub(super) struct Names<'s> {
    dialects: Vec<&'static dyn Dialect>,
    /// Lowercased table name -> (model, where).
    tables: HashMap<String, (&'s str, Span)>,
}

/// Checks the app and model names, and starts the per-model name checks.
pub(super) fn begin<'s>(schema: &'s Schema, diags: &mut Diagnostics) -> Names<'s> {
    let dialects: Vec<&dyn Dialect> = schema
        .project
        .dialects
        .iter()
        .map(|d| ddl::dialect_for(*d))
        .collect();
    if let Some(app) = &schema.project.app {
        if !is_identifier(&app.text) || !app.text.is_ascii() {
            diags.push(
                Diagnostic::error(format!("app label `{}` is not an identifier", app.text))
                    .at(app.span)
                    .label("not an identifier")
                    .help("use lowercase letters, digits and `_`, e.g. app = \"store\""),
            );
        }
    }
    for model in schema.models.iter().chain(schema.abstracts.iter()) {
        if !is_identifier(&model.name.text)
            || !model.name.text.is_ascii()
            || RUST_FORBIDDEN.contains(&model.name.text.as_str())
        {
            diags.push(
                Diagnostic::error(format!("model name `{}` is not a valid name", model.name))
                    .at(model.name.span)
                    .label("not an identifier")
                    .help("use a CamelCase name of ASCII letters and digits, e.g. `OrderLine`"),
            );
        }
    }
    Names {
        dialects,
        tables: HashMap::new(),
    }
}

pub(super) fn check_model<'s>(model: &'s Model, state: &mut Names<'s>, diags: &mut Diagnostics) {
    let dialects = &state.dialects;
    let tables = &mut state.tables;
    if model.meta.managed {
        sql_name(
            dialects,
            &model.db_table,
            model.db_table_span,
            "table name",
            diags,
        );
        let key = model.db_table.to_lowercase();
        if let Some((other, span)) = tables.get(&key) {
            diags.push(
                Diagnostic::error(format!("`{}` and `{other}` both use table `{}`", model.name, model.db_table))
                    .at(model.db_table_span)
                    .label("table already used")
                    .related(*span, "first used here")
                    .help("set a different db_table in the meta of one of them (table names are compared case-insensitively, as MySQL on macOS and Windows does)"),
            );
        } else {
            tables.insert(key, (model.name.text.as_str(), model.db_table_span));
        }
    }
    let mut columns: HashMap<&str, &crate::ir::Field> = HashMap::new();
    for field in &model.fields {
        if field.origin == FieldOrigin::Implicit {
            continue;
        }
        let name = &field.name.text;
        if name.is_empty() {
            diags.push(
                Diagnostic::error(format!("a field of `{}` has an empty name", model.name))
                    .at(field.name.span)
                    .label("empty field name")
                    .help("name the field with lowercase ASCII letters, digits and single `_`, e.g. `first_name`"),
            );
            continue;
        }
        let bad = if !is_identifier(name) || !name.is_ascii() {
            Some("not an identifier")
        } else if name.ends_with('_') {
            Some("ends with `_` (Django's fields.E001)")
        } else if name.contains("__") {
            Some("contains `__`, Django's lookup separator (fields.E002)")
        } else if name == "pk" {
            Some("`pk` is reserved for the primary key (fields.E003)")
        } else if RUST_FORBIDDEN.contains(&name.as_str()) {
            Some("not usable as a Rust field name")
        } else {
            None
        };
        if let Some(bad) = bad {
            diags.push(
                Diagnostic::error(format!(
                    "field name `{name}` of `{}` is not valid: {bad}",
                    model.name
                ))
                .at(field.name.span)
                .label("invalid field name")
                .help("use lowercase ASCII letters, digits and single `_`, e.g. `first_name`"),
            );
            continue;
        }
        if !field.has_column() {
            continue;
        }
        let column_span = if field.has(crate::ir::Opt::DbColumn) {
            field.span_of(crate::ir::Opt::DbColumn)
        } else {
            field.name.span
        };
        sql_name(dialects, &field.column, column_span, "column name", diags);
        if let Some(other) = columns.get(field.column.as_str()) {
            diags.push(
                Diagnostic::error(format!(
                    "fields `{}` and `{}` of `{}` both map to column `{}`",
                    other.name, field.name, model.name, field.column
                ))
                .at(column_span)
                .label(format!("column `{}`", field.column))
                .related(other.name.span, "first field with this column")
                .help("rename one field, or set db_column on one of them")
                .note("Django's models.E007"),
            );
        } else {
            columns.insert(&field.column, field);
        }
    }
    for index in &model.meta.indexes {
        if let Some(n) = &index.name {
            sql_name(dialects, &n.text, n.span, "index name", diags);
        }
    }
    for c in &model.meta.constraints {
        if let Some(n) = c.name() {
            sql_name(dialects, &n.text, n.span, "constraint name", diags);
        }
    }
}

/// A name used in SQL: not empty, no control or quote characters, within every dialect's limit.
fn sql_name(
    dialects: &[&dyn Dialect],
    name: &str,
    span: Span,
    what: &str,
    diags: &mut Diagnostics,
) {
    if name.is_empty() {
        diags.push(
            Diagnostic::error(format!("the {what} is empty"))
                .at(span)
                .label("empty name")
                .help("write a name"),
        );
        return;
    }
    let bad = name
        .chars()
        .find(|&c| !(c == '_' || c == '$' || c.is_alphanumeric()));
    if let Some(c) = bad {
        diags.push(
            Diagnostic::error(format!(
                "the {what} `{}` contains {}",
                name.escape_debug(),
                describe_char(c)
            ))
            .at(span)
            .label("not allowed in a name")
            .help("use letters, digits, `_` and `$`"),
        );
        return;
    }
    if name.starts_with(|c: char| c.is_ascii_digit() || c == '$') {
        diags.push(
            Diagnostic::error(format!(
                "the {what} `{name}` starts with `{}`",
                name.chars().next().unwrap_or('?')
            ))
            .at(span)
            .label("must start with a letter or `_`")
            .help("put a letter or `_` first"),
        );
        return;
    }
    for d in dialects {
        let caps = d.caps();
        let Some(max) = caps.max_identifier_len else {
            continue;
        };
        let (len, unit) = if caps.identifier_len_in_bytes {
            (name.len(), "bytes")
        } else {
            (name.chars().count(), "characters")
        };
        if len > max {
            let dialect = match d.name() {
                DialectName::Postgres => "PostgreSQL",
                DialectName::MySql => "MySQL",
                DialectName::Sqlite => "SQLite",
            };
            diags.push(
                Diagnostic::error(format!(
                    "the {what} `{name}` is {len} {unit} long; {dialect} allows {max}"
                ))
                .at(span)
                .label(format!("too long for {dialect}"))
                .help(format!("use a name of at most {max} {unit}")),
            );
        }
    }
}

fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".into(),
        '`' => "a backtick".into(),
        '"' => "a double quote".into(),
        '\'' => "a single quote".into(),
        '\0' => "a NUL character".into(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

/// Checks that no two tables, indexes or constraints share a name in any configured dialect
/// (PostgreSQL and SQLite index names are schema-wide, MySQL constraint names
/// database-wide). Model by model, it plans every object any of the dialects creates
/// ([`ddl::Planner::union`]) and keeps a 64-bit hash of each lowercase name; at the end the
/// hashes are sorted and neighbours compared, so no plan or name outlives its table.
pub(super) struct ObjectNames<'s> {
    planner: Option<ddl::Planner<'s>>,
    names: Vec<(u64, Span)>,
}

impl<'s> ObjectNames<'s> {
    pub(super) fn new(schema: &'s Schema) -> Self {
        ObjectNames {
            planner: ddl::Planner::union(schema),
            names: Vec::with_capacity(schema.models.len() * 24),
        }
    }

    /// Adds the names of the tables model `m` makes.
    pub(super) fn add_model(&mut self, schema: &Schema, m: usize) {
        let Some(planner) = &self.planner else {
            return;
        };
        let names = &mut self.names;
        for source in ddl::model_table_sources(schema, m) {
            add_names(planner, source, &mut |name, span| {
                names.push((name_hash(name), span))
            });
        }
    }

    /// Reports every name used twice.
    pub(super) fn finish(mut self, schema: &Schema, diags: &mut Diagnostics) {
        let Some(planner) = &self.planner else {
            return;
        };
        // Sorting keeps equal names together (and, for equal names, the first declared
        // first); it touches memory in order, where a hash map of every name would not.
        self.names.sort_unstable();
        let clashes: Vec<(u64, Span, Span)> = self
            .names
            .windows(2)
            .filter(|p| p[0].0 == p[1].0 && p[0].1 != p[1].1)
            .map(|p| (p[0].0, p[0].1, p[1].1))
            .collect();
        if clashes.is_empty() {
            return;
        }
        // Rare: plan again to find the names themselves for the messages.
        let mut text: HashMap<u64, String> = HashMap::new();
        for source in ddl::table_sources(schema) {
            add_names(planner, source, &mut |name, _| {
                let h = name_hash(name);
                if clashes.iter().any(|c| c.0 == h) {
                    text.entry(h).or_insert_with(|| name.to_string());
                }
            });
        }
        for (h, first, span) in clashes {
            let name = text.get(&h).map_or("", String::as_str);
            diags.push(
                Diagnostic::error(format!("two schema objects are named `{name}`"))
                    .at(span)
                    .label("name already used")
                    .related(first, "first used here")
                    .help("give one of them another name"),
            );
        }
    }
}

/// Calls `f` with the name of every object table `source` creates.
fn add_names(planner: &ddl::Planner<'_>, source: ddl::TableSource, f: &mut dyn FnMut(&str, Span)) {
    let Some(t) = planner.table(source) else {
        return;
    };
    ddl::Statement::CreateTable(t.table).for_each_created_name(f);
    for i in &t.indexes {
        f(&i.name, i.span);
    }
    for k in &t.foreign_keys {
        f(&k.name, k.span);
    }
}

/// A 64-bit hash of `name` as the databases compare names (case-insensitively). Two of
/// some tens of thousands of names meet by chance with a probability below 1e-10.
fn name_hash(name: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = std::hash::DefaultHasher::new();
    if name
        .bytes()
        .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
    {
        h.write(name.to_lowercase().as_bytes());
    } else {
        h.write(name.as_bytes());
    }
    h.finish()
}
