//! `makemigrations` and `sqlmigrate`: the models, the history, and the next migration.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{DialectName, Schema};
use crate::output::OutputFile;
use crate::source::SourceMap;

use super::compile::{MigrationSql, compile};
use super::diff::{detect, migration_name};
use super::file::write_migration;
use super::history::{self, MigrationFile};
use super::ops::Op;
use super::state::State;

/// Everything a migration command reads: the models, the migration files and their replay.
#[derive(Debug)]
pub struct Loaded {
    pub sources: SourceMap,
    pub diagnostics: Diagnostics,
    /// The models, when they compile.
    pub models: Option<Schema>,
    pub history: Vec<MigrationFile>,
    /// Where the migrations are.
    pub dir: PathBuf,
}

impl Loaded {
    pub fn is_ok(&self) -> bool {
        self.models.is_some() && !self.diagnostics.has_errors()
    }

    /// The state after the first `n` migrations (all of them by default).
    pub fn state(&mut self, n: Option<usize>) -> Option<State> {
        let models = self.models.as_ref()?;
        let n = n.unwrap_or(self.history.len());
        history::replay(&self.history[..n], &models.project, &mut self.diagnostics)
    }
}

/// Compiles the models and reads the migrations of `dir`.
pub fn load(models: &Path, dir: &Path) -> Loaded {
    let c = crate::compile_file(models);
    let mut sources = c.sources;
    let mut diagnostics = c.diagnostics;
    let history = if c.schema.is_some() {
        history::load(dir, &mut sources, &mut diagnostics).unwrap_or_default()
    } else {
        Vec::new()
    };
    Loaded {
        sources,
        diagnostics,
        models: c.schema,
        history,
        dir: dir.to_path_buf(),
    }
}

/// Options of `makemigrations`.
#[derive(Debug, Clone, Default)]
pub struct MakeOptions {
    pub name: Option<String>,
    /// Only say whether a migration is needed.
    pub check: bool,
    /// Say what would be written, write nothing.
    pub dry_run: bool,
    pub allow_destructive: bool,
}

/// What `makemigrations` did.
#[derive(Debug)]
pub enum Made {
    /// The models and the migrations agree; `compiled` lists SQL files written for existing
    /// migrations that lacked them (a dialect added to the project, a renumbered migration).
    NoChanges { compiled: Vec<PathBuf> },
    /// A migration is needed (`--check`): what it would do.
    Needed { descriptions: Vec<String> },
    /// The new migration (written, unless `dry_run`).
    Migration {
        name: String,
        files: Vec<PathBuf>,
        descriptions: Vec<String>,
        toml: String,
        written: bool,
    },
}

fn sql_paths(dir: &Path, name: &str, sql: &MigrationSql) -> (PathBuf, PathBuf) {
    let d = dir.join(sql.dialect.as_str());
    (
        d.join(format!("{name}.up.sql")),
        d.join(format!("{name}.down.sql")),
    )
}

/// The files of one compiled migration's SQL.
fn sql_files(dir: &Path, name: &str, compiled: Vec<MigrationSql>) -> Vec<OutputFile<'static>> {
    let mut out = Vec::new();
    for sql in compiled {
        let (up, down) = sql_paths(dir, name, &sql);
        out.push(OutputFile::text(up, sql.up));
        if let Some(text) = sql.down {
            out.push(OutputFile::text(down, text));
        }
    }
    out
}

