//! Typed Rust from the models: per model a struct, a `New` struct, its choices enums and a
//! repository on sqlx, for one dialect.
//!
//! The context of each model is built here (`context`): Rust types per dialect (`types`),
//! every SQL statement written and quoted for the dialect, every user text escaped as a Rust
//! literal. minijinja templates (`templates/rust/`, embedded; a project may override any of
//! them by name) arrange it; `syn` checks the result is Rust and `prettyplease` formats it.
//! Models are rendered, checked and formatted in parallel chunks, one model at a time.

pub mod context;
pub mod types;

use std::path::{Path, PathBuf};

use minijinja::{Environment, UndefinedBehavior};

use crate::ddl;
use crate::diagnostics::Diagnostic;
use crate::ir::{DialectName, Schema};

/// The built-in templates, by name.
pub const TEMPLATES: [(&str, &str); 4] = [
    (
        "file.rs.jinja",
        include_str!("../../../../templates/rust/file.rs.jinja"),
    ),
    (
        "model.rs.jinja",
        include_str!("../../../../templates/rust/model.rs.jinja"),
    ),
    (
        "choices.rs.jinja",
        include_str!("../../../../templates/rust/choices.rs.jinja"),
    ),
    (
        "repository.rs.jinja",
        include_str!("../../../../templates/rust/repository.rs.jinja"),
    ),
];

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    pub dialect: DialectName,
    /// A folder whose templates override the built-in ones of the same name.
    pub templates: Option<PathBuf>,
}

/// Where a template comes from: the user's folder or the built-in set.
fn template_path(templates: Option<&Path>, name: &str) -> String {
    match templates.map(|dir| dir.join(name)) {
        Some(p) if p.is_file() => p.display().to_string(),
        _ => format!("built-in template {name}"),
    }
}

fn environment(templates: Option<&Path>) -> Result<Environment<'static>, Diagnostic> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    for (name, builtin) in TEMPLATES {
        let user = templates.map(|dir| dir.join(name)).filter(|p| p.is_file());
        let source = match &user {
            Some(path) => std::fs::read_to_string(path).map_err(|e| {
                Diagnostic::error(format!("cannot read template `{}`: {e}", path.display()))
                    .help("check the path given by `templates` in [generate.rust]")
            })?,
            None => builtin.to_string(),
        };
        env.add_template_owned(name.to_string(), source)
            .map_err(|e| template_error(templates, &e))?;
    }
    Ok(env)
}

fn template_error(templates: Option<&Path>, e: &minijinja::Error) -> Diagnostic {
    let name = e.name().unwrap_or("?");
    let at = match e.line() {
        Some(line) => format!("{}:{line}", template_path(templates, name)),
        None => template_path(templates, name),
    };
    let mut detail = e.kind().to_string();
    if let Some(d) = e.detail() {
        detail = format!("{detail}: {d}");
    }
    Diagnostic::error(format!("template error at {at}: {detail}")).help(
        "fix the template (its context is documented in generator/src/codegen/rust/context.rs)",
    )
}

/// Checks `code` is Rust and formats it; `what` names it in the error.
fn format(code: &str, what: &str, templates: Option<&Path>) -> Result<String, Diagnostic> {
    match syn::parse_file(code) {
        Ok(file) => Ok(prettyplease::unparse(&file)),
        Err(e) => {
            let start = e.span().start();
            let line = code.lines().nth(start.line.saturating_sub(1)).unwrap_or("");
            let source = match templates {
                Some(dir) => format!(
                    "the templates (built-in, or overridden in {})",
                    dir.display()
                ),
                None => "the built-in templates".into(),
            };
            Err(Diagnostic::error(format!(
                "the Rust generated for {what} does not parse: {e}, at line {}, column {} of the output:\n    {}",
                start.line,
                start.column + 1,
                line.trim()
            ))
            .help(format!("this comes from {source}; if you did not change them, it is a bug in modelc")))
        }
    }
}

/// Generates the Rust of every model of `schema` (validated) for `opts.dialect`: one file,
/// formatted.
pub fn generate(schema: &Schema, opts: &Options) -> Result<String, Vec<Diagnostic>> {
    let d = ddl::dialect_for(opts.dialect);
    let templates = opts.templates.as_deref();
    let env = environment(templates).map_err(|e| vec![e])?;
    let (models, wires) = context::models(schema, d)?;
    let file = context::file(opts.dialect, &wires, &models);
    let head = env
        .get_template("file.rs.jinja")
        .and_then(|t| t.render(minijinja::context! { file => minijinja::value::Serde(&file) }))
        .map_err(|e| vec![template_error(templates, &e)])?;
    let head = format(&head, "the file's head", templates).map_err(|e| vec![e])?;

    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(models.len().max(1));
    let per = models.len().div_ceil(threads).max(1);
    let env = &env;
    let chunks: Vec<Result<Vec<String>, Diagnostic>> = std::thread::scope(|s| {
        let handles: Vec<_> = models
            .chunks(per)
            .map(|chunk| {
                s.spawn(move || -> Result<Vec<String>, Diagnostic> {
                    let template = env
                        .get_template("model.rs.jinja")
                        .map_err(|e| template_error(templates, &e))?;
                    // Each model is checked and formatted on its own: prettyplease prints a
                    // file's items one after the other, so the formatted models, concatenated,
                    // are the text the whole chunk would format to. One syn tree of a whole
                    // chunk (megabytes of tokens at a thousand models) cost more in fresh
                    // pages than in parsing; a model's is small, and its memory is reused by
                    // the next.
                    chunk
                        .iter()
                        .map(|m| {
                            let text = template
                                .render(minijinja::context! { model => minijinja::value::Serde(m) })
                                .map_err(|e| template_error(templates, &e))?;
                            format(&text, &format!("model {}", m.name), templates)
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(Diagnostic::error(
                        "code generation failed in a worker thread",
                    ))
                })
            })
            .collect()
    });
    let banner = format!(
        "// @generated by modelc {} for {}: do not edit; change the models and build again.\n\n",
        env!("CARGO_PKG_VERSION"),
        opts.dialect
    );
    // Every model follows a blank line, whatever the chunks (so the bytes do not depend on
    // the number of cores). The file is written once, into its final size.
    let size = banner.len()
        + head.len()
        + chunks
            .iter()
            .flatten()
            .flatten()
            .map(|code| 1 + code.len())
            .sum::<usize>();
    let mut out = String::with_capacity(size);
    out.push_str(&banner);
    out.push_str(&head);
    let mut errors = Vec::new();
    for c in chunks {
        match c {
            Ok(models) => {
                for code in models {
                    out.push('\n');
                    out.push_str(&code);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
