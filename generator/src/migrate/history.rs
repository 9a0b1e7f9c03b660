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
                    None => diags.push(
                        Diagnostic::error(format!(
                            "`{}` is not a migration file name",
                            entry.path().display()
                        ))
                        .help("migration files are named NNNN_name.toml (digits, `_`, then letters, digits and `_`); rename or move it"),
                    ),
                }
            }
        }
    }
    found.sort();
    for pair in found.windows(2) {
        if pair[0].0 == pair[1].0 {
            diags.push(
                Diagnostic::error(format!(
                    "{} and {} both claim number {}: they come from two branches",
                    pair[0].1, pair[1].1, pair[0].0
                ))
                .help(format!(
                    "renumber the one made later: rename {}.toml to {:04}_{}.toml, delete its SQL files in migrations/<dialect>/, and run `modelc makemigrations` to compile them again",
                    pair[1].1,
                    found.last().map_or(pair[1].0, |l| l.0) + 1,
                    pair[1].1.split_once('_').map_or("", |(_, n)| n)
                )),
            );
        }
    }
    let mut out = Vec::with_capacity(found.len());
    for (number, name, path) in found {
        let text = match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(text)) => text,
            Ok(Err(_)) => {
                diags.push(
                    Diagnostic::error(format!("`{}` is not valid UTF-8", path.display()))
                        .help("save the file as UTF-8"),
                );
                continue;
            }
            Err(e) => {
                diags.push(
                    Diagnostic::error(format!("cannot read `{}`: {e}", path.display()))
                        .help("check its permissions"),
                );
                continue;
            }
        };
        let file = sources.add(path.display().to_string(), text);
        if let Some(ops) = crate::frontend::toml::migration::parse_migration(sources, file, diags) {
            out.push(MigrationFile {
                number,
                name,
                path,
                file,
                ops,
            });
        }
    }
    (diags.error_count() == before).then_some(out)
}

/// Replays migrations into a state. An operation that does not fit the state is reported.
pub fn replay<'m>(
    migrations: impl IntoIterator<Item = &'m MigrationFile>,
    project: &Project,
    diags: &mut Diagnostics,
) -> Option<State> {
    let mut state = State::new(project.clone());
    for m in migrations {
        for op in &m.ops {
            if let Err(d) = op.apply(&mut state) {
                diags.push(d);
                return None;
            }
        }
    }
    Some(state)
}

/// A span at the start of a file (for problems that concern the whole file).
pub fn file_start(file: FileId) -> Span {
    Span::new(file, 0..0)
}
