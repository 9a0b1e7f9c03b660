//! The library side of `#[derive(Model)]` and `#[derive(Choices)]`. The macro crate
//! (`modelc-macros`) parses the item and calls [`expand`]; the rest is here, on the Rust
//! frontend the CLI reads the same structs with and on the code generator `build.rs` uses,
//! so a derived model expands to what `modelc generate rust` writes for it.
//!
//! An expansion needs the other models (a foreign key's target, a field's choices enum).
//! The project is the crate's `models.toml` (in `CARGO_MANIFEST_DIR`) when it has one: its
//! `[project] sources` name the files of the structs, and `[generate.rust] dialect` the
//! database. Without one, the project is the file the item is in, alone, for SQLite. It is
//! compiled once for all the items of a crate (the macro's process lives as long as the
//! crate's compilation), and again when one of its files changes.
//!
//! Errors: the item's own mistakes are found on its tokens alone
//! ([`frontend::rust::derive_model`]), each at the tokens it is about. Those only the whole
//! project shows (a foreign key to a struct that is not a model, a clash of reverse names)
//! are reported by the derive of the item they are in, at their token when the compiler
//! says where tokens are, else at the item's name; those in no item (models.toml) by the
//! project's first item. Everything is reported at once; an item with errors expands to
//! nothing but them, and items whose project has errors elsewhere to nothing at all.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::codegen::rust::context::FieldNames;
use crate::codegen::rust::{Derived, derive as generate};
use crate::diagnostics::Diagnostic;
use crate::ir::DialectName;
use crate::{Compilation, compile_file, compile_str, frontend};

/// Where the item being expanded comes from.
#[derive(Clone, Debug, Default)]
pub struct Site {
    /// The file the item is in (`proc_macro::Span::local_file`), when the compiler says.
    pub file: Option<PathBuf>,
    /// The crate's folder (`CARGO_MANIFEST_DIR`).
    pub manifest_dir: Option<PathBuf>,
}

