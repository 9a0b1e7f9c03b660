//! Reads migration files (`migrations/NNNN_name.toml`) into operations, with the same code
//! that reads models.toml for the fields, indexes and constraints they contain, so a mistake
//! in a migration file gets the same rustc-style diagnostic as one in the models.

use toml::de::{DeTable, DeValue};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{Meta, Model, ModelKind, Name, SqlExprKind};
use crate::migrate::ops::{Op, Operation, PerDialectSql};
use crate::source::{FileId, SourceMap, Span};

use super::meta::RawMeta;
use super::reader::{Reader, Value as TValue, did_you_mean};

/// The keys each operation takes (besides `op`).
fn keys_of(tag: &str) -> &'static [&'static str] {
    match tag {
        "create_model" => &["model", "table", "managed", "fields", "meta"],
        "delete_model" => &["model"],
        "rename_model" => &["from", "to"],
        "alter_model_table" => &["model", "table"],
        "alter_model_comment" => &["model", "comment"],
        "add_field" | "alter_field" => &["model", "field"],
        "remove_field" => &["model", "field"],
        "rename_field" => &["model", "from", "to"],
        "add_index" | "remove_index" => &["model", "index"],
        "add_constraint" | "remove_constraint" => &["model", "constraint"],
        "alter_unique_together" => &["model", "unique_together"],
        "run_sql" => &["sql", "reverse_sql"],
        _ => &[],
    }
}

/// How to write `key` of operation `what` (`` `add_field` ``), for "add ...".
fn example(what: &str, key: &str) -> &'static str {
    match (what.trim_matches('`'), key) {
        (_, "model") => "model = \"Name\", the model the operation changes",
        ("add_field" | "alter_field", "field") => {
            "field.<name> = { type = \"...\", ... }, the field as models.toml declares it"
        }
        (_, "field") => "field = \"name\", the field to remove",
        ("rename_model", "from") => "from = \"OldName\", the model's name before",
        ("rename_model", "to") => "to = \"NewName\", the model's name after",
        (_, "from") => "from = \"old_name\", the field's name before",
        (_, "to") => "to = \"new_name\", the field's name after",
        (_, "table") => "table = \"app_model\", the model's table",
        (_, "index") => "index = { fields = [\"...\"] }, the index as Meta indexes declares it",
        (_, "constraint") => {
            "constraint = { type = \"unique\", fields = [\"...\"], name = \"...\" }, the constraint as Meta constraints declares it"
        }
        (_, "unique_together") => "unique_together = [[\"a\", \"b\"]], every set after the change",
        (_, "sql") => {
            "sql = \"...\", or one per dialect: sql = { default = \"...\", sqlite = \"...\" }"
        }
        _ => "the key",
    }
}

/// Parses one migration file. `None` when it has errors (reported into `diags`).
pub fn parse_migration(
    sources: &SourceMap,
    file: FileId,
    diags: &mut Diagnostics,
) -> Option<Vec<Op>> {
    let text = sources.text(file);
    match by_operation(file, text) {
        Some((ops, found)) => {
            let ok = found.error_count() == 0;
            diags.extend(found);
            ok.then_some(ops)
        }
        None => whole_document(file, text, diags),
    }
}

/// A migration file as makemigrations writes it (comments, then `[[operations]]` sections),
/// parsed one operation at a time, so that the parse never holds more than one operation's
/// tokens and tree (an initial migration of 1,000 models is 1 MB of TOML): the operations,
/// and what reading them found. `None` for any other document, and for one with a syntax
/// error: [`whole_document`] reads those, and reports their errors as it always has.
fn by_operation(file: FileId, text: &str) -> Option<(Vec<Op>, Diagnostics)> {
    let mut diags = Diagnostics::new();
    let mut ops = Vec::new();
    for (i, section) in super::sections::split(text).into_iter().enumerate() {
        let src = &text[section.range.clone()];
        if src.starts_with('[') {
            let header = src.lines().next().unwrap_or_default();
            if !section.array || header.trim_end() != "[[operations]]" {
                return None;
            }
        } else if i > 0
            || !src.lines().all(|l| {
                let l = l.trim();
                l.is_empty() || l.starts_with('#')
            })
        {
            return None;
        }
        let (doc, errors) = DeTable::parse_recoverable(src);
        if !errors.is_empty() {
            return None;
        }
        let mut r = Reader {
            file,
            src,
            base: section.range.start,
            diags: &mut diags,
        };
        for (key, v) in doc.get_ref().iter() {
            if key.get_ref().as_ref() != "operations" {
                return None;
            }
            let items = r.array(v, &"`operations`")?;
            for item in items.iter() {
                if let Some(op) = r.operation(item) {
                    ops.push(op);
                }
            }
        }
    }
    Some((ops, diags))
}

