//! The migration history: the migration files of a folder, in order, and their replay.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::Project;
use crate::source::{FileId, SourceMap, Span};

use super::ops::Op;
use super::state::State;

/// One migration file, read.
#[derive(Debug, Clone)]
pub struct MigrationFile {
    pub number: u32,
    /// `0002_product_add_slug`.
    pub name: String,
    pub path: PathBuf,
    pub file: FileId,
    pub ops: Vec<Op>,
}

/// `(number, name)` of a migration file name `NNNN_name.toml`.
pub fn parse_file_name(file_name: &str) -> Option<(u32, String)> {
    let stem = file_name.strip_suffix(".toml")?;
    let (digits, rest) = stem.split_once('_')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || rest.is_empty() {
        return None;
    }
    if !rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    Some((digits.parse().ok()?, stem.to_string()))
}

/// Reads every `NNNN_name.toml` of `dir` in number order. A folder that does not exist is
/// an empty history. Problems (unreadable files, bad names, two migrations with one number,
/// files that do not parse) are reported into `diags`; then `None`.
pub fn load(
    dir: &Path,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<Vec<MigrationFile>> {
    let before = diags.error_count();
    let mut found: Vec<(u32, String, PathBuf)> = Vec::new();
    let mut misnamed: Vec<PathBuf> = Vec::new();
    match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some(Vec::new()),
        Err(e) => {
            diags.push(
                Diagnostic::error(format!(
                    "cannot read the migrations folder `{}`: {e}",
                    dir.display()
                ))
                .help("check the path (--migrations) and its permissions"),
            );
            return None;
        }
        Ok(entries) => {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if !name.ends_with(".toml") || name.starts_with('.') {
                    continue;
                }
                match parse_file_name(&name) {
                    Some((number, stem)) => found.push((number, stem, entry.path())),
                    None => misnamed.push(entry.path()),
                }
            }
        }
    }
    misnamed.sort();
    for path in misnamed {
        let mut d = Diagnostic::error(format!(
            "`{}` is not named like a migration file",
            path.display()
        ))
        .help("migration files are named NNNN_name.toml (digits, `_`, then letters, digits and `_`, e.g. 0002_product_add_slug.toml); rename or move it");
        if let Some(file) = read(&path, sources, diags) {
            d = d.at(file_start(file)).label("not NNNN_name.toml");
        }
        diags.push(d);
    }
    found.sort();
    let mut out = Vec::with_capacity(found.len());
    let mut files: Vec<(u32, &str, Option<FileId>)> = Vec::with_capacity(found.len());
    for (number, name, path) in &found {
        let Some(file) = read(path, sources, diags) else {
            files.push((*number, name, None));
            continue;
        };
        files.push((*number, name, Some(file)));
        if let Some(ops) = crate::frontend::toml::migration::parse_migration(sources, file, diags) {
            out.push(MigrationFile {
                number: *number,
                name: name.clone(),
                path: path.clone(),
                file,
                ops,
            });
        }
    }
    let next = found.last().map_or(1, |l| l.0 + 1);
    for pair in files.windows(2) {
        let ((number, first, first_file), (_, second, second_file)) = (pair[0], pair[1]);
        if number != pair[1].0 {
            continue;
        }
        let mut d = Diagnostic::error(format!(
            "migrations {first} and {second} both have number {number:04}: they were made on two branches"
        ))
        .help(format!(
            "keep the one that was merged first and renumber the other after the last migration: e.g. rename {second}.toml to {next:04}_{}.toml, delete its SQL files (migrations/<dialect>/{second}.up.sql and .down.sql), and run `modelc makemigrations`, which compiles them again from the migrations before it",
            second.split_once('_').map_or("", |(_, n)| n)
        ));
        if let Some(file) = second_file {
            d = d
                .at(file_start(file))
                .label(format!("number {number:04} again"));
            if let Some(other) = first_file {
                d = d.related(file_start(other), format!("{first} has number {number:04}"));
            }
        }
        diags.push(d);
    }
    (diags.error_count() == before).then_some(out)
}

/// Reads a file into `sources`; problems are reported.
fn read(path: &Path, sources: &mut SourceMap, diags: &mut Diagnostics) -> Option<FileId> {
    match std::fs::read(path).map(String::from_utf8) {
        Ok(Ok(text)) => Some(sources.add(path.display().to_string(), text)),
        Ok(Err(e)) => {
            let valid = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let file = sources.add(path.display().to_string(), text);
            diags.push(
                Diagnostic::error(format!("`{}` is not valid UTF-8", path.display()))
                    .at(Span::new(
                        file,
                        valid..valid + char::REPLACEMENT_CHARACTER.len_utf8(),
                    ))
                    .label("invalid UTF-8 here")
                    .help("save the file as UTF-8"),
            );
            None
        }
        Err(e) => {
            diags.push(
                Diagnostic::error(format!("cannot read `{}`: {e}", path.display()))
                    .help("check that it is a file and that it can be read"),
            );
            None
        }
    }
}

/// Replays migrations into a state. An operation that does not fit the state is reported.
pub fn replay<'m>(
    migrations: impl IntoIterator<Item = &'m MigrationFile>,
    project: &Project,
    diags: &mut Diagnostics,
) -> Option<State> {
    let mut state = State::new(project.clone());
    for m in migrations {
        if let Err(d) = super::ops::apply_all(&m.ops, &mut state) {
            diags.push(d);
            return None;
        }
    }
    Some(state)
}

/// A span at the start of a file (for problems that concern the whole file).
pub fn file_start(file: FileId) -> Span {
    Span::new(file, 0..0)
}
