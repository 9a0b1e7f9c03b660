//! The migration property, on the real databases: for a random schema A and a random
//! sequence of edits giving B, migrating a database of A that has rows to B gives the catalog
//! that fresh DDL of B gives, and keeps the value of every column that survives in every row.
//!
//! A case is a seed (see `modelc_tests::random_models` for what is drawn). Per case and
//! dialect, in one database per dialect that is emptied between cases:
//! 1. `makemigrations` of A (0001), `migrate` to 0001, rows inserted into every table (and
//!    every many-to-many table), every row read back;
//! 2. `makemigrations --allow-destructive` of B (0002), `migrate` to it, the catalog and every
//!    row read back;
//! 3. the database emptied, fresh DDL of B applied, its catalog read;
//! 4. every fourth case, the database emptied, migrated to B and back to A (0002's down
//!    migration), its catalog read;
//! 5. the catalogs must be equal (columns compared in name order: a column a migration adds
//!    comes last, fresh DDL puts it in field order), and every row of A of a table that B
//!    keeps must still be there with the value of each column B keeps (through renames of
//!    tables and columns; numbers by value, so a widened decimal compares equal; a NULL of a
//!    column made NOT NULL must have become a value); and the catalog after the down
//!    migration must equal the catalog of A.
//!
//! Draws whose models do not compile, or that `makemigrations` refuses as a suspected rename
//! (a removed and an added field that look alike: always an error, by design), or that change
//! nothing, are drawn again from the same generator, so a seed always gives the same case.
//!
//! Environment:
//! - `MODELC_PROPERTY_CASES=<n>`: cases per dialect (default 200);
//! - `MODELC_PROPERTY_FIRST=<n>`: the first seed (default 1; seeds are consecutive);
//! - `MODELC_PROPERTY_SEED=<n>`: just that case (what a failure prints to reproduce it);
//! - `MODELC_PROPERTY_DOWN=all|none`: check the down migration in every case, or in none;
//! - `MODELC_PROPERTY_KEEP=<dir>`: copies each case's project (models.toml of B, the
//!   migrations of A and B) to `<dir>/seed-<n>/`, to run `modelc` on it by hand.
//!
//! Every failing case is reported with its seed, the edits, the models A and B, the migration
//! and its SQL for the dialect, and what differs; the test fails after running every case.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use modelc::ddl;
use modelc::ir::{DialectName, Schema};
use modelc::migrate::make::{self, Made, MakeOptions};
use modelc::migrate::runner::{self, Target};
use modelc_tests::catalog;
use modelc_tests::db::TestDb;
use modelc_tests::migrations::{self, Project, Rows, catalog_diff, quote, schema_catalog};
use modelc_tests::random_models::{Models, Rng, Ty, Val};

/// Whether the case of `seed` also checks the down migration: every fourth case unless
/// `MODELC_PROPERTY_DOWN` says `all` or `none`.
fn check_down(seed: u64) -> bool {
    match std::env::var("MODELC_PROPERTY_DOWN").as_deref() {
        Ok("all") => true,
        Ok("none") => false,
        _ => seed % 4 == 0,
    }
}

/// Rows per table of A.
const MIN_ROWS: u32 = 2;
const MAX_ROWS: u32 = 4;

/// How many failing cases are reported in full.
const REPORTED: usize = 5;

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    Some(
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a number")),
    )
}

/// The seeds to run, from the environment.
fn seeds() -> Vec<u64> {
    if let Some(seed) = env_u64("MODELC_PROPERTY_SEED") {
        return vec![seed];
    }
    let first = env_u64("MODELC_PROPERTY_FIRST").unwrap_or(1);
    let cases = env_u64("MODELC_PROPERTY_CASES").unwrap_or(200);
    (first..first + cases).collect()
}

/// One case: the models, the edits, the rows, and the project with both migrations made.
struct Case {
    seed: u64,
    a: Models,
    b: Models,
    a_schema: Schema,
    b_schema: Schema,
    edits: Vec<String>,
    rows: modelc_tests::random_models::Rows,
    project: Project,
    /// `0002_...`
    second: String,
    /// Draws thrown away before this one, by reason.
    redraws: BTreeMap<&'static str, u32>,
}