/// Parses a migration file as one TOML document.
fn whole_document(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<Vec<Op>> {
    let errors_before = diags.error_count();
    let (doc, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        for e in errors {
            let span = e.span().unwrap_or(0..0);
            diags.push(
                Diagnostic::error(format!(
                    "invalid TOML: {}",
                    e.message().trim().replace('\n', "; ")
                ))
                .at(Span::new(file, span))
                .label("here")
                .help("see https://toml.io for the TOML syntax"),
            );
        }
        return None;
    }
    let mut r = Reader {
        file,
        src: text,
        base: 0,
        diags,
    };
    let mut ops = Vec::new();
    for (key, v) in doc.get_ref().iter() {
        if key.get_ref().as_ref() != "operations" {
            r.unknown_key(key, "top-level key", &["operations"]);
            continue;
        }
        let Some(items) = r.array(v, &"`operations`") else {
            continue;
        };
        for item in items.iter() {
            if let Some(op) = r.operation(item) {
                ops.push(op);
            }
        }
    }
    (r.diags.error_count() == errors_before).then_some(ops)
}

impl Reader<'_> {
    fn operation(&mut self, item: &TValue<'_>) -> Option<Op> {
        let table = self.table(item, &"an operation")?;
        let span = self.vspan(item);
        let Some(tag_value) = table.get("op") else {
            self.push(
                Diagnostic::error("operation without `op`")
                    .at(span)
                    .label("no op")
                    .help(format!(
                        "add op = \"...\", one of: {}",
                        Operation::TAGS.join(", ")
                    )),
            );
            return None;
        };
        let tag = self.string(tag_value, &"`op`")?.to_string();
        if !Operation::TAGS.contains(&tag.as_str()) {
            let mut d = Diagnostic::error(format!("unknown operation `{tag}`"))
                .at(self.vspan(tag_value))
                .label("unknown operation");
            d = match did_you_mean(&tag, Operation::TAGS.iter().copied()) {
                Some(best) => d.help(format!("did you mean `{best}`?")),
                None => d.help(format!("expected one of: {}", Operation::TAGS.join(", "))),
            };
            self.push(d);
            return None;
        }
        let allowed = keys_of(&tag);
        for (key, _) in table.iter() {
            let k: &str = key.get_ref().as_ref();
            if k != "op" && !allowed.contains(&k) {
                self.unknown_key(key, &format!("`{tag}` key"), allowed);
            }
        }
        let what = format!("`{tag}`");
        let kind = match tag.as_str() {
            "create_model" => {
                let model = self.required_name(table, "model", &what, span)?;
                let db_table = self.required_name(table, "table", &what, span)?;
                let mut raw = RawMeta::default();
                if let Some(v) = table.get("meta") {
                    if let Some(t) = self.table(v, &"`meta`") {
                        self.meta(&model.text, t, &mut raw, false);
                    }
                }
                let mut meta: Meta = raw.meta;
                if let Some(v) = table.get("managed") {
                    meta.managed = self.boolean(v, &"`managed`", "managed").unwrap_or(true);
                }
                let mut fields = Vec::new();
                if let Some(v) = table.get("fields") {
                    if let Some(t) = self.table(v, &"`fields`") {
                        for (fkey, fv) in t.iter() {
                            let name = Name::new(fkey.get_ref().as_ref(), self.kspan(fkey));
                            fields.push(self.field(&model.text, name, fv));
                        }
                    }
                }
                Operation::CreateModel(Box::new(Model {
                    name: model,
                    kind: ModelKind::Concrete,
                    key: 0,
                    extends: None,
                    db_table: db_table.text.to_string(),
                    db_table_span: db_table.span,
                    fields,
                    meta,
                }))
            }
            "delete_model" => Operation::DeleteModel {
                model: self
                    .required_name(table, "model", &what, span)?
                    .text
                    .to_string(),
            },
            "rename_model" => Operation::RenameModel {
                from: self
                    .required_name(table, "from", &what, span)?
                    .text
                    .to_string(),
                to: self
                    .required_name(table, "to", &what, span)?
                    .text
                    .to_string(),
            },
            "alter_model_table" => Operation::AlterModelTable {
                model: self
                    .required_name(table, "model", &what, span)?
                    .text
                    .to_string(),
                table: self
                    .required_name(table, "table", &what, span)?
                    .text
                    .to_string(),
            },
            "alter_model_comment" => Operation::AlterModelComment {
                model: self
                    .required_name(table, "model", &what, span)?
                    .text
                    .to_string(),
                comment: match table.get("comment") {
                    Some(v) => Some(self.string(v, &"`comment`")?.to_string()),
                    None => None,
                },
            },
            "add_field" | "alter_field" => {
                let model = self.required_name(table, "model", &what, span)?;
                let field_value = self.required(table, "field", &what, span)?;
                let ft = self.table(field_value, &"`field`")?;
                let mut entries = ft.iter();
                let (Some((fkey, fv)), None) = (entries.next(), entries.next()) else {
                    // No field, or a second one: point at the second.
                    let (at, label) = match ft.iter().nth(1) {
                        Some((second, _)) => (self.kspan(second), "a second field"),
                        None => (self.vspan(field_value), "no field"),
                    };
                    self.push(
                        Diagnostic::error(format!("{what} takes exactly one field"))
                            .at(at)
                            .label(label)
                            .help(format!(
                                "write one field.<name> = {{ type = \"...\", ... }} in each {what} operation"
                            )),
                    );
                    return None;
                };
                let name = Name::new(fkey.get_ref().as_ref(), self.kspan(fkey));
                let field = Box::new(self.field(&model.text, name, fv));
                let model = model.text.to_string();
                if tag == "add_field" {
                    Operation::AddField { model, field }
                } else {
                    Operation::AlterField { model, field }
                }
            }
            "remove_field" => Operation::RemoveField {
                model: self
                    .required_name(table, "model", &what, span)?
                    .text
                    .to_string(),
                field: self
                    .required_name(table, "field", &what, span)?
                    .text
                    .to_string(),
            },
            "rename_field" => Operation::RenameField {
                model: self
                    .required_name(table, "model", &what, span)?
                    .text
                    .to_string(),
                from: self
                    .required_name(table, "from", &what, span)?
                    .text
                    .to_string(),
                to: self
                    .required_name(table, "to", &what, span)?
                    .text
                    .to_string(),
            },
            "add_index" | "remove_index" => {
                let model = self.required_name(table, "model", &what, span)?;
                let v = self.required(table, "index", &what, span)?;
                let index = self.index(v, &model.text)?;
                let model = model.text.to_string();
                if tag == "add_index" {
                    Operation::AddIndex { model, index }
                } else {
                    Operation::RemoveIndex { model, index }
                }
            }
            "add_constraint" | "remove_constraint" => {
                let model = self.required_name(table, "model", &what, span)?;
                let v = self.required(table, "constraint", &what, span)?;
                let constraint = self.constraint(v, &model.text)?;
                let model = model.text.to_string();
                if tag == "add_constraint" {
                    Operation::AddConstraint { model, constraint }
                } else {
                    Operation::RemoveConstraint { model, constraint }
                }
            }
            "alter_unique_together" => {
                let model = self.required_name(table, "model", &what, span)?;
                let v = self.required(table, "unique_together", &what, span)?;
                let sets = self.unique_together(v, &"`unique_together`");
                Operation::AlterUniqueTogether {
                    model: model.text.to_string(),
                    sets,
                }
            }
            "run_sql" => {
                let v = self.required(table, "sql", &what, span)?;
                let forward = self.raw_sql(v, "sql")?;
                let reverse = match table.get("reverse_sql") {
                    Some(v) => Some(self.raw_sql(v, "reverse_sql")?),
                    None => None,
                };
                Operation::RunSql { forward, reverse }
            }
            _ => return None,
        };
        let mut op = Op::new(kind, span);
        for key in allowed {
            if let Some(v) = table.get(*key) {
                op.keys.push((key, self.vspan(v)));
            }
        }
        if let Some(v) = table.get("op") {
            op.keys.push(("op", self.vspan(v)));
        }
        Some(op)
    }

    fn required<'v, 'i>(
        &mut self,
        table: &'v DeTable<'i>,
        key: &str,
        what: &str,
        span: Span,
    ) -> Option<&'v TValue<'i>> {
        let v = table.get(key);
        if v.is_none() {
            self.push(
                Diagnostic::error(format!("{what} has no `{key}`"))
                    .at(span)
                    .label(format!("no `{key}`"))
                    .help(format!("add {}", example(what, key))),
            );
        }
        v
    }

    fn required_name(
        &mut self,
        table: &DeTable<'_>,
        key: &str,
        what: &str,
        span: Span,
    ) -> Option<Name> {
        let v = self.required(table, key, what, span)?;
        self.meta_name(v, &format_args!("`{key}` of {what}"))
    }

    /// RunSQL text: a string (every dialect) or a per-dialect table. It is the user's own
    /// SQL, run as written; unlike expressions in models it may hold several statements.
    fn raw_sql(&mut self, v: &TValue<'_>, key: &str) -> Option<PerDialectSql> {
        match v.get_ref() {
            DeValue::String(s) => {
                self.not_blank(v, s, key)?;
                Some(vec![(None, s.to_string())])
            }
            DeValue::Table(_) => {
                let e = self.sql_table(v, key)?;
                match e.kind {
                    SqlExprKind::PerDialect(items) => Some(items),
                    SqlExprKind::Portable(_) => None,
                }
            }
            _ => {
                self.mismatch(
                    v,
                    "a string or a per-dialect table",
                    &format_args!("`{key}`"),
                    Some(format!(
                        "write {key} = \"...\" (the SQL of every dialect), or {key} = {{ default = \"...\", sqlite = \"...\" }}"
                    )),
                );
                None
            }
        }
    }

    /// SQL text to run must hold something: an empty file is an error on MySQL ("Query was
    /// empty"), and an empty operation means nothing.
    fn not_blank(&mut self, v: &TValue<'_>, text: &str, key: &str) -> Option<()> {
        if !text.trim().is_empty() {
            return Some(());
        }
        self.push(
            Diagnostic::error(format!("`{key}` of run_sql is empty"))
                .at(self.vspan(v))
                .label("no SQL")
                .help(if key.starts_with("reverse_sql") {
                    "write the SQL that undoes `sql` (\"SELECT 1\" when nothing needs undoing)"
                } else {
                    "write the SQL to run (\"SELECT 1\" when nothing is to run on this dialect), or remove the operation"
                }),
        );
        None
    }

    /// A per-dialect table of free SQL text (not checked as one expression).
    fn sql_table(&mut self, v: &TValue<'_>, key: &str) -> Option<crate::ir::SqlExpr> {
        let t = self.table(v, &format_args!("`{key}`"))?;
        let mut items = Vec::new();
        for (k, tv) in t.iter() {
            let name: &str = k.get_ref().as_ref();
            let dialect = match name {
                "default" => None,
                other => match crate::ir::DialectName::parse(other) {
                    Some(d) => Some(d),
                    None => {
                        self.unknown_key(k, "dialect", &["default", "postgres", "mysql", "sqlite"]);
                        continue;
                    }
                },
            };
            if let Some(text) = self.string(tv, &format_args!("`{key}.{name}`")) {
                if self.not_blank(tv, text, &format!("{key}.{name}")).is_some() {
                    items.push((dialect, text.to_string()));
                }
            }
        }
        Some(crate::ir::SqlExpr {
            kind: SqlExprKind::PerDialect(items),
            span: self.vspan(v),
        })
    }
}
