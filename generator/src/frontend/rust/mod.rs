//! The Rust frontend: `#[derive(Model)]` structs and `#[derive(Choices)]` enums, read into
//! the same [`ir::Schema`](crate::ir::Schema) models.toml gives, so validation and every
//! backend work on them unchanged.
//!
//! ```text
//! #[derive(Model)]
//! #[model(ordering = ["-name", "id"])]
//! struct Product {
//!     #[model(max_length = 255)]
//!     title: String,                                   // char(255)
//!     #[model(max_digits = 6, decimal_places = 2)]
//!     price: Decimal,                                  // decimal(6, 2)
//!     #[model(foreign_key = Collection, on_delete = "protect")]
//!     collection: i64,                                 // collection_id, the key's type
//! }
//! ```
//!
//! The core lowers one `syn::DeriveInput` at a time, so the derive macro and the CLI share
//! it: a [`Locate`] turns token spans into file places (a file read by the CLI) or into
//! nothing (the macro, which reports each [`Problem`] as a `syn::Error` at its tokens).
//! What only the whole set of files can settle (a field's `choices = Enum`, a foreign key's
//! Rust type against its target's key) is settled by [`parse`]. Models then go through the
//! builder models.toml uses (abstract bases, implicit `id`, table and column names).
//!
//! Lowering never panics and never stops at the first problem: every bad attribute is a
//! diagnostic with its place, a label and a help line.

mod attr;
mod choices;
mod cx;
mod field;
mod lists;
mod model;
mod span;
mod types;
mod value;

use std::collections::HashMap;

pub use span::{InFile, Locate, NoFile, Problem, Tokens};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::frontend::toml::{build_schema, did_you_mean, name_limit};
use crate::ir::{Choice, Choices, FieldType, Model, Name, Project, Schema, Value};
use crate::source::{FileId, SourceMap};

use attr::ValKind;
use choices::ChoicesDecl;
use cx::Cx;
use model::ModelDecl;
use types::Class;

/// One lowered item.
#[derive(Debug)]
enum Item {
    Model(Box<ModelDecl>),
    Choices(ChoicesDecl),
}

/// Lowers one item if it derives `Model` (a struct) or `Choices` (an enum); `None` for
/// other items. (A derive's input is an item: the macro parses it as `syn::Item`.)
fn lower(item: &syn::Item, cx: &mut Cx<'_>) -> Option<Item> {
    let (attrs, ident, is_struct) = match item {
        syn::Item::Struct(s) => (&s.attrs, &s.ident, true),
        syn::Item::Enum(e) => (&e.attrs, &e.ident, false),
        _ => return None,
    };
    let derives_model = attr::derives(attrs, "Model");
    let derives_choices = attr::derives(attrs, "Choices");
    match item {
        syn::Item::Struct(s) if derives_model => cx.model(s).map(|m| Item::Model(Box::new(m))),
        syn::Item::Enum(e) if derives_choices => cx.choices(e).map(Item::Choices),
        _ if derives_model || derives_choices => {
            let (derive, kind, wanted) = if derives_model {
                (
                    "Model",
                    if is_struct { "a struct" } else { "an enum" },
                    "a struct with named fields",
                )
            } else {
                (
                    "Choices",
                    "a struct",
                    "an enum whose variants carry #[choice(code, label = \"...\")]",
                )
            };
            cx.error(
                Tokens::one(ident.span()),
                Diagnostic::error(format!("`{ident}` derives {derive} but is {kind}"))
                    .label(kind)
                    .help(format!("derive {derive} on {wanted}")),
            );
            None
        }
        _ => None,
    }
}