/// Why a case could not be made: a bug of modelc (makemigrations fails on valid models).
struct Unmade {
    seed: u64,
    a: String,
    b: String,
    edits: Vec<String>,
    error: String,
}

fn compiles(text: &str) -> Option<Schema> {
    modelc::compile_str("models.toml", text.to_string()).schema
}

/// `makemigrations` on the project's models: the migration's name, or the rendered errors.
fn makemigrations(project: &Project, allow_destructive: bool) -> Result<Option<String>, String> {
    let mut loaded = make::load(&project.models(), &project.migrations());
    let opts = MakeOptions {
        allow_destructive,
        ..MakeOptions::default()
    };
    match make::makemigrations(&mut loaded, &opts) {
        Some(Made::Migration { name, .. }) if !loaded.diagnostics.has_errors() => Ok(Some(name)),
        Some(Made::NoChanges { .. }) if !loaded.diagnostics.has_errors() => Ok(None),
        _ => Err(loaded.diagnostics.render(&loaded.sources, false)),
    }
}

/// Draws the case of `seed` (deterministic), with its migrations made in a new project.
fn draw(seed: u64) -> Result<Case, Unmade> {
    let mut rng = Rng::new(seed);
    let mut redraws: BTreeMap<&'static str, u32> = BTreeMap::new();
    loop {
        let a = Models::random(&mut rng);
        let a_text = a.toml();
        let Some(a_schema) = compiles(&a_text) else {
            *redraws.entry("A does not compile").or_default() += 1;
            continue;
        };
        let mut b = a.clone();
        let wanted = rng.range(1, 5) as usize;
        let mut edits = Vec::new();
        let mut b_schema = None;
        for _ in 0..wanted * 12 {
            if edits.len() == wanted {
                break;
            }
            let before = b.clone();
            let Some(what) = b.random_edit(&mut rng) else {
                continue;
            };
            match compiles(&b.toml()) {
                Some(s) => {
                    edits.push(what);
                    b_schema = Some(s);
                }
                None => {
                    *redraws.entry("an edit does not compile").or_default() += 1;
                    b = before;
                }
            }
        }
        let Some(b_schema) = b_schema else {
            *redraws.entry("no edit applies").or_default() += 1;
            continue;
        };
        let count = rng.range(MIN_ROWS, MAX_ROWS) as usize;
        let rows = a.rows(&mut rng, count);
        let b_text = b.toml();
        let unmade = |error: String| Unmade {
            seed,
            a: a_text.clone(),
            b: b_text.clone(),
            edits: edits.clone(),
            error,
        };
        let project = Project::new(&format!("property-{seed}"));
        project.write_models(&a_text);
        match makemigrations(&project, false) {
            Ok(Some(_)) => {}
            Ok(None) => return Err(unmade("makemigrations of A made no migration".into())),
            Err(e) => return Err(unmade(format!("makemigrations of A failed:\n{e}"))),
        }
        project.write_models(&b_text);
        let second = match makemigrations(&project, true) {
            Ok(Some(name)) => name,
            Ok(None) => {
                *redraws.entry("B is A").or_default() += 1;
                continue;
            }
            Err(e) if e.contains("a rename?") => {
                *redraws.entry("looks like a rename").or_default() += 1;
                continue;
            }
            Err(e) => return Err(unmade(format!("makemigrations of B failed:\n{e}"))),
        };
        return Ok(Case {
            seed,
            a,
            b,
            a_schema,
            b_schema,
            edits,
            rows,
            project,
            second,
            redraws,
        });
    }
}