/// `makemigrations`: the next migration, from the difference between the models and the
/// replay of the migrations. Errors are reported into `loaded.diagnostics` (then `None`), and
/// nothing is written then.
pub fn makemigrations(loaded: &mut Loaded, opts: &MakeOptions) -> Option<Made> {
    if !loaded.is_ok() {
        return None;
    }
    let models = loaded.models.clone()?;
    let dialects = models.project.dialects.clone();
    // SQL files missing for migrations that exist: compile them (and only them).
    let mut missing: Vec<OutputFile<'static>> = Vec::new();
    let mut state = State::new(models.project.clone());
    for m in &loaded.history {
        let absent: Vec<DialectName> = dialects
            .iter()
            .copied()
            .filter(|d| {
                !loaded
                    .dir
                    .join(d.as_str())
                    .join(format!("{}.up.sql", m.name))
                    .exists()
            })
            .collect();
        if absent.is_empty() {
            for op in &m.ops {
                if let Err(d) = op.apply(&mut state) {
                    loaded.diagnostics.push(d);
                    return None;
                }
            }
            continue;
        }
        let header = source_header(&loaded.sources, m);
        match compile(&mut state, &m.ops, &absent, &m.name, &header) {
            Ok(compiled) => missing.extend(sql_files(&loaded.dir, &m.name, compiled)),
            Err(d) => {
                loaded.diagnostics.push(d);
                return None;
            }
        }
    }
    let before = state.clone();
    let detected = detect(state.resolved(), &models);
    let mut stop = false;
    for d in detected.suspected_renames {
        loaded.diagnostics.push(d);
        stop = true;
    }
    if !opts.allow_destructive && !opts.check {
        for d in detected.destructive {
            loaded.diagnostics.push(d);
            stop = true;
        }
    }
    if stop {
        return None;
    }
    let ops = detected.ops;
    if ops.is_empty() {
        if opts.check && !missing.is_empty() {
            return Some(Made::Needed {
                descriptions: missing
                    .iter()
                    .map(|f| format!("Compile {}", f.path.display()))
                    .collect(),
            });
        }
        let compiled: Vec<PathBuf> = missing.iter().map(|f| f.path.clone()).collect();
        if !opts.dry_run && !opts.check && !missing.is_empty() {
            if let Err(e) = crate::output::write_all_or_nothing(&missing) {
                loaded.diagnostics.push(write_error(&loaded.dir, e));
                return None;
            }
        }
        return Some(Made::NoChanges { compiled });
    }
    let descriptions: Vec<String> = ops.iter().map(|op| op.kind.describe()).collect();
    if opts.check {
        return Some(Made::Needed { descriptions });
    }
    let number = loaded.history.last().map_or(1, |m| m.number + 1);
    let name = match &opts.name {
        Some(n) => {
            if n.is_empty() || !n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                loaded.diagnostics.push(
                    Diagnostic::error(format!("`{n}` cannot be part of a migration's name"))
                        .help("use letters, digits and `_`, e.g. --name product_slug"),
                );
                return None;
            }
            n.clone()
        }
        None => migration_name(number, &ops),
    };
    let full = format!("{number:04}_{name}");
    let toml = write_migration(&full, &ops);
    // The file must read back as the operations it was written from, and leave the models'
    // state: anything else is a bug of modelc, caught before a file is written.
    let mut after = before.clone();
    if let Err(d) = read_back(&toml, &full, &before, &mut after, &models) {
        loaded.diagnostics.push(d);
        return None;
    }
    let mut state = before;
    let header = format!(
        "-- source: migrations/{full}.toml, md5 {}\n",
        md5_hex(toml.as_bytes())
    );
    let compiled = match compile(&mut state, &ops, &dialects, &full, &header) {
        Ok(c) => c,
        Err(d) => {
            loaded.diagnostics.push(d);
            return None;
        }
    };
    let toml_path = loaded.dir.join(format!("{full}.toml"));
    let mut files = vec![OutputFile::text(toml_path, toml.clone())];
    files.extend(sql_files(&loaded.dir, &full, compiled));
    files.extend(missing);
    let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    if !opts.dry_run {
        if let Err(e) = crate::output::write_all_or_nothing(&files) {
            loaded.diagnostics.push(write_error(&loaded.dir, e));
            return None;
        }
    }
    Some(Made::Migration {
        name: full,
        files: paths,
        descriptions,
        toml,
        written: !opts.dry_run,
    })
}

fn write_error(dir: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!(
        "cannot write the migration into `{}`: {e}",
        dir.display()
    ))
    .help("check that the folder can be created and written; nothing was written")
}

/// Parses the text of a new migration, replays it on `before` into `after`, and checks that
/// the models then need no further operation.
fn read_back(
    toml: &str,
    name: &str,
    before: &State,
    after: &mut State,
    models: &Schema,
) -> Result<(), Diagnostic> {
    let bug = |why: String| {
        Diagnostic::error(format!("modelc made migration {name} wrongly: {why}")).help(
            "this is a bug in modelc; please report it with your models.toml. Nothing was written",
        )
    };
    let mut sources = SourceMap::new();
    let file = sources.add(format!("{name}.toml"), toml.to_string());
    let mut diags = Diagnostics::new();
    let ops: Vec<Op> = crate::frontend::toml::migration::parse_migration(
        &sources, file, &mut diags,
    )
    .ok_or_else(|| {
        bug(diags
            .iter()
            .next()
            .map_or_else(|| "it does not parse".to_string(), |d| d.message.clone()))
    })?;
    *after = before.clone();
    for op in &ops {
        op.apply(after).map_err(|d| bug(d.message))?;
    }
    let left = detect(after.resolved(), models);
    if let Some(op) = left.ops.first() {
        return Err(bug(format!(
            "after it, the models still need: {}",
            op.kind.describe()
        )));
    }
    Ok(())
}

