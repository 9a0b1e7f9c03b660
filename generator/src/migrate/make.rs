//! `makemigrations` and `sqlmigrate`: the models, the history, and the next migration.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
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

    /// The diagnostics in file order, rendered rustc-style for stderr, then a line that says
    /// what failed (see [`render`]), or the models' own summary when the models do not compile.
    pub fn render(&mut self, color: bool, what: &str, outcome: &str) -> String {
        self.diagnostics.sort();
        if self.models.is_none() {
            return self.diagnostics.render(&self.sources, color);
        }
        render(&self.diagnostics, &self.sources, color, what, outcome)
    }

    /// The state after the first `n` migrations (all of them by default).
    pub fn state(&mut self, n: Option<usize>) -> Option<State> {
        let models = self.models.as_ref()?;
        let n = n.unwrap_or(self.history.len());
        history::replay(&self.history[..n], &models.project, &mut self.diagnostics)
    }
}

/// Diagnostics rendered rustc-style for stderr, then a line that says what failed:
/// `error: could not {what} due to N previous errors; {outcome}`. Empty when there are none.
pub fn render(
    diagnostics: &Diagnostics,
    sources: &SourceMap,
    color: bool,
    what: &str,
    outcome: &str,
) -> String {
    let mut out = String::new();
    for d in diagnostics.iter() {
        out.push_str(&crate::diagnostics::render(d, sources, color));
        out.push_str("\n\n");
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let errors = diagnostics.error_count();
    let warnings = diagnostics.warning_count();
    if errors > 0 {
        out.push_str(&format!(
            "error: could not {what} due to {errors} previous error{}{}; {outcome}\n",
            plural(errors),
            if warnings > 0 {
                format!("; {warnings} warning{} emitted", plural(warnings))
            } else {
                String::new()
            }
        ));
    } else if warnings > 0 {
        out.push_str(&format!(
            "warning: {warnings} warning{} emitted\n",
            plural(warnings)
        ));
    }
    out
}

/// For `migrate`: reads the migration files of `dir` and checks that the compiled SQL of
/// `dialect` comes from them as they are. The models are not needed (nor read).
pub fn check_migrations(dir: &Path, dialect: DialectName) -> (SourceMap, Diagnostics) {
    let mut sources = SourceMap::new();
    let mut diagnostics = Diagnostics::new();
    if let Some(history) = history::load(dir, &mut sources, &mut diagnostics) {
        for m in &history {
            if let Some(d) = stale(dir, &sources, m, &[dialect]) {
                diagnostics.push(d);
            }
        }
    }
    diagnostics.sort();
    (sources, diagnostics)
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
    if let Some(d) = opts.name.as_deref().and_then(bad_name) {
        loaded.diagnostics.push(d);
        return None;
    }
    let models = loaded.models.as_ref()?;
    let dialects = models.project.dialects.clone();
    // Compiled SQL that does not come from its migration file as it is now: an error, since
    // the file no longer says what the databases ran.
    let edited: Vec<Diagnostic> = loaded
        .history
        .iter()
        .filter_map(|m| stale(&loaded.dir, &loaded.sources, m, &dialects))
        .collect();
    if !edited.is_empty() {
        for d in edited {
            loaded.diagnostics.push(d);
        }
        return None;
    }
    // SQL files missing for migrations that exist (an up file, or the down file of a
    // reversible migration): compile them, and write only those.
    let mut missing: Vec<OutputFile<'static>> = Vec::new();
    let mut state = State::new(models.project.clone());
    for m in &loaded.history {
        let reversible = m.ops.iter().all(|op| op.kind.reversible());
        let absent: Vec<DialectName> = dialects
            .iter()
            .copied()
            .filter(|d| {
                let folder = loaded.dir.join(d.as_str());
                !folder.join(format!("{}.up.sql", m.name)).exists()
                    || (reversible && !folder.join(format!("{}.down.sql", m.name)).exists())
            })
            .collect();
        if absent.is_empty() {
            if let Err(d) = super::ops::apply_all(&m.ops, &mut state) {
                loaded.diagnostics.push(d);
                return None;
            }
            continue;
        }
        let header = source_header(&loaded.sources, m);
        match compile(&mut state, &m.ops, &absent, &m.name, &header) {
            Ok(compiled) => missing.extend(
                sql_files(&loaded.dir, &m.name, compiled)
                    .into_iter()
                    .filter(|f| !f.path.exists()),
            ),
            Err(d) => {
                loaded.diagnostics.push(d);
                return None;
            }
        }
    }
    let detected = detect(state.resolved(), models);
    let mut stop = false;
    // A suspected rename stops it; with --allow-destructive the drop and add it suspects
    // are made, and the suspicion is still said.
    for mut d in detected.suspected_renames {
        if opts.allow_destructive {
            d.severity = Severity::Warning;
        } else {
            stop = true;
        }
        loaded.diagnostics.push(d);
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
        Some(n) => n.clone(),
        None => migration_name(number, &ops),
    };
    let full = format!("{number:04}_{name}");
    let toml = write_migration(&full, &ops);
    // The file must read back as the operations it was written from, and leave the models'
    // state: anything else is a bug of modelc, caught before a file is written.
    if let Err(d) = read_back(&toml, &full, &state, models) {
        loaded.diagnostics.push(d);
        return None;
    }
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

/// Why `--name` cannot name a migration, if it cannot: the name goes into file names
/// (`NNNN_name.toml`) that `modelc` and sqlx read back.
fn bad_name(n: &str) -> Option<Diagnostic> {
    let message = if n.is_empty() {
        "--name cannot be empty".to_string()
    } else if let Some(c) = n.chars().find(|c| !c.is_ascii_alphanumeric() && *c != '_') {
        format!(
            "--name `{}` cannot name a migration: it contains `{}`",
            n.escape_debug(),
            c.escape_debug()
        )
    } else if n.len() > MAX_NAME {
        format!(
            "--name cannot name a migration: it is {} characters long",
            n.len()
        )
    } else {
        return None;
    };
    Some(Diagnostic::error(message).help(format!(
        "use 1 to {MAX_NAME} ASCII letters, digits and `_`, e.g. --name product_add_slug"
    )))
}

/// The longest `--name`: with the number and `.down.sql` the file name stays well under the
/// 255 bytes file systems allow.
const MAX_NAME: usize = 200;

fn write_error(dir: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!(
        "cannot write the migration into `{}`: {e}",
        dir.display()
    ))
    .help("check that the folder can be created and written; nothing was written")
}

/// Parses the text of a new migration, replays it on a copy of `before`, and checks that
/// the models then need no further operation.
fn read_back(toml: &str, name: &str, before: &State, models: &Schema) -> Result<(), Diagnostic> {
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
    let mut after = before.clone();
    let after = &mut after;
    super::ops::apply_all(&ops, after).map_err(|d| bug(d.message))?;
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
                format!(
                    "name one by its number (0002) or its full name; the migrations are: {}",
                    names.join(", ")
                )
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
    // The SQL printed is that of the .toml as it is; say so when the file differs.
    if let Some(d) = stale(&loaded.dir, &loaded.sources, &m, &[dialect]) {
        let d = Diagnostic {
            severity: Severity::Warning,
            message: format!("{}; this is the SQL of the .toml as it is now", d.message),
            ..d
        };
        loaded.diagnostics.push(d);
    }
    if backwards {
        match sql.down {
            Some(down) => Some(down),
            None => {
                let at = m
                    .ops
                    .iter()
                    .find(|op| !op.kind.reversible())
                    .map_or(history::file_start(m.file), |op| op.at("sql"));
                loaded.diagnostics.push(
                    Diagnostic::error(format!(
                        "migration {} cannot be reversed: a run_sql operation has no reverse_sql",
                        m.name
                    ))
                    .at(at)
                    .label("run_sql without reverse_sql")
                    .help("add reverse_sql next to this sql, with the SQL that undoes it (reverse_sql = \"SELECT 1\" when nothing needs undoing), delete the migration's SQL files and run `modelc makemigrations` to compile them again"),
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
    loaded
        .history
        .iter()
        .filter_map(|m| stale(&loaded.dir, &loaded.sources, m, &[dialect]))
        .collect()
}

/// Whether the SQL file at `path` can be read as text and has no line `source` (its
/// `-- source:` line, which ends with a newline). The line heads the file, so the first
/// kilobytes are looked at first; only a file that lacks it there is read whole.
fn from_another_source(path: &Path, source: &str) -> bool {
    use std::io::Read;
    let Some(line) = source.strip_suffix('\n') else {
        return std::fs::read_to_string(path).is_ok();
    };
    let mut head = Vec::with_capacity(4096);
    let found = std::fs::File::open(path)
        .and_then(|f| f.take(4096).read_to_end(&mut head))
        .is_ok_and(|_| {
            // Whole lines only: the last piece may be cut short.
            let mut lines: Vec<&[u8]> = head.split(|&b| b == b'\n').collect();
            lines.pop();
            lines
                .iter()
                .any(|l| l.strip_suffix(b"\r").unwrap_or(l) == line.as_bytes())
        });
    // A file that has the line is not from another source, whatever follows it.
    !found
        && std::fs::read_to_string(path)
            .is_ok_and(|sql| !sql.lines().any(|l| format!("{l}\n") == source))
}

/// The error for compiled up files of `m` (of `dialects`) that do not name `m`'s file as
/// it is now (by its md5) in their `-- source:` line; `None` when they all do (or there are
/// none).
fn stale(
    dir: &Path,
    sources: &SourceMap,
    m: &MigrationFile,
    dialects: &[DialectName],
) -> Option<Diagnostic> {
    let expected = source_header(sources, m);
    let paths: Vec<String> = dialects
        .iter()
        .map(|d| dir.join(d.as_str()).join(format!("{}.up.sql", m.name)))
        .filter(|path| from_another_source(path, &expected))
        .map(|path| format!("`{}`", path.display()))
        .collect();
    if paths.is_empty() {
        return None;
    }
    let come = if paths.len() == 1 { "comes" } else { "come" };
    Some(
        Diagnostic::error(format!(
            "{}.toml was edited after its SQL was compiled: {} {come} from another version of it (the md5 in its `-- source:` line differs)",
            m.name,
            paths.join(", "),
        ))
        .at(history::file_start(m.file))
        .label("not the file its SQL was compiled from")
        .help(format!(
            "if {} is applied to no database yet, delete its SQL files (migrations/<dialect>/{}.up.sql and .down.sql) and run `modelc makemigrations` to compile them again; if it is applied somewhere, restore the .toml as it was (e.g. with `git checkout`) and make the change in a new migration",
            m.name, m.name
        )),
    )
}
