//! The models.toml frontend.
//!
//! Reads the TOML document with spans (`toml::de::DeTable`, keys in file order), then lowers
//! `[project]` and each `[models.X]` into the IR, then folds abstract bases into the models
//! that extend them, adds implicit primary keys and fills in table and column names.

mod field;
mod inherit;
pub(crate) mod literal;
mod meta;
pub mod migration;
mod reader;
mod sections;

use toml::de::{DeTable, DeValue};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{DialectName, FieldType, Name, Project, Schema, Unmigrated};
use crate::source::{FileId, SourceMap};

pub(crate) use inherit::name_limit;
// The schema builder the Rust frontend shares (implicit keys, tables, columns, `extends`).
pub(crate) use inherit::{RawModel, build as build_schema};
pub(crate) use meta::RawMeta;
use reader::Reader;
pub(crate) use reader::did_you_mean;

/// Largest models file read (bytes). Spans are 32-bit; far below that, anything this large
/// is a mistake.
pub const MAX_INPUT: usize = 256 * 1024 * 1024;

const ROOT_KEYS: &[&str] = &["project", "models", "generate"];
const GENERATE_KEYS: &[&str] = &["rust"];
const GENERATE_RUST_KEYS: &[&str] = &["dialect", "templates", "unmigrated"];
const PROJECT_KEYS: &[&str] = &["app", "dialects", "default_auto_field", "strict", "sources"];
const MODEL_KEYS: &[&str] = &["fields", "meta", "extends"];

/// Parses and lowers one models.toml file. Returns `None` when the file is not TOML or has
/// no models; otherwise the schema, possibly with errors reported into `diags`.
pub fn parse(sources: &SourceMap, file: FileId, diags: &mut Diagnostics) -> Option<Schema> {
    let text = sources.text(file);
    if text.len() > MAX_INPUT {
        diags.push(
            Diagnostic::error(format!(
                "the models file is {} bytes; the limit is {} bytes",
                text.len(),
                MAX_INPUT
            ))
            .at(crate::source::Span::new(file, 0..0))
            .label("file too large")
            .help("split the models, or check that this is the right file"),
        );
        return None;
    }
    if text.trim().is_empty() {
        diags.push(
            Diagnostic::error("the models file is empty")
                .at(crate::source::Span::new(file, 0..0))
                .label("no models")
                .help("declare a model, e.g.\n[models.Post.fields]\ntitle = { type = \"char\", max_length = 200 }"),
        );
        return None;
    }
    // Each section is parsed, lowered and dropped before the next (see `sections`).
    let mut acc = Accumulator::default();
    let mut syntax_errors = false;
    for section in sections::split(text) {
        let src = &text[section.range.clone()];
        let base = section.range.start;
        if !section.array {
            if let Some(header) = header_key(src) {
                let span =
                    crate::source::Span::new(file, base..base + src.find(']').map_or(0, |e| e + 1));
                if let Some(first) = acc.headers.get(&header) {
                    diags.push(
                        Diagnostic::error(format!("table [{header}] is declared twice"))
                            .at(span)
                            .label("declared again here")
                            .related(*first, "first declared here")
                            .help("merge the two tables into one"),
                    );
                } else {
                    acc.headers.insert(header, span);
                }
            }
        }
        let (doc, errors) = DeTable::parse_recoverable(src);
        if !errors.is_empty() {
            syntax_errors = true;
            for e in errors {
                let span = e.span().unwrap_or(0..0);
                diags.push(syntax_error(file, src, base, span, e.message()));
            }
            continue;
        }
        if syntax_errors {
            // Keep looking for syntax errors, but lower nothing more.
            continue;
        }
        let mut reader = Reader {
            file,
            src,
            base,
            diags,
        };
        reader.root(doc.get_ref(), &mut acc, section.array);
    }
    if syntax_errors {
        return None;
    }
    // Models may all come from the Rust `sources` of [project].
    if !acc.project.sources.is_empty() && acc.models.is_empty() {
        return Some(inherit::build(acc.project, acc.models, diags));
    }
    let Some(models_span) = acc.models_span else {
        diags.push(
            Diagnostic::error("the models file declares no models")
                .at(crate::source::Span::new(file, 0..0))
                .label("no [models] table")
                .help("declare a model, e.g.\n[models.Post.fields]\ntitle = { type = \"char\", max_length = 200 }"),
        );
        return None;
    };
    if acc.models.is_empty() {
        if !diags.has_errors() {
            diags.push(
                Diagnostic::error("the models file declares no models")
                    .at(models_span)
                    .label("empty")
                    .help("declare a model, e.g.\n[models.Post.fields]\ntitle = { type = \"char\", max_length = 200 }"),
            );
        }
        return None;
    }
    Some(inherit::build(acc.project, acc.models, diags))
}

