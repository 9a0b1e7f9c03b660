//! Synthetic migration scenarios, for the migration benchmarks (issue 3).
//!
//! - [`changed_models_toml`]: the synthetic models of [`synth`](crate::synth) with 1% of the
//!   models changed: in each, a field added, a field removed and a field renamed (declared
//!   with `renamed_from`); the first of them is also renamed itself (`renamed_from` under its
//!   Meta, and every foreign key to it follows). Against the initial migration of the
//!   unchanged file, `makemigrations --allow-destructive` makes a migration of
//!   `1 + 4 × changed` operations or so (a rename of a model also renames its table).
//! - [`history`]: a migration history of any length: `0001_initial`, made by the library's
//!   autodetector from the synthetic models, then small migrations of one to three
//!   operations each (fields added, altered, renamed and removed, indexes and constraints
//!   added and removed, models created, renamed and deleted, now and then hand-written SQL),
//!   each checked against the state of the migrations before it and written by the
//!   library's own writer, so every file reads back and replays.
//!
//! Both are deterministic: the same arguments give the same bytes.

use std::fmt::Write as _;
use std::path::Path;

use modelc::ir::{
    CompactString, Constraint, Expr, ExprKind, Field, Index, IndexField, Model, Name, Schema,
    SqlExpr, SqlExprKind,
};
use modelc::migrate::diff::detect;
use modelc::migrate::file::write_migration;
use modelc::migrate::ops::{Op, Operation};
use modelc::migrate::state::State;
use modelc::source::Span;

use crate::synth::{DEFAULT_SEED, models_toml_seeded};

/// One model of a synthetic file: its name and the text of its sections.
struct Chunk {
    name: String,
    fields: Vec<String>,
    /// The Meta section's lines, without its header.
    meta: Option<String>,
}

/// Splits a synthetic models file into its header and its models.
fn split(text: &str) -> (String, Vec<Chunk>) {
    let mut sections = text.split("\n[models.");
    let header = sections.next().unwrap_or_default().to_string();
    let mut chunks: Vec<Chunk> = Vec::new();
    for section in sections {
        let (head, body) = section.split_once('\n').expect("a section header");
        let (name, kind) = head
            .strip_suffix(']')
            .and_then(|h| h.rsplit_once('.'))
            .expect("[models.Name.kind]");
        // The body ends with the blank line that separates sections (none at the end).
        let body = body.trim_end_matches('\n');
        match kind {
            "fields" => chunks.push(Chunk {
                name: name.to_string(),
                fields: body.lines().map(str::to_string).collect(),
                meta: None,
            }),
            "meta" => {
                let last = chunks.last_mut().expect("meta follows fields");
                assert_eq!(last.name, name);
                last.meta = Some(body.to_string());
            }
            other => panic!("unexpected section kind {other}"),
        }
    }
    (header, chunks)
}

fn join(header: &str, chunks: &[Chunk]) -> String {
    let mut out = String::with_capacity(header.len() + chunks.len() * 1000);
    out.push_str(header);
    for c in chunks {
        let _ = write!(out, "\n[models.{}.fields]\n", c.name);
        for f in &c.fields {
            out.push_str(f);
            out.push('\n');
        }
        if let Some(meta) = &c.meta {
            let _ = write!(out, "\n[models.{}.meta]\n{meta}\n", c.name);
        }
    }
    out
}

/// The field a line `name = { ... }` declares.
fn field_name(line: &str) -> &str {
    line.split_once('=').map_or("", |(n, _)| n.trim())
}

/// Scalar fields that a change may touch: never referenced by Meta (checked too), never a
/// relation, never the `name` every model has.
const TOUCHABLE: [&str; 12] = [
    "description",
    "payload",
    "email",
    "ratio",
    "due_on",
    "views",
    "stock",
    "rank",
    "uid",
    "slug",
    "is_active",
    "updated_at",
];

/// The models [`changed_models_toml`] changes: one in a hundred (at least one), spread over
/// the file.
pub fn changed_models(models: usize) -> Vec<usize> {
    let count = (models / 100).max(1);
    let step = models / count;
    (0..count).map(|k| k * step + step / 2).collect()
}

/// The synthetic models file of [`synth::models_toml`](crate::synth::models_toml) with 1% of
/// its models changed (see the module docs).
pub fn changed_models_toml(models: usize) -> String {
    changed_models_toml_seeded(models, DEFAULT_SEED)
}