/// An SQL literal of a value for `dialect`.
fn literal(dialect: DialectName, v: &Option<Val>) -> String {
    let Some(v) = v else {
        return "NULL".into();
    };
    match v {
        Val::Str(s) => format!("'{}'", s.replace('\'', "''")),
        Val::Int(i) => i.to_string(),
        Val::Dec(d) => d.clone(),
        Val::Bool(b) => match dialect {
            DialectName::Postgres => if *b { "TRUE" } else { "FALSE" }.into(),
            _ => if *b { "1" } else { "0" }.into(),
        },
        Val::Date(d) => format!("'{d}'"),
        Val::DateTime(dt) => format!("'{dt}'"),
        Val::Time(t) => format!("'{t}'"),
        Val::Float(f) => f.clone(),
        Val::Uuid(u) => format!("'{u:032x}'"),
        Val::Json(n) => format!("'{{\"k\": {n}}}'"),
    }
}

/// The INSERT statements of the case's rows, tables of A in model order.
fn inserts(case: &Case, dialect: DialectName) -> Result<Vec<String>, String> {
    let q = |s: &str| quote(dialect, s);
    let schema = &case.a_schema;
    let mut out = Vec::new();
    for (model_id, rows) in &case.rows.tables {
        let m = case.a.model(*model_id).ok_or("no model")?;
        let im = schema.model(&m.name).ok_or("model not compiled")?;
        let column = |field_id: u32| -> Result<String, String> {
            if field_id == 0 {
                return Ok("id".into());
            }
            let f = m.field(field_id).ok_or("no field")?;
            Ok(im
                .field(&f.name)
                .ok_or_else(|| format!("field {} not compiled", f.name))?
                .column
                .to_string())
        };
        let Some(first) = rows.first() else { continue };
        let columns: Vec<String> = first
            .iter()
            .map(|(f, _)| column(*f).map(|c| q(&c)))
            .collect::<Result<_, _>>()?;
        let values: Vec<String> = rows
            .iter()
            .map(|row| {
                let vals: Vec<String> = row.iter().map(|(_, v)| literal(dialect, v)).collect();
                format!("({})", vals.join(", "))
            })
            .collect();
        out.push(format!(
            "INSERT INTO {} ({}) VALUES {}",
            q(&im.db_table),
            columns.join(", "),
            values.join(", ")
        ));
    }
    for links in &case.rows.links {
        let (model_id, pairs) = (&links.model, &links.pairs);
        let m = case.a.model(*model_id).ok_or("no model")?;
        let f = m.field(links.field).ok_or("no field")?;
        let Ty::ManyToMany { to } = f.ty else {
            return Err("not many-to-many".into());
        };
        let im = schema.model(&m.name).ok_or("model not compiled")?;
        let field = im.field(&f.name).ok_or("field not compiled")?;
        let through = modelc::ir::auto_through(schema, im, field).ok_or("no through table")?;
        let values: Vec<String> = pairs
            .iter()
            .enumerate()
            .map(|(i, (from, target))| {
                format!(
                    "({}, {}, {})",
                    i + 1,
                    literal(dialect, &Some(case.a.pk_value(*model_id, *from))),
                    literal(dialect, &Some(case.a.pk_value(to, *target)))
                )
            })
            .collect();
        out.push(format!(
            "INSERT INTO {} ({}, {}, {}) VALUES {}",
            q(&through.table),
            q("id"),
            q(&through.from_column),
            q(&through.to_column),
            values.join(", ")
        ));
    }
    Ok(out)
}

/// What a column of a table of A should hold in B.
#[derive(Clone, Debug)]
enum Expect {
    /// The same value (numbers compared by value).
    Kept,
    /// NULLs became this value (`None`: some value, not compared).
    Filled(Option<String>),
}

/// A table of A that B keeps: its names, and each column B keeps.
#[derive(Debug)]
struct KeptTable {
    a: String,
    b: String,
    /// `(column in A, column in B, expectation)`
    columns: Vec<(String, String, Expect)>,
}

