//! Lowering of `[models.X.meta]`.

use std::fmt;

use toml::de::{DeTable, DeValue};

use crate::diagnostics::Diagnostic;
use crate::ir::{Constraint, FieldSet, Index, IndexField, Meta, Name, OrderBy};

use super::reader::{Reader, Value as TValue};

pub(crate) const META_KEYS: &[&str] = &[
    "db_table",
    "ordering",
    "indexes",
    "unique_together",
    "constraints",
    "renamed_from",
    "abstract",
    "managed",
    "proxy",
    "verbose_name",
    "verbose_name_plural",
    "db_comment",
    "get_latest_by",
];

/// Meta as written, with the flags that decide what kind of model it is.
#[derive(Debug, Default)]
pub(crate) struct RawMeta {
    pub meta: Meta,
    pub db_table: Option<Name>,
    pub is_abstract: bool,
    pub proxy: Option<crate::source::Span>,
    /// Which inheritable keys were written (the rest come from an abstract base).
    pub has_ordering: bool,
    pub has_indexes: bool,
    pub has_unique_together: bool,
    pub has_constraints: bool,
    pub has_managed: bool,
    pub has_get_latest_by: bool,
    /// Keys set so far (sections may each set some), with where.
    pub seen: Vec<(&'static str, crate::source::Span)>,
}

impl Reader<'_> {
    /// Lowers meta options into `raw`. Each key may be set once; with `append` (an array of
    /// tables section, `[[models.X.meta.indexes]]`) indexes and constraints add to earlier ones.
    pub fn meta(&mut self, model: &str, table: &DeTable<'_>, raw: &mut RawMeta, append: bool) {
        for (key, v) in table.iter() {
            let k: &str = key.get_ref().as_ref();
            if let Some(&known) = META_KEYS.iter().find(|m| **m == k) {
                let appendable = append && matches!(k, "indexes" | "constraints");
                if let Some(&(_, first)) = raw.seen.iter().find(|(m, _)| *m == known) {
                    if !appendable {
                        self.push(
                            Diagnostic::error(format!(
                                "meta option `{k}` of `{model}` is set twice"
                            ))
                            .at(self.kspan(key))
                            .label("set again here")
                            .related(first, "first set here")
                            .help("keep one of them"),
                        );
                        continue;
                    }
                } else {
                    raw.seen.push((known, self.kspan(key)));
                }
            }
            let what = format_args!("`{k}` of `{model}` meta");
            match k {
                "db_table" => raw.db_table = self.meta_name(v, &what),
                "renamed_from" => raw.meta.renamed_from = self.meta_name(v, &what),
                "get_latest_by" => {
                    raw.has_get_latest_by = true;
                    raw.meta.get_latest_by = self.meta_name(v, &what);
                }
                "verbose_name" => raw.meta.verbose_name = self.string(v, &what).map(str::to_string),
                "verbose_name_plural" => {
                    raw.meta.verbose_name_plural = self.string(v, &what).map(str::to_string)
                }
                "db_comment" => {
                    raw.meta.db_comment = self.string(v, &what).map(str::to_string);
                    raw.meta.db_comment_span = Some(self.vspan(v));
                }
                "abstract" => raw.is_abstract = self.boolean(v, &what, k).unwrap_or(false),
                "managed" => {
                    raw.has_managed = true;
                    raw.meta.managed = self.boolean(v, &what, k).unwrap_or(true);
                }
                "proxy" => {
                    if self.boolean(v, &what, k).unwrap_or(false) {
                        raw.proxy = Some(self.vspan(v));
                    }
                }
                "ordering" => {
                    raw.has_ordering = true;
                    raw.meta.ordering = self
                        .name_list(v, &what)
                        .into_iter()
                        .map(|n| {
                            let (descending, field) = signed(n);
                            OrderBy { field, descending }
                        })
                        .collect();
                }
                "unique_together" => {
                    raw.has_unique_together = true;
                    raw.meta.unique_together = self.unique_together(v, &what);
                }
                "indexes" => {
                    raw.has_indexes = true;
                    if let Some(items) = self.array(v, &what) {
                        for item in items.iter() {
                            if let Some(index) = self.index(item, model) {
                                raw.meta.indexes.push(index);
                            }
                        }
                    }
                }
                "constraints" => {
                    raw.has_constraints = true;
                    if let Some(items) = self.array(v, &what) {
                        for item in items.iter() {
                            if let Some(c) = self.constraint(item, model) {
                                raw.meta.constraints.push(c);
                            }
                        }
                    }
                }
                _ => self.unknown_key(key, "meta option", META_KEYS),
            }
        }
    }

    pub(crate) fn meta_name(&mut self, v: &TValue<'_>, what: &dyn fmt::Display) -> Option<Name> {
        let s = self.string(v, what)?;
        let inner = self.inner_span(v, s);
        Some(Name::new(s, inner(0..s.len())))
    }

