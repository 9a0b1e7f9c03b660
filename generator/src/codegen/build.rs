//! Generating the Rust of a models file, as `build.rs` and `modelc generate rust` do: read and
//! validate the models, look for changes no migration holds, render, and write the file all
//! or nothing.
//!
//! ```text
//! // build.rs
//! fn main() {
//!     modelc::build();
//! }
//! ```
//!
//! and in the crate: `include!(concat!(env!("OUT_DIR"), "/models.rs"));`

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{DialectName, GenerateRust, Unmigrated};
use crate::migrate::history;
use crate::migrate::make::{self, Loaded, Made, MakeOptions};
use crate::source::SourceMap;

use super::rust::{self, Options, TEMPLATES};

/// What a generation produced: the code, and the warnings to show.
#[derive(Debug)]
pub struct Generated {
    pub code: String,
    pub dialect: DialectName,
    /// Warnings to show, without a `warning: ` prefix: changes no migration holds, under
    /// `unmigrated = "warn"`. (The models' own warnings are `modelc check`'s.)
    pub warnings: Vec<String>,
    /// The templates folder, when the models name one.
    pub templates: Option<PathBuf>,
    /// The migrations folder the models were checked against, when it exists (not under
    /// `unmigrated = "ignore"`). (Not when it does not: cargo would take a missing path for
    /// a change, and run the build script on every build.)
    pub migrations: Option<PathBuf>,
}

/// How to generate.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub models: PathBuf,
    /// Overrides `[generate.rust] dialect`.
    pub dialect: Option<DialectName>,
    /// Overrides `[generate.rust] unmigrated`.
    pub unmigrated: Option<Unmigrated>,
    /// Changes no migration holds never fail: `error` is taken as `warn` (`ignore` stays).
    /// The CLI's `--allow-unmigrated`.
    pub allow_unmigrated: bool,
    /// The migrations folder (default: `migrations` beside the models file).
    pub migrations: Option<PathBuf>,
    pub color: bool,
}

/// The diagnostics of a generation that failed after the models compiled, with the line
/// that says so.
fn failure(diagnostics: &mut Diagnostics, sources: &SourceMap, color: bool) -> String {
    diagnostics.sort();
    make::render(
        diagnostics,
        sources,
        color,
        "generate the Rust",
        "nothing was written",
    )
}

/// Checks `[generate.rust] templates`: a folder, whose `.jinja` files are each named after a
/// built-in template (a file named otherwise would override nothing, silently).
fn check_templates(dir: &Path, settings: &GenerateRust, diagnostics: &mut Diagnostics) {
    let Some((_, span)) = &settings.templates else {
        return;
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            let (message, label) = if dir.exists() && !dir.is_dir() {
                (
                    format!("the templates folder `{}` is not a folder", dir.display()),
                    "not a folder",
                )
            } else if e.kind() == std::io::ErrorKind::NotFound {
                (
                    format!("the templates folder `{}` does not exist", dir.display()),
                    "no such folder",
                )
            } else {
                (
                    format!("cannot read the templates folder `{}`: {e}", dir.display()),
                    "cannot be read",
                )
            };
            diagnostics.push(
                Diagnostic::error(message)
                    .at(*span)
                    .label(label)
                    .help("create it, or correct the path (relative to the models file)"),
            );
            return;
        }
    };
    let names = TEMPLATES.map(|(name, _)| name);
    let mut strays: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".jinja") && !names.contains(&n.as_str()))
        .collect();
    strays.sort();
    for stray in strays {
        let mut d = Diagnostic::error(format!(
            "the template `{}` overrides no built-in template",
            dir.join(&stray).display()
        ))
        .at(*span)
        .label("in this folder");
        d = match crate::frontend::toml::did_you_mean(&stray, names) {
            Some(best) => d.help(format!("did you mean `{best}`? rename the file")),
            None => d.help(format!(
                "a template overrides the built-in one of its name: {}",
                names.join(", ")
            )),
        };
        diagnostics.push(d);
    }
}

