//! Lowering of one `#[derive(Model)]` struct: its `#[model(...)]` Meta and its fields.

use crate::diagnostics::Diagnostic;
use crate::frontend::toml::{RawMeta, RawModel};
use crate::ir::{Constraint, FieldSet, Index, IndexField, Name, OrderBy};

use super::attr::{Arg, Key, Val, ValKind};
use super::cx::Cx;
use super::field::FieldDecl;
use super::span::Tokens;

/// Every `#[model(...)]` key of a struct.
pub(crate) const MODEL_KEYS: &[&str] = &[
    "app",
    "table",
    "db_table",
    "ordering",
    "indexes",
    "unique_together",
    "checks",
    "abstract",
    "managed",
    "extends",
    "db_comment",
    "verbose_name",
    "verbose_name_plural",
    "renamed_from",
    "get_latest_by",
];

/// A struct as lowered: the model before inheritance and implicit keys, and its fields'
/// Rust types and choices references.
#[derive(Debug)]
pub(crate) struct ModelDecl {
    pub name: Name,
    pub extends: Option<Name>,
    pub meta: RawMeta,
    pub fields: Vec<FieldDecl>,
    /// `app = "..."`, when written.
    pub app: Option<Name>,
    pub tokens: Tokens,
}

impl Cx<'_> {
    /// Lowers a struct with `#[derive(Model)]`.
    pub(crate) fn model(&mut self, input: &syn::ItemStruct) -> Option<ModelDecl> {
        let ident_tokens = Tokens::one(input.ident.span());
        let model = input.ident.to_string();
        if !input.generics.params.is_empty() {
            self.error(
                ident_tokens,
                Diagnostic::error(format!("model `{model}` has generic parameters"))
                    .label("generic struct")
                    .help("a model is one table: remove the generic parameters"),
            );
        }
        let syn::Fields::Named(named) = &input.fields else {
            self.error(
                ident_tokens,
                Diagnostic::error(format!("model `{model}` has no named fields"))
                    .label("tuple or unit struct")
                    .help(format!(
                        "declare the fields by name: struct {model} {{ title: String }}"
                    )),
            );
            return None;
        };
        let name = self.name(&model, ident_tokens);
        let (args, errors) = super::attr::args_of(&input.attrs, "model");
        for e in &errors {
            self.syn_error(
                e,
                "#[model] attribute",
                "write #[model(key = value, flag, ...)]",
            );
        }
        let mut meta = RawMeta::default();
        let mut extends = None;
        let mut app = None;
        self.meta(&model, &args, &mut meta, &mut extends, &mut app);

        let mut fields = Vec::new();
        for f in &named.named {
            let Some(decl) = self.field(&model, f) else {
                continue;
            };
            if let Some(first) = fields
                .iter()
                .find(|d: &&FieldDecl| d.field.name.text == decl.field.name.text)
            {
                // Rust rejects this too; said once here for the CLI.
                let first = first.field.name.span;
                let d = Diagnostic::error(format!(
                    "field `{}` of `{model}` is declared twice",
                    decl.field.name.text
                ))
                .label("declared again here")
                .related(first, "first declared here")
                .help("remove or rename one of them");
                self.error(
                    Tokens::one(f.ident.as_ref().map_or(input.ident.span(), |i| i.span())),
                    d,
                );
                continue;
            }
            fields.push(decl);
        }
        Some(ModelDecl {
            name,
            extends,
            meta,
            fields,
            app,
            tokens: ident_tokens,
        })
    }

    fn meta(
        &mut self,
        model: &str,
        args: &[Arg],
        raw: &mut RawMeta,
        extends: &mut Option<Name>,
        app: &mut Option<Name>,
    ) {
        let mut seen: Vec<&Key> = Vec::new();
        for arg in args {
            let Some(key) = &arg.key else {
                if let Some(v) = &arg.value {
                    self.error(
                        v.tokens,
                        Diagnostic::error(format!("expected a Meta option of `{model}`, found {}", v.kind.describe()))
                            .label("not `key` or `key = value`")
                            .help("write options as `key = value` or as a flag: #[model(app = \"store\", abstract)]"),
                    );
                }
                continue;
            };
            let k = key.text.as_str();
            if !MODEL_KEYS.contains(&k) {
                self.unknown_key(key, "model option", MODEL_KEYS);
                continue;
            }
            fn same(s: &str) -> &str {
                if s == "db_table" { "table" } else { s }
            }
            if let Some(first) = seen.iter().find(|s| same(&s.text) == same(k)) {
                let first = self.span(first.tokens);
                self.error(
                    key.tokens,
                    Diagnostic::error(format!("`{k}` of `{model}` is set twice"))
                        .label("set again here")
                        .related(first, "first set here")
                        .help("keep one of them"),
                );
                continue;
            }
            seen.push(key);
            let what = format!("`{k}` of `{model}`");
            match k {
                "abstract" => raw.is_abstract = self.flag(arg, key, &what).unwrap_or(false),
                "managed" => {
                    raw.has_managed = true;
                    raw.meta.managed = self.flag(arg, key, &what).unwrap_or(true);
                }
                _ => {
                    let Some(v) = self.value(arg, key, &format!("{k} = ...")) else {
                        continue;
                    };
                    self.meta_value(model, k, v, &what, raw, extends, app);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn meta_value(
        &mut self,
        model: &str,
        k: &str,
        v: &Val,
        what: &str,
        raw: &mut RawMeta,
        extends: &mut Option<Name>,
        app: &mut Option<Name>,
    ) {
        match k {
            "app" => *app = self.name_value(v, what, "app = \"store\""),
            "table" | "db_table" => {
                raw.db_table = self.name_value(v, what, "table = \"store_product\"")
            }
            "extends" => *extends = self.target(v, what, "extends = Base"),
            "renamed_from" => {
                raw.meta.renamed_from = self.name_value(v, what, "renamed_from = \"OldName\"")
            }
            "get_latest_by" => {
                raw.has_get_latest_by = true;
                raw.meta.get_latest_by = self.name_value(v, what, "get_latest_by = \"created_at\"");
            }
            "verbose_name" => {
                raw.meta.verbose_name = self
                    .string(v, what, "verbose_name = \"...\"")
                    .map(str::to_string)
            }
            "verbose_name_plural" => {
                raw.meta.verbose_name_plural = self
                    .string(v, what, "verbose_name_plural = \"...\"")
                    .map(str::to_string)
            }
            "db_comment" => {
                raw.meta.db_comment = self
                    .string(v, what, "db_comment = \"...\"")
                    .map(str::to_string);
                raw.meta.db_comment_span = Some(self.span(v.tokens));
            }
            "ordering" => {
                raw.has_ordering = true;
                raw.meta.ordering = self
                    .names(v, what, "ordering = [\"-created_at\", \"id\"]")
                    .into_iter()
                    .map(|n| {
                        let (descending, field) = signed(n);
                        OrderBy { field, descending }
                    })
                    .collect();
            }
            "unique_together" => {
                raw.has_unique_together = true;
                raw.meta.unique_together = self.unique_together(v, what);
            }
            "indexes" => {
                raw.has_indexes = true;
                let example = "indexes = [[\"last_name\", \"first_name\"], index(fields = [\"-created_at\"], name = \"...\")]";
                for item in self.array(v, what, example).unwrap_or(&[]) {
                    if let Some(index) = self.index(model, item, example) {
                        raw.meta.indexes.push(index);
                    }
                }
            }
            "checks" => {
                raw.has_constraints = true;
                let example =
                    "checks = [\"price >= 0\", check(\"inventory >= 0\", name = \"...\")]";
                for item in self.array(v, what, example).unwrap_or(&[]) {
                    if let Some(c) = self.check(model, item, example) {
                        raw.meta.constraints.push(c);
                    }
                }
            }
            _ => {}
        }
    }

    /// `[["a", "b"], ["c"]]`, or one set written flat: `["a", "b"]`.
    fn unique_together(&mut self, v: &Val, what: &str) -> Vec<FieldSet> {
        let example = "unique_together = [[\"a\", \"b\"]]";
        let Some(items) = self.array(v, what, example) else {
            return Vec::new();
        };
        if !items.is_empty() && items.iter().all(|i| matches!(i.kind, ValKind::Str(_))) {
            return vec![FieldSet {
                fields: self.names(v, what, example),
                span: self.span(v.tokens),
            }];
        }
        let entry = format!("an entry of {what}");
        items
            .iter()
            .map(|item| FieldSet {
                fields: self.names(item, &entry, example),
                span: self.span(item.tokens),
            })
            .collect()
    }

    /// `["a", "-b"]` or `index(fields = [...], name = "...", condition = "...")`.
    fn index(&mut self, model: &str, item: &Val, example: &str) -> Option<Index> {
        let what = format!("an index of `{model}`");
        let span = self.span(item.tokens);
        let fields_of = |cx: &mut Self, v: &Val| -> Vec<IndexField> {
            cx.names(v, &format!("`fields` of {what}"), example)
                .into_iter()
                .map(|n| {
                    let (descending, field) = signed(n);
                    IndexField { field, descending }
                })
                .collect()
        };
        match &item.kind {
            ValKind::Array(_) => Some(Index {
                name: None,
                fields: fields_of(self, item),
                condition: None,
                span,
            }),
            ValKind::Call(call, args) if call == "index" => {
                let mut index = Index {
                    name: None,
                    fields: Vec::new(),
                    condition: None,
                    span,
                };
                let mut has_fields = false;
                for arg in args {
                    let (Some(key), Some(v)) = (&arg.key, &arg.value) else {
                        self.error(
                            arg.tokens(),
                            Diagnostic::error(format!("expected `key = value` in {what}"))
                                .label("not `key = value`")
                                .help("write index(fields = [\"a\", \"-b\"], name = \"...\", condition = \"...\")"),
                        );
                        continue;
                    };
                    match key.text.as_str() {
                        "fields" => {
                            has_fields = true;
                            index.fields = fields_of(self, v);
                        }
                        "name" => {
                            index.name =
                                self.name_value(v, &format!("`name` of {what}"), "name = \"...\"")
                        }
                        "condition" => {
                            index.condition = self.sql(v, &format!("`condition` of {what}"))
                        }
                        _ => {
                            self.unknown_key(key, "index option", &["fields", "name", "condition"])
                        }
                    }
                }
                if !has_fields {
                    self.error(
                        item.tokens,
                        Diagnostic::error(format!("{what} has no `fields`"))
                            .label("no fields")
                            .help("write index(fields = [\"field\", \"-other\"])"),
                    );
                    return None;
                }
                Some(index)
            }
            _ => {
                self.mismatch(
                    item,
                    "an array of field names or index(...)",
                    &what,
                    format!("write {example}"),
                );
                None
            }
        }
    }

    /// `"price >= 0"` or `check("price >= 0", name = "...")`.
    fn check(&mut self, model: &str, item: &Val, example: &str) -> Option<Constraint> {
        let what = format!("a check of `{model}`");
        let span = self.span(item.tokens);
        match &item.kind {
            ValKind::Str(_) => Some(Constraint::Check {
                name: None,
                check: self.sql(item, &what)?,
                span,
            }),
            ValKind::Call(call, args) if call == "check" => {
                let mut name = None;
                let mut check = None;
                for arg in args {
                    match (&arg.key, &arg.value) {
                        (None, Some(v)) if check.is_none() => check = Some(self.sql(v, &what)),
                        (Some(key), Some(v)) if key.text == "name" => {
                            name =
                                self.name_value(v, &format!("`name` of {what}"), "name = \"...\"")
                        }
                        (Some(key), _) => self.unknown_key(key, "check option", &["name"]),
                        _ => self.error(
                            arg.tokens(),
                            Diagnostic::error(format!("unexpected argument in {what}"))
                                .label("unexpected")
                                .help("write check(\"price >= 0\", name = \"...\")"),
                        ),
                    }
                }
                match check {
                    Some(Some(check)) => Some(Constraint::Check { name, check, span }),
                    Some(None) => None,
                    None => {
                        self.error(
                            item.tokens,
                            Diagnostic::error(format!("{what} has no condition"))
                                .label("no SQL")
                                .help("write check(\"price >= 0\", name = \"...\")"),
                        );
                        None
                    }
                }
            }
            _ => {
                self.mismatch(
                    item,
                    "a string of SQL or check(...)",
                    &what,
                    format!("write {example}"),
                );
                None
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

impl ModelDecl {
    /// The model for the schema builder shared with models.toml.
    pub(crate) fn into_raw(self) -> RawModel {
        RawModel {
            fields_span: Some(self.name.span),
            name: self.name,
            extends: self.extends,
            fields: self.fields.into_iter().map(|d| d.field).collect(),
            meta: self.meta,
        }
    }
}