/// The derive macro's entry: lowers one `#[derive(Model)]` input into its model (implicit
/// key, table and columns as the CLI would give them, under `project`), or every problem
/// found. A field's `choices = Enum` names an enum the macro cannot see: its choices are
/// left for the enum's own derive.
pub fn derive_model(input: &syn::ItemStruct, project: &Project) -> Result<Model, Vec<Problem>> {
    let mut cx = Cx {
        loc: &NoFile,
        problems: Vec::new(),
    };
    let decl = cx.model(input);
    let mut problems = cx.problems;
    let Some(decl) = decl else {
        return Err(problems);
    };
    let tokens = decl.tokens;
    let mut diags = Diagnostics::new();
    let schema = build_schema(project.clone(), vec![decl.into_raw()], &mut diags);
    for d in diags.into_vec() {
        problems.push(Problem {
            diagnostic: d,
            tokens,
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    schema
        .models
        .into_iter()
        .next()
        .or_else(|| schema.abstracts.into_iter().next())
        .ok_or_else(Vec::new)
}

/// The derive macro's entry for `#[derive(Choices)]`: the enum's choices, codes as written
/// (strings or integers), or every problem found.
pub fn derive_choices(input: &syn::ItemEnum) -> Result<Choices, Vec<Problem>> {
    let mut cx = Cx {
        loc: &NoFile,
        problems: Vec::new(),
    };
    let decl = cx.choices(input);
    if !cx.problems.is_empty() {
        return Err(cx.problems);
    }
    let decl = decl.ok_or_else(Vec::new)?;
    Ok(Choices {
        items: decl
            .items
            .into_iter()
            .map(|c| Choice {
                value: match c.code.kind {
                    ValKind::Int(n) => Value::Int(n as i64),
                    ValKind::Str(s) => Value::Str(s),
                    _ => Value::Str(String::new()),
                },
                label: c.label,
                name: Some(c.variant),
                span: c.span,
            })
            .collect(),
        enum_name: Some(decl.name.clone()),
        span: decl.name.span,
    })
}

/// Every struct and enum of a file, inline modules included.
fn collect(items: Vec<syn::Item>, out: &mut Vec<syn::Item>) {
    for item in items {
        match item {
            syn::Item::Struct(_) | syn::Item::Enum(_) => out.push(item),
            syn::Item::Mod(m) => {
                if let Some((_, items)) = m.content {
                    collect(items, out);
                }
            }
            _ => {}
        }
    }
}

/// Reads the `#[derive(Model)]` structs and `#[derive(Choices)]` enums of `files` into
/// models under `project`. Problems are reported into `diags`; the schema holds what could
/// be read.
pub fn parse(
    project: &Project,
    sources: &SourceMap,
    files: &[FileId],
    diags: &mut Diagnostics,
) -> Schema {
    let mut models: Vec<ModelDecl> = Vec::new();
    let mut enums: Vec<ChoicesDecl> = Vec::new();
    for &file in files {
        let source = sources.file(file);
        let loc = InFile { file, source };
        let mut cx = Cx {
            loc: &loc,
            problems: Vec::new(),
        };
        match syn::parse_file(&source.text) {
            Ok(parsed) => {
                let mut inputs = Vec::new();
                collect(parsed.items, &mut inputs);
                for input in &inputs {
                    match lower(input, &mut cx) {
                        Some(Item::Model(m)) => models.push(*m),
                        Some(Item::Choices(c)) => enums.push(c),
                        None => {}
                    }
                }
            }
            Err(e) => cx.syn_error(
                &e,
                &format!("Rust in `{}`", source.path),
                "fix the Rust syntax: modelc reads the file as the compiler does",
            ),
        }
        for p in cx.problems {
            diags.push(p.diagnostic);
        }
    }
    let by_name = enum_index(&enums, diags);
    let app = project.app.as_ref().map(|a| a.text.as_str());
    let limit = name_limit(project);
    let mut keys = Vec::new();
    let mut raws = Vec::new();
    let mut implicit_ids = Vec::new();
    let inherited = inherited_names(&models);
    for (mut m, inherited) in models.into_iter().zip(inherited) {
        // The struct's places for the columns it inherits: the base declares them.
        m.fields
            .retain(|d| !(d.plain && inherited.iter().any(|n| *n == d.field.name.text)));
        if let Some(id) = m.implicit_id.take() {
            implicit_ids.push((m.name.text.to_string(), id));
        }
        for d in &mut m.fields {
            if let Some((name, _)) = &d.choices {
                d.field.choices =
                    resolve_choices(name, &enums, &by_name, &m.name, &d.field, diags).map(Box::new);
            }
            if d.field.ty.is_fk() {
                if let Some(rel) = &d.field.relation {
                    keys.push((
                        m.name.text.to_string(),
                        d.field.name.clone(),
                        rel.to.text.to_string(),
                        d.rust.clone(),
                    ));
                }
            }
        }
        // `app = "..."` on a struct of another app: its table is named for that app.
        if let Some(own) = &m.app {
            if Some(own.text.as_str()) != app && m.meta.db_table.is_none() {
                let table = crate::naming::table_name(Some(&own.text), &m.name.text, limit);
                m.meta.db_table = Some(Name::new(table, own.span));
            }
        }
        raws.push(m.into_raw());
    }
    let schema = build_schema(project.clone(), raws, diags);
    for (model, (rust, at)) in implicit_ids {
        check_implicit_id(&schema, &model, &rust, at, diags);
    }
    for (model, field, to, rust) in keys {
        check_key_type(&schema, &model, &field, &to, &rust, diags);
    }
    schema
}

/// Enums by name; a name declared twice is reported.
fn enum_index(enums: &[ChoicesDecl], diags: &mut Diagnostics) -> HashMap<String, usize> {
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for (i, e) in enums.iter().enumerate() {
        if let Some(&first) = by_name.get(e.name.text.as_str()) {
            diags.push(
                Diagnostic::error(format!(
                    "enum of choices `{}` is declared twice",
                    e.name.text
                ))
                .at(e.name.span)
                .label("declared again here")
                .related(enums[first].name.span, "first declared here")
                .help("rename one of them"),
            );
            continue;
        }
        by_name.insert(e.name.text.to_string(), i);
    }
    by_name
}

/// The choices of a field from the enum it names, each code read as the field's type.
fn resolve_choices(
    name: &Name,
    enums: &[ChoicesDecl],
    by_name: &HashMap<String, usize>,
    model: &Name,
    field: &crate::ir::Field,
    diags: &mut Diagnostics,
) -> Option<Choices> {
    let Some(&i) = by_name.get(name.text.as_str()) else {
        let mut d = Diagnostic::error(format!(
            "unknown enum of choices `{}` in `choices` of field `{}.{}`",
            name.text, model.text, field.name.text
        ))
        .at(name.span)
        .label("no such enum");
        d = match did_you_mean(&name.text, enums.iter().map(|e| e.name.text.as_str())) {
            Some(best) => d.help(format!("did you mean `{best}`?")),
            None => d.help(format!(
                "declare it in a source file: #[derive(Choices)] enum {} {{ #[choice(\"A\", label = \"...\")] A }}",
                name.text
            )),
        };
        diags.push(d);
        return None;
    };
    let decl = &enums[i];
    let ty = field.ty;
    let mut items = Vec::new();
    for c in &decl.items {
        let value = match (&c.code.kind, ty) {
            (ValKind::Str(s), _) if ty.is_string() => Value::Str(s.clone()),
            (ValKind::Int(n), _) if ty.is_integer() && i64::try_from(*n).is_ok() => {
                Value::Int(*n as i64)
            }
            (code, FieldType::Error) => {
                let _ = code;
                continue;
            }
            (code, _) => {
                let wanted = if ty.is_integer() {
                    "an integer"
                } else {
                    "a string"
                };
                diags.push(
                    Diagnostic::error(format!(
                        "choice `{}::{}` has {} code, but field `{}.{}` is {}",
                        decl.name.text,
                        c.variant,
                        code.describe()
                            .trim_start_matches("a ")
                            .trim_start_matches("an "),
                        model.text,
                        field.name.text,
                        ty.as_str()
                    ))
                    .at(c.span)
                    .label(format!("expected {wanted}"))
                    .related(name.span, "used here")
                    .help(format!(
                        "write the code as {wanted}, or use another enum for this field"
                    )),
                );
                continue;
            }
        };
        items.push(Choice {
            value,
            label: c.label.clone(),
            name: Some(c.variant.clone()),
            span: c.span,
        });
    }
    Some(Choices {
        items,
        enum_name: Some(decl.name.clone()),
        span: name.span,
    })
}

/// For each model, the names of the fields it inherits from the abstract bases it extends
/// (through every level), as far as the models read here say.
fn inherited_names(models: &[ModelDecl]) -> Vec<Vec<String>> {
    let by_name: HashMap<&str, &ModelDecl> =
        models.iter().map(|m| (m.name.text.as_str(), m)).collect();
    models
        .iter()
        .map(|m| {
            let mut names = Vec::new();
            let mut base = m.extends.as_ref();
            let mut seen = 0;
            while let Some(b) = base.and_then(|b| by_name.get(b.text.as_str())) {
                if !b.meta.is_abstract || seen > models.len() {
                    break;
                }
                names.extend(b.fields.iter().map(|d| d.field.name.text.to_string()));
                base = b.extends.as_ref();
                seen += 1;
            }
            names
        })
        .collect()
}

/// A struct's `id` field that stands for the implicit key holds the key's Rust type (`i64`
/// for the default `big_auto`).
fn check_implicit_id(
    schema: &Schema,
    model: &str,
    rust: &types::RustType,
    at: crate::source::Span,
    diags: &mut Diagnostics,
) {
    let Some(key) = schema.model(model).and_then(|m| m.pk()) else {
        return;
    };
    let Some(expected) = Class::of_key(key.ty) else {
        return;
    };
    if rust.class == Some(expected) && !rust.option {
        return;
    }
    diags.push(
        Diagnostic::error(format!(
            "the Rust type of `{model}.id` is `{}`, but the implicit key `id` is {} (`{}`)",
            rust.text,
            key.ty.as_str(),
            expected.rust()
        ))
        .at(at)
        .label("not the key's type")
        .help(format!(
            "write `id: {}`, or declare the key: #[model(primary_key, ...)]",
            expected.rust()
        )),
    );
}

/// A foreign key is held in the Rust type of its target's key (`collection: i64` for a
/// `big_auto` key); anything else would not compile against the generated code.
fn check_key_type(
    schema: &Schema,
    model: &str,
    field: &Name,
    to: &str,
    rust: &types::RustType,
    diags: &mut Diagnostics,
) {
    let Some(target) = schema.model(to) else {
        return;
    };
    let rel_field = schema
        .model(model)
        .and_then(|m| m.field(&field.text))
        .and_then(|f| f.relation.as_ref())
        .and_then(|r| r.to_field.as_ref())
        .map(|n| n.text.to_string());
    let key = match &rel_field {
        Some(name) => target.field(name),
        None => target.pk(),
    };
    let Some(key) = key else {
        return;
    };
    let Some(expected) = Class::of_key(key.ty) else {
        return;
    };
    if rust.class == Some(expected) {
        return;
    }
    let wanted = if rust.option {
        format!("Option<{}>", expected.rust())
    } else {
        expected.rust().to_string()
    };
    diags.push(
        Diagnostic::error(format!(
            "the Rust type of `{model}.{}` is `{}`, but the key of `{to}` is {} (`{}`)",
            field.text,
            rust.text,
            key.ty.as_str(),
            expected.rust()
        ))
        .at(locate_type(schema, model, field))
        .label("not the key's type")
        .help(format!("write `{}: {wanted}`", field.text)),
    );
}

/// Where a field's Rust type is (its `type` span).
fn locate_type(schema: &Schema, model: &str, field: &Name) -> crate::source::Span {
    schema
        .model(model)
        .and_then(|m| m.field(&field.text))
        .map_or(field.span, |f| f.span_of(crate::ir::Opt::Type))
}

/// Adds the models of the Rust sources to those of models.toml. A model declared in both
/// is reported and the Rust one dropped.
pub fn merge(mut into: Schema, from: Schema, diags: &mut Diagnostics) -> Schema {
    let Schema {
        models, abstracts, ..
    } = from;
    for m in models.into_iter().chain(abstracts) {
        let clash = into
            .models
            .iter()
            .chain(&into.abstracts)
            .find(|t| t.name.text == m.name.text);
        if let Some(first) = clash {
            diags.push(
                Diagnostic::error(format!("model `{}` is declared twice", m.name.text))
                    .at(m.name.span)
                    .label("declared again here")
                    .related(first.name.span, "first declared here")
                    .help("declare each model once: in models.toml or in a Rust source"),
            );
            continue;
        }
        if m.kind == crate::ir::ModelKind::Abstract {
            into.abstracts.push(m);
        } else {
            into.push_model(m);
        }
    }
    into
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The derive macro's path: one item, no file; problems become `syn::Error`s.
    #[test]
    fn derive_model_lowers_one_struct_without_a_file() {
        let item: syn::ItemStruct = syn::parse_str(
            "#[derive(Model)] struct Post { #[model(max_length = 200)] title: String, body: Option<String> }",
        )
        .expect("valid Rust");
        let model = derive_model(&item, &Project::default()).expect("no problems");
        let fields: Vec<_> = model
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.ty, f.null))
            .collect();
        assert_eq!(
            fields,
            [
                ("id", FieldType::BigAuto, false),
                ("title", FieldType::Char, false),
                ("body", FieldType::Text, true),
            ]
        );
        assert_eq!(model.db_table, "post");
    }

    #[test]
    fn derive_problems_convert_to_syn_errors() {
        let item: syn::ItemStruct =
            syn::parse_str("struct Post { #[model(max_lenght = 200)] title: String }")
                .expect("valid Rust");
        let problems = derive_model(&item, &Project::default()).expect_err("a problem");
        let messages: Vec<String> = problems
            .iter()
            .map(|p| p.to_syn_error().to_string())
            .collect();
        assert_eq!(
            messages,
            ["unknown field option `max_lenght`\n\n= help: did you mean `max_length`?"]
        );
    }

    #[test]
    fn derive_model_reads_constraints_and_field_options_as_models_toml_does() {
        let item: syn::ItemStruct = syn::parse_str(
            r#"#[model(constraints = [
                unique(fields = ["host"], name = "server_host_uniq", condition = "port > 0"),
                check(check = per_dialect(default = "port > 0", sqlite = "port >= 1"), name = "port_ok"),
            ])]
            struct Server {
                #[model(protocol = "ipv6", default = "::1")]
                host: std::net::IpAddr,
                port: i32,
                #[model(default = "PT1M30S")]
                timeout: chrono::TimeDelta,
            }"#,
        )
        .expect("valid Rust");
        let model = derive_model(&item, &Project::default()).expect("no problems");
        let names: Vec<_> = model
            .meta
            .constraints
            .iter()
            .map(|c| match c {
                crate::ir::Constraint::Unique {
                    name, condition, ..
                } => (name.as_ref().map(|n| n.as_str()), condition.is_some()),
                crate::ir::Constraint::Check { name, check, .. } => (
                    name.as_ref().map(|n| n.as_str()),
                    matches!(check.kind, crate::ir::SqlExprKind::PerDialect(_)),
                ),
            })
            .collect();
        assert_eq!(
            names,
            [(Some("server_host_uniq"), true), (Some("port_ok"), true)]
        );
        let host = model.field("host").expect("host");
        assert_eq!(host.protocol, crate::ir::IpProtocol::Ipv6);
        assert_eq!(host.default.as_deref(), Some(&Value::Str("::1".into())));
        let timeout = model.field("timeout").expect("timeout");
        assert_eq!(
            timeout.default.as_deref(),
            Some(&Value::Duration(90_000_000))
        );
    }

    #[test]
    fn bad_constraint_kinds_and_dialects_are_problems() {
        let item: syn::ItemStruct = syn::parse_str(
            r#"#[model(constraints = [uniqe(fields = ["a"]), check(per_dialect(sqlsrv = "a > 0"))])]
            struct T { a: i32 }"#,
        )
        .expect("valid Rust");
        let problems = derive_model(&item, &Project::default()).expect_err("problems");
        let messages: Vec<String> = problems
            .iter()
            .map(|p| p.diagnostic.message.clone())
            .collect();
        assert_eq!(
            messages,
            [
                "unknown constraint type `uniqe`",
                "unknown dialect `sqlsrv`",
            ]
        );
    }

    #[test]
    fn derive_choices_reads_codes_and_labels() {
        let item: syn::ItemEnum = syn::parse_str(
            "enum Level { #[choice(1, label = \"Junior\")] Junior, #[choice(2)] Senior }",
        )
        .expect("valid Rust");
        let choices = derive_choices(&item).expect("no problems");
        let items: Vec<_> = choices
            .items
            .iter()
            .map(|c| (c.value.clone(), c.label.as_str()))
            .collect();
        assert_eq!(
            items,
            [(Value::Int(1), "Junior"), (Value::Int(2), "Senior")]
        );
    }
}