/// [`changed_models_toml`] from another seed.
pub fn changed_models_toml_seeded(models: usize, seed: u64) -> String {
    let text = models_toml_seeded(models, seed);
    let (header, mut chunks) = split(&text);
    assert_eq!(chunks.len(), models);
    let changed = changed_models(models);
    for &i in &changed {
        let chunk = &mut chunks[i];
        let meta = chunk.meta.clone().unwrap_or_default();
        let mut touchable = TOUCHABLE
            .iter()
            .filter(|f| !meta.contains(**f) && chunk.fields.iter().any(|l| field_name(l) == **f));
        let renamed = *touchable.next().expect("a field to rename");
        let removed = *touchable.next().expect("a field to remove");
        let mut fields = Vec::with_capacity(chunk.fields.len() + 1);
        for line in &chunk.fields {
            let name = field_name(line);
            if name == removed {
                continue;
            }
            if name == renamed {
                let body = line.split_once('=').expect("name = {...}").1.trim();
                let body = body.strip_suffix('}').expect("an inline table").trim_end();
                fields.push(format!(
                    "{renamed}_v2 = {body}, renamed_from = \"{renamed}\" }}"
                ));
                continue;
            }
            fields.push(line.clone());
        }
        fields.push(
            "added_note = { type = \"char\", max_length = 40, null = true, db_comment = \"added\" }"
                .to_string(),
        );
        chunk.fields = fields;
    }
    // The first changed model is renamed, and every relation to it follows.
    let first = changed[0];
    let old = chunks[first].name.clone();
    let new = format!("{old}Renamed");
    chunks[first].name = new.clone();
    let declared = format!("renamed_from = \"{old}\"");
    chunks[first].meta = Some(match chunks[first].meta.take() {
        Some(meta) => format!("{declared}\n{meta}"),
        None => declared,
    });
    let (from, to) = (format!("to = \"{old}\""), format!("to = \"{new}\""));
    for chunk in &mut chunks[first + 1..] {
        for line in &mut chunk.fields {
            if line.contains(&from) {
                *line = line.replace(&from, &to);
            }
        }
    }
    join(&header, &chunks)
}

/// Compiles a models text that must be valid.
pub fn compile(text: &str) -> Schema {
    let c = modelc::compile_str("models.toml", text.to_string());
    match c.schema {
        Some(schema) if !c.diagnostics.has_errors() => schema,
        _ => panic!(
            "synthetic models do not compile:\n{}",
            c.render_diagnostics(false)
        ),
    }
}

/// The operations of `0001_initial` for `schema` (the autodetector from an empty state).
pub fn initial_ops(schema: &Schema) -> Vec<Op> {
    let mut empty = State::new(schema.project.clone());
    let detected = detect(empty.resolved(), schema);
    assert!(detected.suspected_renames.is_empty() && detected.destructive.is_empty());
    detected.ops
}

/// One migration file: its name (`0002_...`, without `.toml`) and text.
#[derive(Clone, Debug)]
pub struct MigrationText {
    pub name: String,
    pub text: String,
}

/// Writes `files` into `dir` (created if needed) as `NAME.toml`.
pub fn write_files(dir: &Path, files: &[MigrationText]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for f in files {
        std::fs::write(dir.join(format!("{}.toml", f.name)), &f.text)?;
    }
    Ok(())
}

/// SplitMix64, as in `synth`.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Removes and returns a random item.
    fn take<T>(&mut self, items: &mut Vec<T>) -> Option<T> {
        if items.is_empty() {
            None
        } else {
            let i = self.below(items.len());
            Some(items.swap_remove(i))
        }
    }
}

/// Fields and a model to copy from: compiled from models.toml text, so they are what the
/// frontend makes.
struct Templates {
    note: Field,
    wide_note: Field,
    counter: Field,
    link: Field,
    tag: Model,
}

