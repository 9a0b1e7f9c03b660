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

/// Parses and validates models.toml text. `path` is only used in diagnostics.
pub fn compile_str(path: &str, text: impl Into<String>) -> Compilation {
    let mut sources = SourceMap::new();
    let file = sources.add(path, text);
    let mut diagnostics = Diagnostics::new();
    let mut schema = frontend::toml::parse(&sources, file, &mut diagnostics);
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

/// Reads and compiles a models.toml file.
pub fn compile_file(path: &Path) -> Compilation {
    let shown = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => compile_str(&shown, text),
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