/// Reads the models of `req`, checks them and their migrations, and generates the code; the
/// error is the rendered diagnostics.
pub fn generate(req: &Request) -> Result<Generated, String> {
    let base = req
        .models
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let migrations = req
        .migrations
        .clone()
        .unwrap_or_else(|| base.join("migrations"));
    let compiled = crate::compile_file(&req.models);
    let mut sources = compiled.sources;
    let Some(schema) = compiled.schema else {
        return Err(compiled.diagnostics.render(&sources, req.color));
    };
    // The models' warnings are `modelc check`'s; from here on, only what stops generation.
    let mut diagnostics = Diagnostics::new();
    let settings = schema
        .project
        .generate_rust
        .as_deref()
        .cloned()
        .unwrap_or_default();
    let dialect = req
        .dialect
        .or(settings.dialect.map(|(d, _)| d))
        .unwrap_or(DialectName::Sqlite);
    if !schema.project.dialects.contains(&dialect) {
        let mut d = Diagnostic::error(format!(
            "the generated code is for {dialect}, which is not among [project] dialects"
        ))
        .help(format!(
            "add \"{dialect}\" to [project] dialects, so the models are checked for what it can express"
        ));
        if let (None, Some((_, span))) = (req.dialect, settings.dialect) {
            d = d.at(span).label("this dialect");
        }
        diagnostics.push(d);
    }
    let templates = settings.templates.as_ref().map(|(t, _)| base.join(t));
    if let Some(dir) = &templates {
        check_templates(dir, &settings, &mut diagnostics);
    }
    if diagnostics.has_errors() {
        return Err(failure(&mut diagnostics, &sources, req.color));
    }

    let mut warnings = Vec::new();
    let unmigrated = match req.unmigrated.unwrap_or(settings.unmigrated) {
        Unmigrated::Error if req.allow_unmigrated => Unmigrated::Warn,
        u => u,
    };
    let mut checked = None;
    let schema = if unmigrated == Unmigrated::Ignore {
        schema
    } else {
        let mut check = Diagnostics::new();
        let history = history::load(&migrations, &mut sources, &mut check);
        let mut loaded = Loaded {
            sources,
            diagnostics: check,
            models: Some(schema),
            history: history.unwrap_or_default(),
            dir: migrations.clone(),
        };
        let opts = MakeOptions {
            check: true,
            ..MakeOptions::default()
        };
        let made = make::makemigrations(&mut loaded, &opts);
        let Loaded {
            sources: back,
            diagnostics: mut check,
            models,
            ..
        } = loaded;
        sources = back;
        let Some(schema) = models else {
            return Err(failure(&mut check, &sources, req.color));
        };
        let folder = migrations.display();
        if check.has_errors() {
            // The migrations cannot be compared with the models (a file that does not
            // parse, a suspected rename): what makemigrations would say.
            check.sort();
            let said: String = check
                .iter()
                .map(|d| format!("{}\n", crate::diagnostics::render(d, &sources, req.color)))
                .collect();
            if unmigrated == Unmigrated::Error {
                return Err(failure(&mut check, &sources, req.color));
            }
            warnings.push(format!(
                "cannot tell whether the migrations in `{folder}` hold the models; `modelc makemigrations` stops with:\n{said}"
            ));
        } else if let Some(Made::Needed { descriptions }) = made {
            let list: String = descriptions.iter().map(|d| format!("\n  - {d}")).collect();
            let changes =
                format!("the models have changes that no migration in `{folder}` holds yet:{list}");
            if unmigrated == Unmigrated::Error {
                return Err(format!(
                    "error: {changes}\n  = help: run `modelc makemigrations` and commit the migration, or set `unmigrated = \"warn\"` in [generate.rust] to build without it\n"
                ));
            }
            warnings.push(format!(
                "{changes}\nrun `modelc makemigrations` before the code reaches a database"
            ));
        }
        checked = migrations.is_dir().then(|| migrations.clone());
        schema
    };

    let opts = Options {
        dialect,
        templates: templates.clone(),
    };
    match rust::generate(&schema, &opts) {
        Ok(code) => Ok(Generated {
            code,
            dialect,
            warnings,
            templates,
            migrations: checked,
        }),
        Err(errors) => {
            for e in errors {
                diagnostics.push(e);
            }
            Err(failure(&mut diagnostics, &sources, req.color))
        }
    }
}

