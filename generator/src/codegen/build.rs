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

use crate::diagnostics::Diagnostic;
use crate::ir::{DialectName, Unmigrated};
use crate::migrate::make::{self, Made, MakeOptions};

use super::rust::{self, Options};

/// What a generation produced: the code, and the warnings to show.
#[derive(Debug)]
pub struct Generated {
    pub code: String,
    pub dialect: DialectName,
    /// Warnings to show: changes no migration holds, under `unmigrated = "warn"`. (The
    /// models' own warnings are `modelc check`'s.)
    pub warnings: Vec<String>,
    /// The templates folder, when the models name one.
    pub templates: Option<PathBuf>,
}

/// How to generate.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub models: PathBuf,
    /// Overrides `[generate.rust] dialect`.
    pub dialect: Option<DialectName>,
    /// Overrides `[generate.rust] unmigrated`.
    pub unmigrated: Option<Unmigrated>,
    /// The migrations folder (default: `migrations` beside the models file).
    pub migrations: Option<PathBuf>,
    pub color: bool,
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
    let mut loaded = make::load(&req.models, &migrations);
    let Some(schema) = loaded.models.clone() else {
        return Err(loaded.diagnostics.render(&loaded.sources, req.color));
    };
    let settings = schema
        .project
        .generate_rust
        .as_deref()
        .cloned()
        .unwrap_or_default();
    let mut warnings = Vec::new();
    let dialect = match req.dialect.or(settings.dialect.map(|(d, _)| d)) {
        Some(d) => d,
        None => DialectName::Sqlite,
    };
    if !schema.project.dialects.contains(&dialect) {
        let mut d = Diagnostic::error(format!(
            "the generated code is for {dialect}, which is not among [project] dialects"
        ))
        .help(format!(
            "add \"{dialect}\" to [project] dialects, so the models are checked for what it can express"
        ));
        if let Some((_, span)) = settings.dialect {
            d = d.at(span).label("this dialect");
        }
        loaded.diagnostics.push(d);
        return Err(loaded.diagnostics.render(&loaded.sources, req.color));
    }
    let unmigrated = req.unmigrated.unwrap_or(settings.unmigrated);
    if unmigrated != Unmigrated::Ignore {
        let opts = MakeOptions {
            check: true,
            ..MakeOptions::default()
        };
        let made = make::makemigrations(&mut loaded, &opts);
        if loaded.diagnostics.has_errors() {
            return Err(loaded.diagnostics.render(&loaded.sources, req.color));
        }
        if let Some(Made::Needed { descriptions }) = made {
            let list: Vec<String> = descriptions.iter().map(|d| format!("  - {d}")).collect();
            let message = format!(
                "the models have changes that no migration in `{}` holds yet:\n{}\nrun `modelc makemigrations` and commit the migration (or set `unmigrated = \"warn\"` in [generate.rust])",
                migrations.display(),
                list.join("\n")
            );
            match unmigrated {
                Unmigrated::Error => return Err(format!("error: {message}\n")),
                _ => warnings.push(message),
            }
        }
    }
    let templates = settings.templates.as_ref().map(|(t, _)| base.join(t));
    if let (Some(dir), Some((_, span))) = (&templates, &settings.templates) {
        if !dir.is_dir() {
            loaded.diagnostics.push(
                Diagnostic::error(format!(
                    "the templates folder `{}` does not exist",
                    dir.display()
                ))
                .at(*span)
                .label("no such folder")
                .help("create it, or correct the path (relative to the models file)"),
            );
            return Err(loaded.diagnostics.render(&loaded.sources, req.color));
        }
    }
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
        }),
        Err(errors) => {
            for e in errors {
                loaded.diagnostics.push(e);
            }
            Err(loaded.diagnostics.render(&loaded.sources, req.color))
        }
    }
}

/// Code generation from a build script: writes `$OUT_DIR/<file>` (default `models.rs`) and
/// tells cargo to run again when the models or the templates change.
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
        // The templates folder is known once the models are read; a failed build reruns
        // anyway.
        if let Ok(g) = &generated {
            if let Some(dir) = &g.templates {
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
            eprintln!("{message}");
            std::process::exit(1);
        }
    }
}