impl Templates {
    fn new() -> Self {
        let schema = compile(
            "[project]\napp = \"synth\"\ndialects = [\"postgres\", \"mysql\", \"sqlite\"]\n\n\
             [models.Template.fields]\n\
             note = { type = \"char\", max_length = 40, null = true }\n\
             wide_note = { type = \"char\", max_length = 120, null = true }\n\
             counter = { type = \"integer\", default = 0 }\n\
             link = { type = \"foreign_key\", to = \"Template\", on_delete = \"set_null\", null = true }\n\n\
             [models.Tag.fields]\n\
             label = { type = \"char\", max_length = 60 }\n\
             weight = { type = \"small_integer\", default = 1 }\n\
             owner = { type = \"foreign_key\", to = \"Template\", on_delete = \"cascade\" }\n",
        );
        let t = schema.model("Template").expect("Template");
        let field = |name: &str| t.field(name).expect("template field").clone();
        Templates {
            note: field("note"),
            wide_note: field("wide_note"),
            counter: field("counter"),
            link: field("link"),
            tag: schema.model("Tag").expect("Tag").clone(),
        }
    }
}

fn named(template: &Field, name: &str) -> Field {
    let mut f = template.clone();
    f.name.text = CompactString::from(name);
    f
}

fn name(text: &str) -> Name {
    Name::new(text, Span::default())
}

/// The history's small migrations: what each one does, in turn.
#[derive(Clone, Copy)]
enum Step {
    AddField,
    AlterField,
    RenameField,
    AddIndex,
    CreateModel,
    AddCheck,
    RemoveIndex,
    RenameModel,
    RemoveField,
    RemoveCheck,
    DeleteModel,
    RunSql,
}

const STEPS: [Step; 12] = [
    Step::AddField,
    Step::AlterField,
    Step::RenameField,
    Step::AddIndex,
    Step::CreateModel,
    Step::AddCheck,
    Step::RemoveIndex,
    Step::RenameModel,
    Step::RemoveField,
    Step::RemoveCheck,
    Step::DeleteModel,
    Step::RunSql,
];