/// What the sections have declared so far. Sections may declare parts of the same table
/// (`[models.A.fields]` and, later, `[models.A.meta]`); a key may be set only once.
#[derive(Default)]
struct Accumulator {
    project: Project,
    /// `[project]` keys set so far, with where.
    project_keys: Vec<(&'static str, crate::source::Span)>,
    /// Where `models` was first seen.
    models_span: Option<crate::source::Span>,
    models: Vec<inherit::RawModel>,
    index: std::collections::HashMap<String, usize>,
    /// Headers of the `[table]` sections seen, without whitespace.
    headers: std::collections::HashMap<String, crate::source::Span>,
}

/// The key of a `[table]` header at the start of `src`, whitespace outside quotes removed.
fn header_key(src: &str) -> Option<String> {
    let body = src.strip_prefix('[')?;
    let mut key = String::new();
    let mut quote: Option<char> = None;
    for c in body.chars() {
        match (quote, c) {
            (None, ']') => return Some(key),
            (None, '"' | '\'') => {
                quote = Some(c);
                key.push(c);
            }
            (Some(q), c) if c == q => {
                quote = None;
                key.push(c);
            }
            (None, c) if c.is_whitespace() => {}
            (_, '\n') => return None,
            (_, c) => key.push(c),
        }
    }
    None
}

fn syntax_error(
    file: FileId,
    src: &str,
    base: usize,
    span: std::ops::Range<usize>,
    raw: &str,
) -> Diagnostic {
    let mut message = raw.trim().replace('\n', "; ");
    let mut label = first_line(raw);
    let help = if message == "duplicate key" {
        let key = src.get(span.clone()).unwrap_or("").trim();
        message = format!("duplicate key `{key}`");
        label = "defined again here".into();
        "a key may appear only once in a table: remove or rename one of them"
    } else if message.starts_with("cannot recurse further") {
        message = "arrays and tables nest too deeply".into();
        label = "too deep".into();
        "nest arrays and inline tables less deeply"
    } else {
        syntax_help(&message)
    };
    Diagnostic::error(format!("invalid TOML: {message}"))
        .at(crate::source::Span::new(
            file,
            base + span.start..base + span.end,
        ))
        .label(label)
        .help(help)
}

/// How to fix the common TOML syntax errors (by the parser's message).
fn syntax_help(message: &str) -> &'static str {
    const HELPS: &[(&str, &str)] = &[
        ("unclosed table", "end the table header with `]`"),
        (
            "unclosed array table",
            "end the header of an array of tables with `]]`",
        ),
        (
            "unclosed inline table",
            "close the inline table with `}` on the same line",
        ),
        ("unclosed array", "close the array with `]`"),
        (
            "invalid basic string",
            "close the string with `\"` on the same line; text over several lines goes in `\"\"\"`",
        ),
        (
            "invalid multi-line basic string",
            "close the string with `\"\"\"`",
        ),
        (
            "missing escaped value",
            "write `\\\\` for a backslash, or use a literal string in single quotes, where `\\` is plain",
        ),
        (
            "missing comma between key-value pairs",
            "separate the options of an inline table with `,`",
        ),
        (
            "missing comma between array elements",
            "separate the elements of an array with `,`",
        ),
        (
            "extra assignment between key-value pairs",
            "write one `=` between a key and its value",
        ),
        (
            "missing assignment between key-value pairs",
            "write `=` between the key and its value",
        ),
        (
            "string values must be quoted",
            "put the value in double quotes: key = \"value\"",
        ),
        ("key with no value", "write a value after `=`"),
        ("missing value", "write a value after `=`"),
    ];
    HELPS
        .iter()
        .find(|(start, _)| message.starts_with(start))
        .map_or("see https://toml.io for the TOML syntax", |(_, help)| help)
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_string()
}