    /// An array of strings, each with its own span.
    pub fn name_list(&mut self, v: &TValue<'_>, what: &dyn fmt::Display) -> Vec<Name> {
        let Some(items) = self.array(v, what) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            if let Some(s) = self.string(item, &format_args!("an entry of {what}")) {
                let inner = self.inner_span(item, s);
                out.push(Name::new(s, inner(0..s.len())));
            }
        }
        out
    }

    /// `[["a", "b"], ["c", "d"]]`, or one set written flat: `["a", "b"]`.
    pub(crate) fn unique_together(
        &mut self,
        v: &TValue<'_>,
        what: &dyn fmt::Display,
    ) -> Vec<FieldSet> {
        let Some(items) = self.array(v, what) else {
            return Vec::new();
        };
        if items
            .iter()
            .all(|i| matches!(i.get_ref(), DeValue::String(_)))
            && !items.is_empty()
        {
            return vec![FieldSet {
                fields: self.name_list(v, what),
                span: self.vspan(v),
            }];
        }
        items
            .iter()
            .map(|item| FieldSet {
                fields: self.name_list(item, &format_args!("an entry of {what}")),
                span: self.vspan(item),
            })
            .collect()
    }

    pub(crate) fn index(&mut self, item: &TValue<'_>, model: &str) -> Option<Index> {
        let what = format!("an index of `{model}`");
        let table = self.table(item, &what)?;
        let span = self.vspan(item);
        let mut index = Index {
            name: None,
            fields: Vec::new(),
            condition: None,
            span,
        };
        let mut has_fields = false;
        for (key, v) in table.iter() {
            match key.get_ref().as_ref() {
                "fields" => {
                    has_fields = true;
                    index.fields = self
                        .name_list(v, &format_args!("`fields` of {what}"))
                        .into_iter()
                        .map(|n| {
                            let (descending, field) = signed(n);
                            IndexField { field, descending }
                        })
                        .collect();
                }
                "name" => index.name = self.meta_name(v, &format_args!("`name` of {what}")),
                "condition" => {
                    index.condition = self.sql_expr(v, &format_args!("`condition` of {what}"))
                }
                _ => self.unknown_key(key, "index option", &["fields", "name", "condition"]),
            }
        }
        if !has_fields {
            self.push(
                Diagnostic::error(format!("{what} has no `fields`"))
                    .at(span)
                    .label("no fields")
                    .help("write fields = [\"field\", \"-other\"]"),
            );
            return None;
        }
        Some(index)
    }

    pub(crate) fn constraint(&mut self, item: &TValue<'_>, model: &str) -> Option<Constraint> {
        let what = format!("a constraint of `{model}`");
        let table = self.table(item, &what)?;
        let span = self.vspan(item);
        let Some(kind) = table.get("type") else {
            self.push(
                Diagnostic::error(format!("{what} has no `type`"))
                    .at(span)
                    .label("no type")
                    .help("add type = \"unique\" or type = \"check\""),
            );
            return None;
        };
        let kind_name = self.string(kind, &format_args!("`type` of {what}"))?;
        let is_check = match kind_name {
            "check" => true,
            "unique" => false,
            other => {
                let other = other.to_string();
                self.push(
                    Diagnostic::error(format!("unknown constraint type `{other}`"))
                        .at(self.vspan(kind))
                        .label("unknown constraint type")
                        .help("expected \"unique\" or \"check\""),
                );
                return None;
            }
        };
        let allowed: &[&str] = if is_check {
            &["type", "check", "name"]
        } else {
            &["type", "fields", "name", "condition"]
        };
        let mut name = None;
        let mut fields = None;
        let mut condition = None;
        let mut check = None;
        for (key, v) in table.iter() {
            let k: &str = key.get_ref().as_ref();
            if !allowed.contains(&k) {
                self.unknown_key(
                    key,
                    if is_check {
                        "check constraint option"
                    } else {
                        "unique constraint option"
                    },
                    allowed,
                );
                continue;
            }
            match k {
                "name" => name = self.meta_name(v, &format_args!("`name` of {what}")),
                "fields" => {
                    fields = Some(FieldSet {
                        fields: self.name_list(v, &format_args!("`fields` of {what}")),
                        span: self.vspan(v),
                    })
                }
                "condition" => condition = self.sql_expr(v, &format_args!("`condition` of {what}")),
                "check" => check = Some(self.sql_expr(v, &format_args!("`check` of {what}"))),
                _ => {}
            }
        }
        if is_check {
            match check {
                Some(Some(check)) => Some(Constraint::Check { name, check, span }),
                Some(None) => None,
                None => {
                    self.push(
                        Diagnostic::error(format!(
                            "a check constraint of `{model}` has no `check`"
                        ))
                        .at(span)
                        .label("no check")
                        .help("add check = \"price >= 0\""),
                    );
                    None
                }
            }
        } else {
            match fields {
                Some(fields) => Some(Constraint::Unique {
                    name,
                    fields,
                    condition,
                    span,
                }),
                None => {
                    self.push(
                        Diagnostic::error(format!(
                            "a unique constraint of `{model}` has no `fields`"
                        ))
                        .at(span)
                        .label("no fields")
                        .help("add fields = [\"a\", \"b\"]"),
                    );
                    None
                }
            }
        }
    }
}

/// Splits a leading `-` (descending) off a field name.
fn signed(n: Name) -> (bool, Name) {
    match n.text.strip_prefix('-') {
        Some(rest) => {
            let mut span = n.span;
            span.start = (span.start + 1).min(span.end);
            (true, Name::new(rest, span))
        }
        None => (false, n),
    }
}