/// The md5 of a text, in hex (a fingerprint of a migration file, not a secret).
pub fn md5_hex(bytes: &[u8]) -> String {
    use md5::{Digest, Md5};
    let digest = Md5::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The line of an SQL file that names the migration file it comes from and its fingerprint.
pub fn source_header(sources: &SourceMap, m: &MigrationFile) -> String {
    format!(
        "-- source: migrations/{}.toml, md5 {}\n",
        m.name,
        md5_hex(sources.text(m.file).as_bytes())
    )
}

/// Finds a migration by number (`0002`, `2`) or full name (`0002_product_add_slug`).
pub fn find(history: &[MigrationFile], target: &str) -> Option<usize> {
    let number = target.split('_').next().and_then(|d| d.parse::<u32>().ok());
    history
        .iter()
        .position(|m| m.name == target || (!target.contains('_') && Some(m.number) == number))
}

/// `sqlmigrate`: the SQL of one migration for one dialect, up (or down with `backwards`).
pub fn sqlmigrate(
    loaded: &mut Loaded,
    target: &str,
    dialect: DialectName,
    backwards: bool,
) -> Option<String> {
    if !loaded.is_ok() {
        return None;
    }
    let Some(i) = find(&loaded.history, target) else {
        let names: Vec<&str> = loaded.history.iter().map(|m| m.name.as_str()).collect();
        loaded.diagnostics.push(
            Diagnostic::error(format!(
                "no migration `{target}` in `{}`",
                loaded.dir.display()
            ))
            .help(if names.is_empty() {
                "there are no migrations yet: run `modelc makemigrations`".to_string()
            } else {
                format!("the migrations are: {}", names.join(", "))
            }),
        );
        return None;
    };
    let mut state = loaded.state(Some(i))?;
    let m = loaded.history[i].clone();
    let header = source_header(&loaded.sources, &m);
    let compiled = match compile(&mut state, &m.ops, &[dialect], &m.name, &header) {
        Ok(c) => c,
        Err(d) => {
            loaded.diagnostics.push(d);
            return None;
        }
    };
    let sql = compiled.into_iter().next()?;
    if backwards {
        match sql.down {
            Some(down) => Some(down),
            None => {
                loaded.diagnostics.push(
                    Diagnostic::error(format!("migration {} cannot be reversed", m.name))
                        .at(m.ops.iter().find(|op| !op.kind.reversible()).map_or(history::file_start(m.file), |op| op.span))
                        .label("run_sql without reverse_sql")
                        .help("add reverse_sql to the run_sql operation (e.g. reverse_sql = \"SELECT 1\" when nothing needs undoing)"),
                );
                None
            }
        }
    } else {
        Some(sql.up)
    }
}

/// For `migrate`: every compiled SQL file of `dialect` must come from its migration file as
/// it is now (its fingerprint), else the migration file was edited after its SQL was made.
pub fn check_compiled(loaded: &Loaded, dialect: DialectName) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for m in &loaded.history {
        let path = loaded
            .dir
            .join(dialect.as_str())
            .join(format!("{}.up.sql", m.name));
        let Ok(sql) = std::fs::read_to_string(&path) else {
            continue;
        };
        let expected = source_header(&loaded.sources, m);
        if !sql.lines().any(|l| format!("{l}\n") == expected) {
            out.push(
                Diagnostic::error(format!(
                    "`{}` was not compiled from {}.toml as it is now",
                    path.display(),
                    m.name
                ))
                .at(history::file_start(m.file))
                .label("changed since its SQL was compiled")
                .help(format!(
                    "if {} is not applied anywhere yet, delete its SQL files and run `modelc makemigrations` to compile them again; if it is, restore the .toml as it was and make a new migration instead",
                    m.name
                )),
            );
        }
    }
    out
}