/// The tables and columns of A that B keeps, by identity (through renames).
fn kept(case: &Case) -> Result<Vec<KeptTable>, String> {
    let (sa, sb) = (&case.a_schema, &case.b_schema);
    let mut out = Vec::new();
    for ma in &case.a.models {
        let Some(mb) = case.b.model(ma.id) else {
            continue;
        };
        let ia = sa.model(&ma.name).ok_or("A model not compiled")?;
        let ib = sb.model(&mb.name).ok_or("B model not compiled")?;
        let mut columns = Vec::new();
        if ma.pk().is_none() && mb.pk().is_none() {
            columns.push(("id".to_string(), "id".to_string(), Expect::Kept));
        }
        for fa in &ma.fields {
            let Some(fb) = mb.field(fa.id) else {
                continue;
            };
            let a_field = ia.field(&fa.name).ok_or("A field not compiled")?;
            let b_field = ib.field(&fb.name).ok_or("B field not compiled")?;
            if let (Ty::ManyToMany { .. }, Ty::ManyToMany { .. }) = (&fa.ty, &fb.ty) {
                let ta = modelc::ir::auto_through(sa, ia, a_field).ok_or("no A through")?;
                let tb = modelc::ir::auto_through(sb, ib, b_field).ok_or("no B through")?;
                out.push(KeptTable {
                    a: ta.table,
                    b: tb.table,
                    columns: vec![
                        ("id".into(), "id".into(), Expect::Kept),
                        (ta.from_column, tb.from_column, Expect::Kept),
                        (ta.to_column, tb.to_column, Expect::Kept),
                    ],
                });
                continue;
            }
            if !fa.ty.has_column() || !fb.ty.has_column() {
                continue;
            }
            let expect = if fa.null && !fb.null {
                Expect::Filled(match &fb.default {
                    Some(Val::Str(s)) => Some(s.clone()),
                    Some(Val::Int(i)) => Some(i.to_string()),
                    Some(Val::Dec(d) | Val::Float(d)) => Some(d.clone()),
                    _ => None,
                })
            } else {
                Expect::Kept
            };
            columns.push((
                a_field.column.to_string(),
                b_field.column.to_string(),
                expect,
            ));
        }
        out.push(KeptTable {
            a: ia.db_table.clone(),
            b: ib.db_table.clone(),
            columns,
        });
    }
    Ok(out)
}

/// Numbers by value, everything else by text.
fn same(a: &str, b: &str) -> bool {
    a == b
        || match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
}

/// What B lost or changed of the rows of A: one line each; and how many values were compared.
fn rows_lost(case: &Case, before: &Rows, after: &Rows) -> Result<(Vec<String>, usize), String> {
    let mut out = Vec::new();
    let mut compared = 0;
    for t in kept(case)? {
        let Some(rb) = before.tables.get(&t.a) else {
            out.push(format!("A has no table {}", t.a));
            continue;
        };
        let Some(ra) = after.tables.get(&t.b) else {
            out.push(format!("B has no table {} (was {})", t.b, t.a));
            continue;
        };
        if rb.rows.len() != ra.rows.len() {
            out.push(format!(
                "{} had {} rows, {} has {}",
                t.a,
                rb.rows.len(),
                t.b,
                ra.rows.len()
            ));
        }
        for (key, row) in &rb.rows {
            // Keys keep their values (a widened key reads the same).
            let got = ra.rows.get(key).or_else(|| {
                ra.rows.iter().find_map(|(k, v)| {
                    (k.len() == key.len()
                        && k.iter().zip(key).all(|(x, y)| match (x, y) {
                            (Some(x), Some(y)) => same(x, y),
                            _ => x == y,
                        }))
                    .then_some(v)
                })
            });
            let Some(got) = got else {
                out.push(format!("{} row {key:?} is gone from {}", t.a, t.b));
                continue;
            };
            for (ca, cb, expect) in &t.columns {
                compared += 1;
                let was = row.get(ca).cloned().flatten();
                let is = got.get(cb).cloned().flatten();
                let ok = match (expect, &was, &is) {
                    (_, Some(w), Some(i)) => same(w, i),
                    (Expect::Kept, None, None) => true,
                    (Expect::Filled(None), None, Some(_)) => true,
                    (Expect::Filled(Some(d)), None, Some(i)) => same(d, i),
                    _ => false,
                };
                if !ok {
                    out.push(format!(
                        "{} row {key:?}: {ca} was {was:?}, {}.{cb} is {is:?} (expected {expect:?})",
                        t.a, t.b
                    ));
                }
            }
        }
    }
    Ok((out, compared))
}

