//! modelc: a models compiler.
//!
//! One declarative file, `models.toml`, describes models the way Django does. modelc reads it
//! into one IR, validates it with the checks a Django user knows from `manage.py check`, and
//! compiles it to SQL DDL for PostgreSQL, MySQL/MariaDB and SQLite.
//!
//! ```text
//! models.toml ─► frontend ─► ir::Schema ─► validate ─► ddl::{postgres, mysql, sqlite}
//! ```
//!
//! The stages never panic on user input: each reports every problem it finds as a
//! [`Diagnostic`](diagnostics::Diagnostic) with file, line and column, and a schema with
//! errors never reaches a backend.

pub mod apply;
pub mod cli;
pub mod codegen;
pub mod ddl;
pub mod derive;
pub mod diagnostics;
pub mod frontend;
pub mod ir;
pub mod migrate;
pub mod naming;
pub mod output;
pub mod source;
pub mod validate;

use std::path::Path;

pub use codegen::build::Build;

/// Generates the Rust of the crate's `models.toml` into `$OUT_DIR/models.rs`, from a build
/// script; the build fails with the message when the models have errors or changes no
/// migration holds (see [`Build`] for the settings).
///
/// ```text
/// // build.rs
/// fn main() {
///     modelc::build();
/// }
/// // src/lib.rs
/// include!(concat!(env!("OUT_DIR"), "/models.rs"));
/// ```
pub fn build() {
    Build::new().run();
}

use diagnostics::{Diagnostic, Diagnostics};
use ir::{DialectName, Schema};
use source::SourceMap;

/// The result of reading and validating models: the sources (for rendering diagnostics),
/// the schema if it has no errors, and every diagnostic found.
#[derive(Debug)]
pub struct Compilation {
    pub sources: SourceMap,
    pub schema: Option<Schema>,
    pub diagnostics: Diagnostics,
}

impl Compilation {
    /// Whether the models compiled without errors (warnings allowed).
    pub fn is_ok(&self) -> bool {
        self.schema.is_some()
    }

    /// Every diagnostic, rendered rustc-style, with a summary line.
    pub fn render_diagnostics(&self, color: bool) -> String {
        self.diagnostics.render(&self.sources, color)
    }

    /// DDL for `dialect`, if the models compiled.
    pub fn sql(&self, dialect: DialectName) -> Option<String> {
        self.schema.as_ref().map(|s| ddl::schema_sql(s, dialect))
    }
}

/// Parses and validates models.toml text. `path` is used in diagnostics, and is where the
/// Rust `sources` of `[project]` are found relative to.
pub fn compile_str(path: &str, text: impl Into<String>) -> Compilation {
    let mut sources = SourceMap::new();
    let file = sources.add(path, text);
    compile_source(sources, file, Path::new(path).parent())
}

/// Lowers, merges and validates the models file `file` of `sources` and the Rust files it
/// names (relative to `dir`).
fn compile_source(mut sources: SourceMap, file: source::FileId, dir: Option<&Path>) -> Compilation {
    let mut diagnostics = Diagnostics::new();
    let mut schema = frontend::toml::parse(&sources, file, &mut diagnostics);
    if let Some(s) = schema.as_mut() {
        if !s.project.sources.is_empty() {
            add_rust_sources(s, &mut sources, dir, &mut diagnostics);
        }
    }
    if let Some(s) = schema.as_mut() {
        validate::validate(s, &mut diagnostics);
    }
    diagnostics.sort();
    let schema = if diagnostics.has_errors() {
        None
    } else {
        schema
    };
    Compilation {
        sources,
        schema,
        diagnostics,
    }
}

/// Reads the `[project] sources` and adds their `#[derive(Model)]` models to `schema`.
fn add_rust_sources(
    schema: &mut Schema,
    sources: &mut SourceMap,
    dir: Option<&Path>,
    diagnostics: &mut Diagnostics,
) {
    let mut files = Vec::new();
    for name in &schema.project.sources {
        let path = dir.unwrap_or(Path::new("")).join(name.text.as_str());
        let shown = path.display().to_string();
        let problem = match std::fs::read(&path) {
            Ok(bytes) if bytes.len() > frontend::toml::MAX_INPUT => Some(format!(
                "`{shown}` is {} bytes; the limit is {}",
                bytes.len(),
                frontend::toml::MAX_INPUT
            )),
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => {
                    files.push(sources.add(shown.clone(), text));
                    None
                }
                Err(_) => Some(format!("`{shown}` is not valid UTF-8")),
            },
            Err(e) => Some(format!("cannot read `{shown}`: {e}")),
        };
        if let Some(message) = problem {
            diagnostics.push(
                Diagnostic::error(message)
                    .at(name.span)
                    .label("this source")
                    .help("name a Rust file, relative to the models file, saved as UTF-8"),
            );
        }
    }
    if diagnostics.has_errors() {
        return;
    }
    let rust = frontend::rust::parse(&schema.project, sources, &files, diagnostics);
    let toml = std::mem::take(schema);
    *schema = frontend::rust::merge(toml, rust, diagnostics);
    if schema.models.is_empty() && schema.abstracts.is_empty() && !diagnostics.has_errors() {
        let first = schema.project.sources.first().map(|n| n.span);
        let mut d = Diagnostic::error("the models file and its sources declare no models")
            .label("no #[derive(Model)] here")
            .help("derive Model on a struct in a source file:\n#[derive(Model)]\nstruct Post {\n    #[model(max_length = 200)]\n    title: String,\n}");
        if let Some(span) = first {
            d = d.at(span);
        }
        diagnostics.push(d);
    }
}

/// Reads and compiles a models.toml file.
pub fn compile_file(path: &Path) -> Compilation {
    let shown = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => {
                let mut sources = SourceMap::new();
                let file = sources.add(shown.clone(), text);
                compile_source(sources, file, path.parent())
            }
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let mut sources = SourceMap::new();
                let file = sources.add(shown.clone(), text);
                let mut diagnostics = Diagnostics::new();
                diagnostics.push(
                    Diagnostic::error(format!("`{shown}` is not valid UTF-8"))
                        .at(source::Span::new(
                            file,
                            valid..valid + char::REPLACEMENT_CHARACTER.len_utf8(),
                        ))
                        .label("invalid UTF-8 here")
                        .help("save the file as UTF-8"),
                );
                Compilation {
                    sources,
                    schema: None,
                    diagnostics,
                }
            }
        },
        Err(e) => {
            let mut diagnostics = Diagnostics::new();
            let help = if e.kind() == std::io::ErrorKind::NotFound {
                "run modelc in the directory of your models.toml, or pass --models PATH"
            } else {
                "check the path and its permissions"
            };
            diagnostics.push(Diagnostic::error(format!("cannot read `{shown}`: {e}")).help(help));
            Compilation {
                sources: SourceMap::new(),
                schema: None,
                diagnostics,
            }
        }
    }
}
