//! Lowering of one `#[derive(Model)]` struct: its `#[model(...)]` Meta and its fields.

use crate::diagnostics::Diagnostic;
use crate::frontend::toml::{RawMeta, RawModel};
use crate::ir::{Name, OrderBy};

use super::attr::{Arg, Key, Val};
use super::cx::Cx;
use super::field::FieldDecl;
use super::lists::{CONSTRAINTS_EXAMPLE, signed};
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
    "constraints",
    "abstract",
    "managed",
    "proxy",
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
    /// A field `id` without `#[model(...)]` in a struct with no primary key: the struct's
    /// place for the implicit key, which the model gets as in models.toml. Its Rust type and
    /// where that is, for the check against the key's type.
    pub implicit_id: Option<(super::types::RustType, crate::source::Span)>,
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
        let proxy = args
            .iter()
            .find(|a| a.key.as_ref().is_some_and(|k| k.text == "proxy"));
        if let Some(proxy) = proxy.filter(|_| meta.proxy.is_some()) {
            let has_extends = args
                .iter()
                .any(|a| a.key.as_ref().is_some_and(|k| k.text == "extends"));
            if !has_extends {
                // Said here, in the attribute's words; the model is then read as a model
                // with a table of its own.
                self.error(
                    proxy.tokens(),
                    Diagnostic::error(format!(
                        "proxy model `{model}` does not say which model it stands for"
                    ))
                    .label("proxy without `extends`")
                    .help(format!(
                        "name the model it stands for: #[model(proxy, extends = Model)] struct {model};"
                    )),
                );
                meta.proxy = None;
            }
        }
        let named = match &input.fields {
            syn::Fields::Named(named) => Some(named),
            // A proxy has no fields of its own: `struct RecentPost;` says so.
            syn::Fields::Unit if proxy.is_some() => None,
            _ => {
                self.error(
                    ident_tokens,
                    Diagnostic::error(format!("model `{model}` has no named fields"))
                        .label("tuple or unit struct")
                        .help(format!(
                            "declare the fields by name: struct {model} {{ title: String }} (only a proxy, #[model(proxy, extends = Model)], may be a unit struct)"
                        )),
                );
                return None;
            }
        };
        let name = self.name(&model, ident_tokens);

        let mut fields = Vec::new();
        for f in named.iter().flat_map(|n| &n.named) {
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
        // `pub id: i64` with no attribute, and no primary key declared: the implicit key,
        // which the repository reads into the struct like any column.
        let mut implicit_id = None;
        if !fields.iter().any(|d| d.field.primary_key) {
            let plain_id = named.iter().flat_map(|n| &n.named).any(|f| {
                f.ident.as_ref().is_some_and(|i| i == "id")
                    && !f.attrs.iter().any(|a| a.path().is_ident("model"))
            });
            if let Some(i) = fields.iter().position(|d| d.field.name.text == "id") {
                if plain_id {
                    let d = fields.remove(i);
                    let at = self.loc.locate(d.rust.tokens);
                    implicit_id = Some((d.rust, at));
                }
            }
        }
        Some(ModelDecl {
            name,
            extends,
            meta,
            fields,
            app,
            tokens: ident_tokens,
            implicit_id,
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
                "proxy" => {
                    // A bad value is reported and read as a proxy, so that the struct's
                    // `extends` and missing fields are not reported as well.
                    if self.flag(arg, key, &what) != Some(false) {
                        raw.proxy = Some(self.span(arg.tokens()));
                    }
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
            "constraints" => {
                raw.has_constraints = true;
                for item in self.array(v, what, CONSTRAINTS_EXAMPLE).unwrap_or(&[]) {
                    if let Some(c) = self.constraint(model, item) {
                        raw.meta.constraints.push(c);
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