/// Applies fresh DDL of `schema`, statement by statement.
async fn apply_fresh(db: &mut TestDb, schema: &Schema) -> Result<(), String> {
    let d = ddl::dialect_for(db.dialect());
    for statement in ddl::plan(schema, d) {
        let sql = ddl::render(std::slice::from_ref(&statement), d);
        if let Err(e) = db.execute(&sql).await {
            return Err(format!("fresh DDL of B failed: {e}\n{}", sql.trim_end()));
        }
    }
    Ok(())
}

/// Empties the database: every table, sqlx's history too.
async fn empty(db: &mut TestDb) {
    let all = catalog::read(db).await.expect("read the catalog");
    migrations::wipe(db, &all).await;
}

/// What a passing case compared.
#[derive(Default)]
struct Compared {
    tables: usize,
    values: usize,
}

/// Where the time of the cases went.
#[derive(Default, Debug)]
struct Timing {
    migrate_a: Duration,
    rows: Duration,
    migrate_b: Duration,
    fresh: Duration,
    down: Duration,
    catalogs: Duration,
}

impl Timing {
    fn lap(slot: &mut Duration, since: &mut Instant) {
        let now = Instant::now();
        *slot += now - *since;
        *since = now;
    }
}

/// Runs one case on `db` (which holds no table); `Err` says what failed.
async fn run_case(db: &mut TestDb, case: &Case, t: &mut Timing) -> Result<Compared, String> {
    let url = db.url().to_string();
    let root = case.project.migrations();
    let first = Target::parse("0001");
    let mut now = Instant::now();
    runner::migrate(&url, &root, Some(&first), &mut |_| {})
        .await
        .map_err(|e| format!("migrating to A (0001) failed:\n{e}"))?;
    Timing::lap(&mut t.migrate_a, &mut now);
    for sql in inserts(case, db.dialect())? {
        db.execute(&sql)
            .await
            .map_err(|e| format!("inserting the rows of A failed: {e}\n{sql}"))?;
    }
    let catalog_a = schema_catalog(db).await;
    let before = migrations::read_rows(db, &catalog_a).await;
    Timing::lap(&mut t.rows, &mut now);
    runner::migrate(&url, &root, None, &mut |_| {})
        .await
        .map_err(|e| format!("migrating A to B ({}) failed:\n{e}", case.second))?;
    Timing::lap(&mut t.migrate_b, &mut now);
    let migrated = schema_catalog(db).await;
    Timing::lap(&mut t.catalogs, &mut now);
    let after = migrations::read_rows(db, &migrated).await;
    Timing::lap(&mut t.rows, &mut now);
    let mut all = migrated.clone();
    all.tables
        .insert(runner::HISTORY_TABLE.to_string(), Default::default());
    migrations::wipe(db, &all).await;
    let mut problems = Vec::new();
    if check_down(case.seed) {
        // On an empty database (rows could make a down migration fail for good reasons:
        // a column dropped in B comes back NOT NULL without a default).
        runner::migrate(&url, &root, None, &mut |_| {})
            .await
            .map_err(|e| format!("migrating an empty database to B failed:\n{e}"))?;
        runner::migrate(&url, &root, Some(&first), &mut |_| {})
            .await
            .map_err(|e| format!("migrating B back to A ({} down) failed:\n{e}", case.second))?;
        let down = schema_catalog(db).await;
        let diff = catalog_diff(&catalog_a, &down);
        if !diff.is_empty() {
            problems.push(format!(
                "migrating B back to A ({} down) gives another catalog than A's (- A only, + after down only):\n{diff}",
                case.second
            ));
        }
        empty(db).await;
        Timing::lap(&mut t.down, &mut now);
    }
    apply_fresh(db, &case.b_schema).await?;
    Timing::lap(&mut t.fresh, &mut now);
    let fresh = schema_catalog(db).await;
    Timing::lap(&mut t.catalogs, &mut now);
    let diff = catalog_diff(&fresh, &migrated);
    if !diff.is_empty() {
        problems.push(format!(
            "the migrated catalog differs from fresh DDL of B (- fresh only, + migrated only):\n{diff}"
        ));
    }
    let (lost, values) = rows_lost(case, &before, &after)?;
    if !lost.is_empty() {
        problems.push(format!("rows lost or changed:\n  {}", lost.join("\n  ")));
    }
    if problems.is_empty() {
        Ok(Compared {
            tables: fresh.tables.len(),
            values,
        })
    } else {
        Err(problems.join("\n"))
    }
}