impl Reader<'_> {
    /// Lowers one section's document into the accumulator. `append`: the section is an
    /// array of tables (`[[...]]`), whose arrays add to those of earlier sections.
    fn root(&mut self, root: &DeTable<'_>, acc: &mut Accumulator, append: bool) {
        for (key, v) in root.iter() {
            match key.get_ref().as_ref() {
                "project" => self.project(v, acc),
                "generate" => self.generate(v, acc),
                "models" => {
                    if acc.models_span.is_none() {
                        acc.models_span = Some(self.kspan(key));
                    }
                    let Some(models) = self.table(v, &"`models`") else {
                        continue;
                    };
                    for (key, v) in models.iter() {
                        let name = Name::new(key.get_ref().as_ref(), self.kspan(key));
                        self.model(name, v, acc, append);
                    }
                }
                _ => self.unknown_key(key, "top-level table", ROOT_KEYS),
            }
        }
    }

    fn project(&mut self, v: &reader::Value<'_>, acc: &mut Accumulator) {
        let Some(table) = self.table(v, &"`[project]`") else {
            return;
        };
        let project = &mut acc.project;
        for (key, v) in table.iter() {
            let k: &str = key.get_ref().as_ref();
            if let Some(&(known, first)) = PROJECT_KEYS
                .iter()
                .find(|p| **p == k)
                .and_then(|p| acc.project_keys.iter().find(|(q, _)| q == p))
            {
                self.push(
                    Diagnostic::error(format!("`{known}` is set twice in [project]"))
                        .at(self.kspan(key))
                        .label("set again here")
                        .related(first, "first set here")
                        .help("keep one of them"),
                );
                continue;
            }
            if let Some(p) = PROJECT_KEYS.iter().find(|p| **p == k) {
                acc.project_keys.push((p, self.kspan(key)));
            }
            let what = format!("`{k}` in [project]");
            match k {
                "app" => {
                    if let Some(s) = self.string(v, &what) {
                        let inner = self.inner_span(v, s);
                        project.app = Some(Name::new(s, inner(0..s.len())));
                    }
                }
                "strict" => {
                    project.strict = self.boolean(v, &what, k).unwrap_or(false);
                    project.strict_span = Some(self.vspan(v));
                }
                "default_auto_field" => {
                    if let Some(s) = self.string(v, &what) {
                        let short = s.rsplit('.').next().unwrap_or(s);
                        match FieldType::parse(short) {
                            Some(t) if t.is_auto() => project.default_auto_field = t,
                            _ => self.push(
                                Diagnostic::error(format!("`{s}` is not an auto field type"))
                                    .at(self.vspan(v))
                                    .label("expected auto, big_auto or small_auto")
                                    .help("write default_auto_field = \"big_auto\" (or \"auto\", \"small_auto\")"),
                            ),
                        }
                    }
                }
                "dialects" => {
                    project.dialects_span = Some(self.vspan(v));
                    let Some(items) = self.array(v, &what) else {
                        continue;
                    };
                    let mut dialects = Vec::new();
                    for item in items.iter() {
                        let Some(s) = self.string(item, &"a dialect") else {
                            continue;
                        };
                        match DialectName::parse(s) {
                            Some(d) if dialects.contains(&d) => self.push(
                                Diagnostic::error(format!("dialect `{s}` is listed twice"))
                                    .at(self.vspan(item))
                                    .label("listed twice")
                                    .help("remove one"),
                            ),
                            Some(d) => dialects.push(d),
                            None => {
                                let names = ["postgres", "mysql", "sqlite"];
                                let mut d = Diagnostic::error(format!("unknown dialect `{s}`"))
                                    .at(self.vspan(item))
                                    .label("unknown dialect");
                                d = match reader::did_you_mean(s, names) {
                                    Some(best) => d.help(format!("did you mean `{best}`?")),
                                    None => d.help("the dialects are postgres, mysql and sqlite"),
                                };
                                self.push(d);
                            }
                        }
                    }
                    if items.is_empty() {
                        self.push(
                            Diagnostic::error("`dialects` is empty")
                                .at(self.vspan(v))
                                .label("no dialects")
                                .help("list at least one of \"postgres\", \"mysql\", \"sqlite\", or remove the key for all three"),
                        );
                    }
                    if !dialects.is_empty() {
                        dialects.sort();
                        project.dialects = dialects;
                    }
                }
                "sources" => {
                    for item in self.array(v, &what).map_or(&[][..], |a| &a[..]) {
                        let Some(s) = self.string(item, &"a source file") else {
                            continue;
                        };
                        if s.trim().is_empty() {
                            self.push(
                                Diagnostic::error("a source file is empty")
                                    .at(self.vspan(item))
                                    .label("no path")
                                    .help("name a Rust file relative to models.toml, e.g. \"src/models.rs\""),
                            );
                            continue;
                        }
                        let inner = self.inner_span(item, s);
                        project.sources.push(Name::new(s, inner(0..s.len())));
                    }
                }
                _ => self.unknown_key(key, "project option", PROJECT_KEYS),
            }
        }
    }

    /// `[generate.rust]`: the settings of the generated Rust.
    fn generate(&mut self, v: &reader::Value<'_>, acc: &mut Accumulator) {
        let Some(table) = self.table(v, &"`[generate]`") else {
            return;
        };
        for (key, v) in table.iter() {
            if key.get_ref().as_ref() != "rust" {
                self.unknown_key(key, "code generator", GENERATE_KEYS);
                continue;
            }
            let Some(rust) = self.table(v, &"`[generate.rust]`") else {
                continue;
            };
            let settings = acc
                .project
                .generate_rust
                .get_or_insert_with(Default::default);
            settings.span = Some(self.kspan(key));
            for (key, v) in rust.iter() {
                let k: &str = key.get_ref().as_ref();
                let what = format!("`{k}` in [generate.rust]");
                match k {
                    "dialect" => {
                        if let Some(s) = self.string(v, &what) {
                            match DialectName::parse(s) {
                                Some(d) => settings.dialect = Some((d, self.vspan(v))),
                                None => {
                                    let names = ["postgres", "mysql", "sqlite"];
                                    let mut d = Diagnostic::error(format!("unknown dialect `{s}`"))
                                        .at(self.vspan(v))
                                        .label("unknown dialect");
                                    d = match reader::did_you_mean(s, names) {
                                        Some(best) => d.help(format!("did you mean `{best}`?")),
                                        None => {
                                            d.help("the dialects are postgres, mysql and sqlite")
                                        }
                                    };
                                    self.push(d);
                                }
                            }
                        }
                    }
                    "templates" => {
                        if let Some(s) = self.string(v, &what) {
                            if s.trim().is_empty() {
                                self.push(
                                    Diagnostic::error("`templates` is empty")
                                        .at(self.vspan(v))
                                        .label("no folder")
                                        .help("name a folder of templates, relative to models.toml, or remove the key"),
                                );
                            } else {
                                settings.templates = Some((s.to_string(), self.vspan(v)));
                            }
                        }
                    }
                    "unmigrated" => {
                        if let Some(s) = self.string(v, &what) {
                            match Unmigrated::parse(s) {
                                Some(u) => settings.unmigrated = u,
                                None => {
                                    let names = ["error", "warn", "ignore"];
                                    let mut d = Diagnostic::error(format!(
                                        "`unmigrated = \"{s}\"` is not a setting"
                                    ))
                                    .at(self.vspan(v))
                                    .label("unknown setting");
                                    d = match reader::did_you_mean(s, names) {
                                        Some(best) => d.help(format!("did you mean `{best}`?")),
                                        None => d.help(
                                            "write \"error\" (the default), \"warn\" or \"ignore\"",
                                        ),
                                    };
                                    self.push(d);
                                }
                            }
                        }
                    }
                    _ => self.unknown_key(key, "[generate.rust] option", GENERATE_RUST_KEYS),
                }
            }
        }
    }

    fn model(&mut self, name: Name, v: &reader::Value<'_>, acc: &mut Accumulator, append: bool) {
        let DeValue::Table(table) = v.get_ref() else {
            self.mismatch(
                v,
                "a table",
                &format_args!("model `{}`", name.text),
                Some(format!(
                    "declare fields under [models.{}.fields]",
                    name.text
                )),
            );
            return;
        };
        let i = match acc.index.get(name.text.as_str()) {
            Some(&i) => i,
            None => {
                acc.index.insert(name.text.to_string(), acc.models.len());
                acc.models.push(inherit::RawModel {
                    name,
                    extends: None,
                    fields: Vec::new(),
                    meta: meta::RawMeta::default(),
                    fields_span: None,
                });
                acc.models.len() - 1
            }
        };
        let raw = &mut acc.models[i];
        let model = raw.name.text.clone();
        for (key, v) in table.iter() {
            let k: &str = key.get_ref().as_ref();
            match k {
                "fields" => {
                    raw.fields_span = Some(self.kspan(key));
                    let Some(fields) = self.table(v, &format_args!("the fields of `{model}`"))
                    else {
                        continue;
                    };
                    for (fkey, fv) in fields.iter() {
                        let fname = Name::new(fkey.get_ref().as_ref(), self.kspan(fkey));
                        if let Some(first) = raw.fields.iter().find(|f| f.name.text == fname.text) {
                            self.push(
                                Diagnostic::error(format!(
                                    "field `{}` of `{model}` is declared twice",
                                    fname.text
                                ))
                                .at(fname.span)
                                .label("declared again here")
                                .related(first.name.span, "first declared here")
                                .help("remove or rename one of them"),
                            );
                            continue;
                        }
                        let field = self.field(&model, fname, fv);
                        raw.fields.push(field);
                    }
                }
                "meta" => {
                    if let Some(t) = self.table(v, &format_args!("the meta of `{model}`")) {
                        self.meta(&model, t, &mut raw.meta, append);
                    }
                }
                "extends" => {
                    if let Some(first) = &raw.extends {
                        self.push(
                            Diagnostic::error(format!("`extends` of `{model}` is set twice"))
                                .at(self.kspan(key))
                                .label("set again here")
                                .related(first.span, "first set here")
                                .help("a model extends one base; keep one"),
                        );
                        continue;
                    }
                    if let Some(s) = self.string(v, &format_args!("`extends` of `{model}`")) {
                        let inner = self.inner_span(v, s);
                        raw.extends = Some(Name::new(s, inner(0..s.len())));
                    }
                }
                _ => {
                    let mut d = Diagnostic::error(format!("unknown key `{k}` in model `{model}`"))
                        .at(self.kspan(key))
                        .label("unknown key");
                    d = if FieldType::parse(k).is_none()
                        && matches!(v.get_ref(), DeValue::Table(t) if t.contains_key("type"))
                    {
                        d.help(format!(
                            "fields go under [models.{model}.fields]: move `{k}` there"
                        ))
                    } else if meta::META_KEYS.contains(&k) {
                        d.help(format!(
                            "`{k}` is a meta option: write it under [models.{model}.meta]"
                        ))
                    } else {
                        match reader::did_you_mean(k, MODEL_KEYS.iter().copied()) {
                            Some(best) => d.help(format!("did you mean `{best}`?")),
                            None => d.help("a model has `fields`, `meta` and `extends`"),
                        }
                    };
                    self.push(d);
                }
            }
        }
    }
}
