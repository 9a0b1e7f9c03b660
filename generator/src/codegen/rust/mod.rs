//! Typed Rust from the models: per model a struct, a `New` struct, its choices enums and a
//! repository on sqlx, for one dialect.
//!
//! The context of each model is built here (`context`): Rust types per dialect (`types`),
//! every SQL statement written and quoted for the dialect, every user text escaped as a Rust
//! literal. minijinja templates (`templates/rust/`, embedded; a project may override any of
//! them by name) arrange it. The built-in templates write formatted Rust: the tests parse
//! their output with `syn` for every fixture and dialect and compile it, so generation does
//! not parse it again (that was 80% of the time). When a project overrides a template, `syn`
//! checks each model's code, so that a mistake in a template is reported as the template's,
//! not as a compile error in `OUT_DIR`; the layout is the template's. Models are rendered in
//! parallel chunks, one model at a time.

pub mod context;

use context::FieldNames;
pub mod types;

use std::path::{Path, PathBuf};

use minijinja::{Environment, UndefinedBehavior};

use crate::ddl;
use crate::diagnostics::Diagnostic;
use crate::ir::{DialectName, Model, Schema};

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

/// Whether a template of the folder `templates` overrides a built-in one.
fn overridden(templates: Option<&Path>) -> bool {
    templates.is_some_and(|dir| TEMPLATES.iter().any(|(name, _)| dir.join(name).is_file()))
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

/// `text` ending with a newline (minijinja drops a template's last one).
fn line_ended(mut text: String) -> String {
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Checks `code` is Rust; `what` names it in the error.
fn check(code: &str, what: &str, templates: Option<&Path>) -> Result<(), Diagnostic> {
    match syn::parse_file(code) {
        Ok(_) => Ok(()),
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

/// What one worker thread made of its models: their code, what the file's head needs to
/// know of them, and the errors.
struct Chunk {
    code: Vec<u8>,
    uses: context::Uses,
    errors: Vec<Diagnostic>,
}

/// Generates the Rust of every model of `schema` (validated) for `opts.dialect`: one file.
pub fn generate(schema: &Schema, opts: &Options) -> Result<String, Vec<Diagnostic>> {
    let d = ddl::dialect_for(opts.dialect);
    let templates = opts.templates.as_deref();
    let env = environment(templates).map_err(|e| vec![e])?;
    // Only a user's template is checked (see the module's docs).
    let check = overridden(templates);
    let plan = context::SetDefaultPlan::new(schema, opts.dialect);
    let tables: Vec<&Model> = schema.models.iter().filter(|m| m.has_table()).collect();
    let owners = context::enum_owners(schema);

    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(tables.len().max(1));
    let per = tables.len().div_ceil(threads).max(1);
    let (env, plan, owners) = (&env, &plan, &owners);
    // Each thread builds its models' contexts and renders them one after the other into one
    // buffer. A buffer reserves more than it will need (pages never written cost nothing),
    // so it is not grown by copying: fresh pages, which the kernel zeroes, were a fifth of
    // the time. The first becomes the file.
    let reserve = |n: usize| n * 24 * 1024;
    let chunks: Vec<Chunk> = std::thread::scope(|s| {
        let handles: Vec<_> = tables
            .chunks(per)
            .enumerate()
            .map(|(i, chunk)| {
                let room = reserve(if i == 0 {
                    tables.len() + 8
                } else {
                    chunk.len()
                });
                s.spawn(move || {
                    let mut out = Chunk {
                        code: Vec::with_capacity(room),
                        uses: context::Uses::default(),
                        errors: Vec::new(),
                    };
                    let template = match env.get_template("model.rs.jinja") {
                        Ok(t) => t,
                        Err(e) => {
                            out.errors.push(template_error(templates, &e));
                            return out;
                        }
                    };
                    for m in chunk {
                        let mut ctx = match context::model(
                            schema,
                            m,
                            d,
                            plan,
                            &mut out.uses.wires,
                            context::FieldNames::Attname,
                        ) {
                            Ok(ctx) => ctx,
                            Err(e) => {
                                out.errors.extend(e);
                                continue;
                            }
                        };
                        out.uses.add(&ctx);
                        // An enum several models use is written once, with the first.
                        ctx.enums.retain(|e| {
                            owners
                                .get(&e.name)
                                .is_none_or(|o| *o == m.name.text.as_str())
                        });
                        if let Err(e) =
                            render_model(&template, &ctx, &mut out.code, check, templates)
                        {
                            out.errors.push(e);
                        }
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| Chunk {
                    code: Vec::new(),
                    uses: context::Uses::default(),
                    errors: vec![Diagnostic::error(
                        "code generation failed in a worker thread",
                    )],
                })
            })
            .collect()
    });
    let mut code: Option<Vec<u8>> = None;
    let mut uses = context::Uses::default();
    let mut errors = Vec::new();
    for c in chunks {
        errors.extend(c.errors);
        uses.merge(c.uses);
        match &mut code {
            None => code = Some(c.code),
            Some(code) => code.extend_from_slice(&c.code),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let file = context::file(opts.dialect, &uses);
    let head = env
        .get_template("file.rs.jinja")
        .and_then(|t| t.render(minijinja::context! { file => minijinja::value::Serde(&file) }))
        .map_err(|e| vec![template_error(templates, &e)])?;
    let head = line_ended(head);
    if check {
        self::check(&head, "the file's head", templates).map_err(|e| vec![e])?;
    }
    let banner = format!(
        "// @generated by modelc {} for {}: do not edit; change the models and build again.\n\n",
        env!("CARGO_PKG_VERSION"),
        opts.dialect
    );
    // The head goes in front of the models, in the room the first buffer kept.
    let mut code = code.unwrap_or_default();
    code.splice(0..0, banner.bytes().chain(head.bytes()));
    String::from_utf8(code).map_err(|e| {
        vec![Diagnostic::error(format!(
            "the templates wrote text that is not UTF-8: {e}"
        ))]
    })
}

/// Renders model `ctx` at the end of `code`, after a blank line: every model follows one,
/// whatever the chunks, so the bytes do not depend on the number of cores.
fn render_model(
    template: &minijinja::Template<'_, '_>,
    ctx: &context::ModelCtx,
    code: &mut Vec<u8>,
    check: bool,
    templates: Option<&Path>,
) -> Result<(), Diagnostic> {
    code.push(b'\n');
    let start = code.len();
    template
        .render_captured_to(
            minijinja::context! { model => minijinja::value::Serde(ctx), derive => false },
            &mut *code,
        )
        .map_err(|e| template_error(templates, &e))?;
    // minijinja drops a template's last newline.
    if code.last() != Some(&b'\n') {
        code.push(b'\n');
    }
    // A user's template is checked model by model: one syn tree of a whole chunk (megabytes
    // of tokens at a thousand models) cost more in fresh pages than in parsing; a model's is
    // small, and its memory is reused by the next.
    if check {
        let text = String::from_utf8_lossy(&code[start..]);
        self::check(&text, &format!("model {}", ctx.name), templates)?;
    }
    Ok(())
}

/// What a derive expands to.
#[derive(Clone, Copy, Debug)]
pub enum Derived<'a> {
    /// `#[derive(Model)]` on the struct of model `name`: the struct's other derives (`Debug,
    /// Clone`), which its `New` struct gets too, and its fields' Rust types by name.
    Model {
        name: &'a str,
        derives: &'a str,
        types: &'a [(String, String)],
    },
    /// `#[derive(Choices)]` on this enum.
    Choices(&'a str),
}

/// The expansion of `#[derive(Model)]` or `#[derive(Choices)]` on one item of `schema`
/// (validated) for `dialect`, with the built-in templates: what [`generate`] writes for it,
/// but the struct or enum itself, which is the user's. The impls go into an anonymous const
/// with the file's head (`UnknownChoice`, the wire newtypes), so that expansions of several
/// items in one module do not collide; the model's `New` struct is beside it. `None` when
/// nothing is to be generated (an enum no model's field uses).
pub fn derive(
    schema: &Schema,
    dialect: DialectName,
    item: Derived<'_>,
) -> Result<Option<String>, Vec<Diagnostic>> {
    let d = ddl::dialect_for(dialect);
    // The built-in templates, compiled once for all the derives of a crate.
    static BUILT_IN: std::sync::OnceLock<Result<Environment<'static>, Diagnostic>> =
        std::sync::OnceLock::new();
    let env = BUILT_IN
        .get_or_init(|| environment(None))
        .as_ref()
        .map_err(|e| vec![e.clone()])?;
    let plan = context::SetDefaultPlan::new(schema, dialect);
    let head = |uses: &context::Uses| {
        let file = context::file(dialect, uses);
        env.get_template("file.rs.jinja")
            .and_then(|t| t.render(minijinja::context! { file => minijinja::value::Serde(&file) }))
            .map_err(|e| vec![template_error(None, &e)])
    };
    let mut uses = context::Uses::default();
    let models = schema.models.iter().filter(|m| m.has_table());
    match item {
        Derived::Model {
            name,
            derives,
            types,
        } => {
            let Some(m) = schema.models.iter().find(|m| m.name.text == name) else {
                return Ok(None);
            };
            if !m.has_table() {
                return Ok(None);
            }
            let ty = |name: &str| {
                types
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, t)| t.clone())
            };
            // A choices field the user holds as its code (`membership: String`) is read and
            // bound as the code, not as the enum.
            let mut m = m.clone();
            for f in &mut m.fields {
                let holds_enum = match (&f.choices, ty(&FieldNames::Field.of(f))) {
                    (Some(ch), Some(t)) => ch.enum_name.as_ref().is_some_and(|e| {
                        t.split(|c: char| !c.is_alphanumeric() && c != '_')
                            .any(|word| word == e.text.as_str())
                    }),
                    _ => true,
                };
                if !holds_enum {
                    f.choices = None;
                }
            }
            let mut ctx = context::model(schema, &m, d, &plan, &mut uses.wires, FieldNames::Field)?;
            // The fields are the user's: their types as written. A `New` field the database
            // or the repository may fill is an Option of it.
            let mut struct_types = Vec::new();
            for f in &mut ctx.fields {
                if let Some(t) = ty(&f.name) {
                    struct_types.push((f.name.clone(), f.ty.clone(), t.clone()));
                    f.ty = t;
                }
            }
            for f in &mut ctx.new_fields {
                if let Some((_, was, user)) = struct_types.iter().find(|(n, _, _)| *n == f.name) {
                    if f.ty == *was {
                        f.ty = user.clone();
                    } else if f.ty == format!("Option<{was}>") {
                        f.ty = format!("Option<{user}>");
                    }
                }
            }
            uses.add(&ctx);
            let head = head(&uses)?;
            env.get_template("model.rs.jinja")
                .and_then(|t| {
                    t.render(minijinja::context! {
                        model => minijinja::value::Serde(&ctx),
                        derive => true,
                        head => head,
                        new_derives => derives,
                    })
                })
                .map(Some)
                .map_err(|e| vec![template_error(None, &e)])
        }
        Derived::Choices(name) => {
            for m in models {
                let ctx = context::model(schema, m, d, &plan, &mut uses.wires, FieldNames::Field)?;
                if let Some(e) = ctx.enums.iter().find(|e| e.name == name) {
                    let head = head(&context::Uses::default())?;
                    return env
                        .get_template("choices.rs.jinja")
                        .and_then(|t| {
                            t.render(minijinja::context! {
                                e => minijinja::value::Serde(e), derive => true, head => head
                            })
                        })
                        .map(Some)
                        .map_err(|e| vec![template_error(None, &e)]);
                }
            }
            Ok(None)
        }
    }
}