/// Copies the case's project (and models A beside it) to `<dir>/seed-<n>/`.
fn keep(case: &Case, dir: &std::path::Path) {
    fn copy(from: &std::path::Path, to: &std::path::Path) -> std::io::Result<()> {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            let target = to.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                copy(&entry.path(), &target)?;
            } else {
                std::fs::copy(entry.path(), &target)?;
            }
        }
        Ok(())
    }
    let to = dir.join(format!("seed-{}", case.seed));
    let _ = std::fs::remove_dir_all(&to);
    let copied = copy(case.project.dir(), &to)
        .and_then(|()| std::fs::write(to.join("models_a.toml"), case.a.toml()));
    if let Err(e) = copied {
        panic!("MODELC_PROPERTY_KEEP: cannot copy to {}: {e}", to.display());
    }
}

fn read(path: std::path::PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| format!("({}: {e})", path.display()))
}

fn test_name(dialect: DialectName) -> String {
    format!("migrate_property_{}", dialect.as_str())
}

/// The full report of a failing case.
fn report(case: &Case, dialect: DialectName, error: &str) -> String {
    let dir = case.project.migrations();
    format!(
        "==== seed {seed} on {dialect} FAILED\n\
         reproduce: MODELC_PROPERTY_SEED={seed} cargo test -p modelc-tests --test migrate_property -- {test} --nocapture\n\
         edits: {edits}\n\
         ---- models A\n{a}\
         ---- models B\n{b}\
         ---- migrations/{second}.toml\n{toml}\n\
         ---- migrations/{dialect}/{second}.up.sql\n{sql}\n\
         ---- what failed\n{error}\n",
        seed = case.seed,
        test = test_name(dialect),
        edits = case.edits.join("; "),
        a = case.a.toml(),
        b = case.b.toml(),
        second = case.second,
        toml = read(dir.join(format!("{}.toml", case.second))),
        sql = read(
            dir.join(dialect.as_str())
                .join(format!("{}.up.sql", case.second))
        ),
    )
}

fn unmade_report(u: &Unmade, dialect: DialectName) -> String {
    format!(
        "==== seed {seed} on {dialect} FAILED\n\
         reproduce: MODELC_PROPERTY_SEED={seed} cargo test -p modelc-tests --test migrate_property -- {test} --nocapture\n\
         edits: {edits}\n---- models A\n{a}---- models B\n{b}---- what failed\n{error}\n",
        seed = u.seed,
        test = test_name(dialect),
        edits = u.edits.join("; "),
        a = u.a,
        b = u.b,
        error = u.error,
    )
}

/// Prints the seed of the case being run if the test panics in it.
struct Running {
    seed: u64,
    dialect: DialectName,
}

impl Drop for Running {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let line = format!(
                "panicked in seed {} on {} (or in a case run beside it): reproduce with MODELC_PROPERTY_SEED={} cargo test -p modelc-tests --test migrate_property -- {}\n",
                self.seed,
                self.dialect,
                self.seed,
                test_name(self.dialect)
            );
            let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
        }
    }
}

/// What the cases of one worker found.
#[derive(Default)]
struct Tally {
    failures: Vec<(u64, String)>,
    redraws: BTreeMap<&'static str, u32>,
    drawing: Duration,
    compared: Compared,
    timing: Timing,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.failures.extend(other.failures);
        for (k, v) in other.redraws {
            *self.redraws.entry(k).or_default() += v;
        }
        self.drawing += other.drawing;
        self.compared.tables += other.compared.tables;
        self.compared.values += other.compared.values;
        let (t, o) = (&mut self.timing, other.timing);
        t.migrate_a += o.migrate_a;
        t.rows += o.rows;
        t.migrate_b += o.migrate_b;
        t.fresh += o.fresh;
        t.down += o.down;
        t.catalogs += o.catalogs;
    }
}