/// A migration history of `migrations` files (see the module docs): `0001_initial` creates
/// the `models` synthetic models, and each later migration makes one small change, so the
/// schema stays about that size. The files come in order; a prefix of the history of one
/// length is the history of the shorter length.
pub fn history(models: usize, migrations: usize) -> Vec<MigrationText> {
    let schema = compile(&models_toml_seeded(models, DEFAULT_SEED));
    let mut state = State::new(schema.project.clone());
    let mut out = Vec::with_capacity(migrations);
    if migrations == 0 {
        return out;
    }
    let initial = initial_ops(&schema);
    apply(&mut state, &initial);
    out.push(MigrationText {
        name: "0001_initial".into(),
        text: write_migration("0001_initial", &initial),
    });

    let t = Templates::new();
    let mut rng = Rng(DEFAULT_SEED ^ 0x6869_7374);
    // What the migrations so far made, for later ones to change or undo:
    // (model, field) added and not yet removed;
    let mut added: Vec<(String, String)> = Vec::new();
    // indexes (model, index) and checks (model, constraint) added;
    let mut indexes: Vec<(String, Index)> = Vec::new();
    let mut checks: Vec<(String, Constraint)> = Vec::new();
    // models created (no model points at them).
    let mut created: Vec<String> = Vec::new();
    let base: Vec<String> = schema
        .models
        .iter()
        .map(|m| m.name.text.to_string())
        .collect();
    let mut n = 1;
    while out.len() < migrations {
        n += 1;
        let step = STEPS[(n - 2) % STEPS.len()];
        let model = base[rng.below(base.len())].clone();
        let ops: Vec<Operation> = match step {
            Step::AddField => {
                let field = format!("note_{n}");
                added.push((model.clone(), field.clone()));
                vec![Operation::AddField {
                    model,
                    field: Box::new(named(&t.note, &field)),
                }]
            }
            Step::AlterField | Step::RenameField | Step::AddIndex => {
                let Some((model, field)) = rng.take(&mut added) else {
                    continue;
                };
                match step {
                    Step::AlterField => {
                        added.push((model.clone(), field.clone()));
                        vec![Operation::AlterField {
                            model,
                            field: Box::new(named(&t.wide_note, &field)),
                        }]
                    }
                    Step::RenameField => {
                        let to = format!("{field}_r{n}");
                        added.push((model.clone(), to.clone()));
                        vec![Operation::RenameField {
                            model,
                            from: field,
                            to,
                        }]
                    }
                    _ => {
                        let index = Index {
                            name: Some(name(&format!("synth_ix_{n}"))),
                            fields: vec![
                                IndexField {
                                    field: name(&field),
                                    descending: false,
                                },
                                IndexField {
                                    field: name("name"),
                                    descending: true,
                                },
                            ],
                            condition: None,
                            span: Span::default(),
                        };
                        // The field stays until its index is gone.
                        indexes.push((model.clone(), index.clone()));
                        vec![Operation::AddIndex { model, index }]
                    }
                }
            }
            Step::RemoveIndex => {
                let Some((model, index)) = rng.take(&mut indexes) else {
                    continue;
                };
                let field = index.fields[0].field.text.to_string();
                added.push((model.clone(), field));
                vec![Operation::RemoveIndex { model, index }]
            }
            Step::RemoveField => {
                let Some((model, field)) = rng.take(&mut added) else {
                    continue;
                };
                vec![Operation::RemoveField { model, field }]
            }
            Step::CreateModel => {
                let new = format!("Tag{n:05}");
                let mut m = t.tag.clone();
                m.name = name(&new);
                m.db_table = format!("synth_{}", new.to_lowercase());
                for f in &mut m.fields {
                    if let Some(rel) = f.relation.as_mut() {
                        rel.to.text = CompactString::from(model.as_str());
                    }
                }
                created.push(new);
                vec![Operation::CreateModel(Box::new(m))]
            }
            Step::RenameModel => {
                let Some(from) = rng.take(&mut created) else {
                    continue;
                };
                let to = format!("Tag{n:05}");
                created.push(to.clone());
                vec![
                    Operation::RenameModel {
                        from,
                        to: to.clone(),
                    },
                    Operation::AlterModelTable {
                        table: format!("synth_{}", to.to_lowercase()),
                        model: to,
                    },
                ]
            }
            Step::DeleteModel => {
                let Some(model) = rng.take(&mut created) else {
                    continue;
                };
                vec![Operation::DeleteModel { model }]
            }
            Step::AddCheck => {
                let field = format!("counter_{n}");
                let check = Constraint::Check {
                    name: Some(name(&format!("synth_ck_{n}"))),
                    check: SqlExpr {
                        kind: SqlExprKind::Portable(Expr {
                            kind: ExprKind::Binary(
                                modelc::ir::BinOp::GtEq,
                                Box::new(expr(ExprKind::Column(field.clone()))),
                                Box::new(expr(ExprKind::Number("0".into()))),
                            ),
                            span: Span::default(),
                        }),
                        span: Span::default(),
                    },
                    span: Span::default(),
                };
                checks.push((model.clone(), check.clone()));
                vec![
                    Operation::AddField {
                        model: model.clone(),
                        field: Box::new(named(&t.counter, &field)),
                    },
                    Operation::AddField {
                        model: model.clone(),
                        field: Box::new(named(&t.link, &format!("link_{n}"))),
                    },
                    Operation::AddConstraint {
                        model,
                        constraint: check,
                    },
                ]
                .into_iter()
                .map(|mut op| {
                    // The link points at another model of the base schema.
                    if let Operation::AddField { field, .. } = &mut op {
                        if let Some(rel) = field.relation.as_mut() {
                            rel.to.text = CompactString::from(base[n % base.len()].as_str());
                        }
                    }
                    op
                })
                .collect()
            }
            Step::RemoveCheck => {
                let Some((model, constraint)) = rng.take(&mut checks) else {
                    continue;
                };
                vec![Operation::RemoveConstraint { model, constraint }]
            }
            Step::RunSql => {
                let table = schema
                    .model(&model)
                    .map_or_else(String::new, |m| m.db_table.clone());
                vec![Operation::RunSql {
                    forward: vec![(None, format!("UPDATE {table} SET name = name WHERE id < 0"))],
                    reverse: Some(vec![(None, "SELECT 1".into())]),
                }]
            }
        };
        let ops: Vec<Op> = ops
            .into_iter()
            .map(|kind| Op::new(kind, Span::default()))
            .collect();
        apply(&mut state, &ops);
        let number = out.len() + 1;
        let name = format!(
            "{number:04}_{}",
            modelc::migrate::diff::migration_name(number as u32, &ops)
        );
        out.push(MigrationText {
            text: write_migration(&name, &ops),
            name,
        });
    }
    out
}

fn expr(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: Span::default(),
    }
}

fn apply(state: &mut State, ops: &[Op]) {
    for op in ops {
        if let Err(d) = op.apply(state) {
            panic!("synthetic migration does not apply: {}", d.message);
        }
    }
}