/// A problem of the project, for the macro to place: at the token that starts at `line`
/// and `column` (1-based) of `file`, when the item has one there, else at the item's name.
#[derive(Clone, Debug)]
pub struct Placed {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// What a derive expands to.
#[derive(Debug, Default)]
pub struct Expansion {
    /// The Rust to emit: with errors, a fallback that declares what the expansion would
    /// (the `New` struct, the repository's methods, the enum's), with bodies that are never
    /// run, so that code using them reports no errors of its own.
    pub code: String,
    /// The item's own mistakes, at their tokens.
    pub errors: Vec<syn::Error>,
    /// The project's problems in the item (or in no item, for its first one).
    pub placed: Vec<Placed>,
    /// The project's problems with no place in a file the compiler knows, at the item's name.
    pub unplaced: Vec<String>,
}

/// A project, compiled, with what tells whether it is out of date.
struct Loaded {
    compilation: Compilation,
    dialect: DialectName,
    /// Every file read, and its modification time then.
    files: Vec<(PathBuf, Option<SystemTime>)>,
    /// The first derived item of the project's Rust files: it reports the problems in no
    /// item.
    first_item: Option<String>,
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

impl Loaded {
    fn fresh(&self) -> bool {
        self.files.iter().all(|(p, t)| modified(p) == *t)
    }
}

/// Projects compiled in this process, by models file (or source file).
static PROJECTS: Mutex<Option<HashMap<PathBuf, Loaded>>> = Mutex::new(None);

/// Runs `f` on the project of `site`, compiled (or as compiled before, if no file changed).
fn with_project<T>(site: &Site, f: impl FnOnce(&Loaded) -> T) -> T {
    let models = site
        .manifest_dir
        .as_ref()
        .map(|d| d.join("models.toml"))
        .filter(|p| p.is_file());
    let key = models
        .clone()
        .or_else(|| site.file.clone())
        .unwrap_or_default();
    let mut cache = PROJECTS.lock().unwrap_or_else(|e| e.into_inner());
    let cache = cache.get_or_insert_with(HashMap::new);
    if !cache.get(&key).is_some_and(Loaded::fresh) {
        cache.insert(key.clone(), load(models.as_deref(), site.file.as_deref()));
    }
    match cache.get(&key) {
        Some(loaded) => f(loaded),
        None => f(&load(models.as_deref(), site.file.as_deref())),
    }
}

fn load(models: Option<&Path>, file: Option<&Path>) -> Loaded {
    // Inside the macro, proc-macro2 would give the tokens of a file read here the compiler's
    // spans, all at the derive's call site; its own implementation gives each its line and
    // column in the file.
    proc_macro2::fallback::force();
    let compilation = match (models, file) {
        (Some(models), _) => compile_file(models),
        (None, Some(file)) => {
            // The file alone, as if a models.toml beside it named it.
            let path = file.display().to_string();
            let text = format!(
                "[project]\nsources = [\"{}\"]\n",
                path.replace('\\', "\\\\").replace('"', "\\\"")
            );
            compile_str("models.toml (implied by #[derive(Model)])", text)
        }
        (None, None) => compile_str("models.toml (implied by #[derive(Model)])", ""),
    };
    let first_item = first_derived(&compilation);
    proc_macro2::fallback::unforce();
    let mut files: Vec<(PathBuf, Option<SystemTime>)> = Vec::new();
    for id in compilation.sources.ids() {
        let path = PathBuf::from(&compilation.sources.file(id).path);
        if path.is_file() {
            files.push((path.clone(), modified(&path)));
        }
    }
    if let Some(models) = models {
        files.push((models.to_path_buf(), modified(models)));
    }
    let dialect = compilation
        .schema
        .as_ref()
        .and_then(|s| s.project.generate_rust.as_ref())
        .and_then(|g| g.dialect.as_ref().map(|d| d.0))
        .unwrap_or(DialectName::Sqlite);
    Loaded {
        compilation,
        dialect,
        files,
        first_item,
    }
}

/// The name of the first item marked `#[derive(Model)]` or `#[derive(Choices)]` in the
/// project's Rust files, in the order read: the item that reports the problems that are in
/// no item. Read from the files, as the project may not compile.
fn first_derived(c: &Compilation) -> Option<String> {
    let derives = |attrs: &[syn::Attribute]| {
        attrs
            .iter()
            .filter(|a| a.path().is_ident("derive"))
            .any(|a| {
                a.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                )
                .is_ok_and(|paths| {
                    paths.iter().any(|p| {
                        p.segments
                            .last()
                            .is_some_and(|s| s.ident == "Model" || s.ident == "Choices")
                    })
                })
            })
    };
    c.sources
        .ids()
        .map(|id| c.sources.file(id))
        .filter(|f| f.path.ends_with(".rs"))
        .filter_map(|f| syn::parse_file(&f.text).ok())
        .flat_map(|file| file.items)
        .find_map(|item| match item {
            syn::Item::Struct(s) if derives(&s.attrs) => Some(s.ident.to_string()),
            syn::Item::Enum(e) if derives(&e.attrs) => Some(e.ident.to_string()),
            _ => None,
        })
}

/// Forgets the projects compiled so far, as a new compilation of a crate starts without
/// them (for the benchmarks of a first expansion).
#[doc(hidden)]
pub fn forget_projects() {
    if let Ok(mut cache) = PROJECTS.lock() {
        *cache = None;
    }
}

/// The expansion of the derive on `item` (a struct for `Model`, an enum for `Choices`).
pub fn expand(item: &syn::Item, site: &Site) -> Expansion {
    with_project(site, |loaded| expand_in(item, site, loaded))
}

fn expand_in(item: &syn::Item, site: &Site, loaded: &Loaded) -> Expansion {
    let project = loaded
        .compilation
        .schema
        .as_ref()
        .map(|s| s.project.clone())
        .unwrap_or_default();
    let (name, derived) = match item {
        syn::Item::Struct(s) => (s.ident.to_string(), true),
        syn::Item::Enum(e) => (e.ident.to_string(), false),
        _ => {
            return Expansion {
                errors: vec![syn::Error::new(
                    proc_macro2::Span::call_site(),
                    "#[derive(Model)] is for a struct with named fields, #[derive(Choices)] for an enum",
                )],
                ..Expansion::default()
            };
        }
    };
    // When the project does not compile, the item's own mistakes, on its tokens. (When it
    // does, the item has none: the project's compilation read it, with the other models it
    // names, which the item alone cannot see.)
    if loaded.compilation.schema.is_none() {
        let own = match item {
            syn::Item::Struct(s) => frontend::rust::derive_model(s, &project).err(),
            syn::Item::Enum(e) => frontend::rust::derive_choices(e).err(),
            _ => None,
        };
        if let Some(problems) = own.filter(|p| !p.is_empty()) {
            return Expansion {
                code: fallback(item),
                errors: problems.iter().map(|p| p.to_syn_error()).collect(),
                ..Expansion::default()
            };
        }
    }
    let c = &loaded.compilation;
    let Some(schema) = &c.schema else {
        return Expansion {
            code: fallback(item),
            ..project_errors(loaded, &name, site)
        };
    };
    let (derives, types) = match item {
        syn::Item::Struct(s) => (other_derives(&s.attrs), field_types(s)),
        _ => (String::new(), Vec::new()),
    };
    // The rows are read into the user's struct: it must hold every column, the implicit
    // primary key too.
    if let (syn::Item::Struct(s), Some(m)) = (
        item,
        schema
            .models
            .iter()
            .find(|m| m.name.text == name.as_str() && m.has_table()),
    ) {
        let missing: Vec<syn::Error> = m
            .fields
            .iter()
            .filter(|f| f.has_column())
            .map(|f| (f, FieldNames::Field.of(f)))
            .filter(|(_, n)| !types.iter().any(|(t, _)| t == n))
            .map(|(f, n)| {
                syn::Error::new(
                    s.ident.span(),
                    format!(
                        "`{name}` has no field `{n}`, but its rows have the column `{}`{}\n\n= help: add the field, `#[model(primary_key, auto)] pub {n}: i64` for an implicit key (a struct holds every column the repository reads)",
                        f.column,
                        if f.primary_key { " (its primary key)" } else { "" },
                    ),
                )
            })
            .collect();
        if !missing.is_empty() {
            return Expansion {
                code: fallback(item),
                errors: missing,
                ..Expansion::default()
            };
        }
    }
    // A struct the project did not read (its file is not in `[project] sources`).
    if let syn::Item::Struct(st) = item {
        let known = schema
            .models
            .iter()
            .chain(&schema.abstracts)
            .any(|m| m.name.text == name.as_str());
        if !known {
            return Expansion {
                code: fallback(item),
                errors: vec![syn::Error::new(
                    st.ident.span(),
                    format!(
                        "`{name}` is not among the project's models: its file is not one of the `[project] sources` of models.toml\n\n= help: add the file of `{name}` to `sources` in the crate's models.toml"
                    ),
                )],
                ..Expansion::default()
            };
        }
    }
    let what = if derived {
        Derived::Model {
            name: &name,
            derives: &derives,
            types: &types,
        }
    } else {
        Derived::Choices(&name)
    };
    match generate(schema, loaded.dialect, what) {
        Ok(code) => Expansion {
            code: code.unwrap_or_default(),
            ..Expansion::default()
        },
        Err(diags) => Expansion {
            code: fallback(item),
            unplaced: diags.iter().map(render).collect(),
            ..Expansion::default()
        },
    }
}

/// The project's errors this item reports: those inside it (by the lines of its file the
/// compiler gave), and for its first item those in no item.
fn project_errors(loaded: &Loaded, name: &str, site: &Site) -> Expansion {
    let c = &loaded.compilation;
    let mut out = Expansion::default();
    let first = loaded.first_item.as_deref().is_none_or(|f| f == name);
    for d in c.diagnostics.iter().filter(|d| d.is_error()) {
        let Some(span) = d.span else {
            if first {
                out.unplaced.push(render(d));
            }
            continue;
        };
        let file = PathBuf::from(&c.sources.file(span.file).path);
        let (line, col) = c.sources.file(span.file).line_col(span.start);
        let in_this_file = site.file.as_ref().is_some_and(|f| same_file(f, &file));
        if in_this_file {
            out.placed.push(Placed {
                file,
                line,
                column: col,
                message: render(d),
            });
        } else if first {
            out.unplaced
                .push(format!("{}:{line}:{col}: {}", file.display(), render(d)));
        }
    }
    out
}

/// What an item with errors (its own, or its project's) expands to besides them: the names
/// the expansion would declare, so that one mistake is reported once and not again at every
/// use of `NewProduct` or `Product::insert`. Nothing of it runs: the crate does not compile.
fn fallback(item: &syn::Item) -> String {
    let tokens = |t: &dyn quote::ToTokens| t.to_token_stream().to_string();
    let never = "panic!(\"the #[derive] reported errors\")";
    match item {
        syn::Item::Struct(s) => {
            let name = s.ident.to_string();
            let mut new_fields = String::new();
            let mut filters = String::new();
            for f in &s.fields {
                let Some(ident) = &f.ident else { continue };
                let attrs: String = f.attrs.iter().map(|a| tokens(a)).collect();
                let filled = ["auto_now", "auto_now_add", "auto", "many_to_many"]
                    .iter()
                    .any(|o| {
                        attrs
                            .split(|c: char| !c.is_alphanumeric() && c != '_')
                            .any(|w| w == *o)
                    });
                if !filled && ident != "id" {
                    new_fields.push_str(&format!("pub {ident}: {},", tokens(&f.ty)));
                }
                if attrs.contains("foreign_key") || attrs.contains("one_to_one") {
                    filters.push_str(&format!(
                        "pub async fn filter_by_{ident}<E, V>(_: E, _: V) -> Result<Vec<Self>, sqlx::Error> {{ {never} }}"
                    ));
                }
            }
            format!(
                "pub struct New{name} {{ {new_fields} }}
                #[allow(dead_code, unused, clippy::all)]
                const _: () = {{
                    impl {name} {{
                        pub const TABLE: &'static str = \"\";
                        pub const COLUMNS: &'static str = \"\";
                        pub const INSERT_CHUNK: usize = 1;
                        pub async fn insert<C, N>(_: C, _: N) -> Result<Self, sqlx::Error> {{ {never} }}
                        pub async fn insert_many<C, R>(_: C, _: R) -> Result<u64, sqlx::Error> {{ {never} }}
                        pub async fn get<E, K>(_: E, _: K) -> Result<Option<Self>, sqlx::Error> {{ {never} }}
                        pub async fn list<E>(_: E, _: i64, _: i64) -> Result<Vec<Self>, sqlx::Error> {{ {never} }}
                        pub async fn count<E>(_: E) -> Result<i64, sqlx::Error> {{ {never} }}
                        pub async fn update<E>(&mut self, _: E) -> Result<(), sqlx::Error> {{ {never} }}
                        pub async fn delete<E>(&self, _: E) -> Result<bool, sqlx::Error> {{ {never} }}
                        {filters}
                    }}
                }};"
            )
        }
        syn::Item::Enum(e) => {
            let name = e.ident.to_string();
            let variants: Vec<String> = e
                .variants
                .iter()
                .map(|v| format!("Self::{}", v.ident))
                .collect();
            format!(
                "#[allow(dead_code, unused, clippy::all)]
                const _: () = {{
                    impl {name} {{
                        pub const ALL: [Self; {n}] = [{all}];
                        pub const fn code(self) -> &'static str {{ {never} }}
                        pub const fn as_str(self) -> &'static str {{ {never} }}
                        pub const fn label(self) -> &'static str {{ {never} }}
                        pub fn from_code<C>(_: C) -> Option<Self> {{ {never} }}
                    }}
                }};",
                n = variants.len(),
                all = variants.join(", ")
            )
        }
        _ => String::new(),
    }
}

/// The derives of a struct besides `Model`, as written: `Debug, Clone, serde::Serialize`.
fn other_derives(attrs: &[syn::Attribute]) -> String {
    let mut out = Vec::new();
    for a in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let paths = a.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        );
        for p in paths.into_iter().flatten() {
            if p.segments.last().is_none_or(|s| s.ident != "Model") {
                out.push(quote::ToTokens::to_token_stream(&p).to_string());
            }
        }
    }
    out.join(", ")
}

/// Each named field of `s` and its Rust type, as written.
fn field_types(s: &syn::ItemStruct) -> Vec<(String, String)> {
    s.fields
        .iter()
        .filter_map(|f| {
            let name = f.ident.as_ref()?.to_string();
            Some((name, quote::ToTokens::to_token_stream(&f.ty).to_string()))
        })
        .collect()
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

/// A diagnostic as one error message: the message, its label and its help.
fn render(d: &Diagnostic) -> String {
    let mut text = d.message.clone();
    if let Some(label) = &d.label {
        text.push_str(&format!(" ({label})"));
    }
    if let Some(help) = &d.help {
        text.push_str(&format!("\n\n= help: {help}"));
    }
    text
}