/// Runs `seeds` one after the other in a database of its own.
async fn worker(dialect: DialectName, seeds: Vec<u64>) -> Option<Tally> {
    if seeds.is_empty() {
        return Some(Tally::default());
    }
    let mut db = TestDb::create(&test_name(dialect), dialect).await?;
    let mut tally = Tally::default();
    for seed in seeds {
        let _running = Running { seed, dialect };
        let t = Instant::now();
        let case = draw(seed);
        tally.drawing += t.elapsed();
        let case = match case {
            Ok(c) => c,
            Err(u) => {
                tally.failures.push((seed, unmade_report(&u, dialect)));
                continue;
            }
        };
        for (k, v) in &case.redraws {
            *tally.redraws.entry(k).or_default() += v;
        }
        if let Ok(dir) = std::env::var("MODELC_PROPERTY_KEEP") {
            keep(&case, std::path::Path::new(&dir));
        }
        let result = run_case(&mut db, &case, &mut tally.timing).await;
        let t = Instant::now();
        empty(&mut db).await;
        tally.timing.catalogs += t.elapsed();
        match result {
            Ok(c) => {
                tally.compared.tables += c.tables;
                tally.compared.values += c.values;
            }
            Err(e) => tally.failures.push((seed, report(&case, dialect, &e))),
        }
    }
    Some(tally)
}

async fn property(dialect: DialectName) {
    let test = test_name(dialect);
    let seeds = seeds();
    let started = Instant::now();
    // Two databases side by side: the servers wait on disk as much as they work.
    let even: Vec<u64> = seeds.iter().copied().step_by(2).collect();
    let odd: Vec<u64> = seeds.iter().copied().skip(1).step_by(2).collect();
    let (a, b) = tokio::join!(worker(dialect, even), worker(dialect, odd));
    let (Some(mut tally), Some(b)) = (a, b) else {
        return;
    };
    tally.add(b);
    tally.failures.sort_by_key(|(seed, _)| *seed);
    let elapsed = started.elapsed();
    let summary = format!(
        "{test}: {} cases in {:.1}s ({:.1}s drawing and making migrations); {} tables and {} values compared in the cases that passed; draws redrawn: {:?}; {:?}",
        seeds.len(),
        elapsed.as_secs_f64(),
        tally.drawing.as_secs_f64(),
        tally.compared.tables,
        tally.compared.values,
        tally.redraws,
        tally.timing,
    );
    let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("{summary}\n").as_bytes());
    let failures = tally.failures;
    if !failures.is_empty() {
        let failing: Vec<String> = failures.iter().map(|(s, _)| s.to_string()).collect();
        let shown: Vec<&str> = failures
            .iter()
            .take(REPORTED)
            .map(|(_, r)| r.as_str())
            .collect();
        panic!(
            "{} of {} cases failed on {dialect}; failing seeds: {}\n\n{}",
            failures.len(),
            seeds.len(),
            failing.join(" "),
            shown.join("\n")
        );
    }
}

#[tokio::test]
async fn migrate_property_postgres() {
    property(DialectName::Postgres).await;
}

#[tokio::test]
async fn migrate_property_mysql() {
    property(DialectName::MySql).await;
}

#[tokio::test]
async fn migrate_property_sqlite() {
    property(DialectName::Sqlite).await;
}

/// The generator itself, without databases: every seed gives a case whose models compile
/// and whose migrations are made, and the same case every time.
#[test]
fn cases_are_valid_and_deterministic() {
    for seed in seeds().into_iter().take(50) {
        let one = draw(seed).map(|c| (c.a.toml(), c.b.toml(), c.edits));
        let two = draw(seed).map(|c| (c.a.toml(), c.b.toml(), c.edits));
        match (one, two) {
            (Ok(x), Ok(y)) => assert_eq!(x, y, "seed {seed} draws two different cases"),
            (Err(u), _) | (_, Err(u)) => panic!("{}", unmade_report(&u, DialectName::Postgres)),
        }
    }
}