/// Code generation from a build script: writes `$OUT_DIR/<file>` (default `models.rs`) and
/// tells cargo to run again when the models, the templates folder or the migrations folder
/// change (nothing else: no rerun for an edit elsewhere in the crate).
#[derive(Debug, Clone)]
pub struct Build {
    req: Request,
    file: String,
    out_dir: Option<PathBuf>,
}

impl Default for Build {
    fn default() -> Self {
        Self::new()
    }
}

impl Build {
    /// `models.toml` of the crate being built (`CARGO_MANIFEST_DIR`), into `models.rs`.
    pub fn new() -> Self {
        let dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_default();
        Build {
            req: Request {
                models: dir.join("models.toml"),
                ..Request::default()
            },
            file: "models.rs".into(),
            out_dir: None,
        }
    }

    /// Another models file (relative paths are relative to the crate's root).
    pub fn models(mut self, path: impl AsRef<Path>) -> Self {
        let dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_default();
        self.req.models = dir.join(path);
        self
    }

    /// The database to generate for, over `[generate.rust] dialect`.
    pub fn dialect(mut self, d: DialectName) -> Self {
        self.req.dialect = Some(d);
        self
    }

    /// What to do with changes no migration holds, over `[generate.rust] unmigrated`.
    pub fn unmigrated(mut self, u: Unmigrated) -> Self {
        self.req.unmigrated = Some(u);
        self
    }

    /// The migrations folder (default: `migrations` beside the models file).
    pub fn migrations(mut self, path: impl AsRef<Path>) -> Self {
        let dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_default();
        self.req.migrations = Some(dir.join(path));
        self
    }

    /// The file's name in `OUT_DIR`.
    pub fn file(mut self, name: impl Into<String>) -> Self {
        self.file = name.into();
        self
    }

    /// The folder to write into (default `OUT_DIR`).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Generates and writes the file; the error is the message for the build's output.
    pub fn try_run(&self) -> Result<PathBuf, String> {
        println!("cargo:rerun-if-changed={}", self.req.models.display());
        let generated = generate(&self.req);
        // The templates and migrations folders are known once the models are read; a failed
        // build reruns anyway. The migrations matter to the check only: a migration made
        // after a warning about changes no migration holds ends the warning.
        if let Ok(g) = &generated {
            for dir in g.templates.iter().chain(&g.migrations) {
                println!("cargo:rerun-if-changed={}", dir.display());
            }
        }
        let g = generated?;
        for w in &g.warnings {
            for line in w.lines() {
                println!("cargo:warning={line}");
            }
        }
        let dir = match &self.out_dir {
            Some(d) => d.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or("OUT_DIR is not set: modelc's Build runs from a build script")?,
        };
        let path = dir.join(&self.file);
        // Unchanged output is not rewritten, so nothing that includes it rebuilds.
        if std::fs::read_to_string(&path).ok().as_deref() != Some(g.code.as_str()) {
            crate::output::write_all_or_nothing(&[crate::output::OutputFile::text(
                path.clone(),
                g.code,
            )])
            .map_err(|e| format!("error: cannot write `{}`: {e}", path.display()))?;
        }
        Ok(path)
    }

    /// [`Build::try_run`], ending the build script with the message on error.
    pub fn run(&self) {
        if let Err(message) = self.try_run() {
            eprint!("{message}");
            if !message.ends_with('\n') {
                eprintln!();
            }
            std::process::exit(1);
        }
    }
}
