//! Issue 3's migration benchmarks, in process (the whole-process timings of the CLI are taken
//! with hyperfine: see BENCHMARKS.md).
//!
//! - `makemigrations_<n>`, for 100, 1,000 and 10,000 synthetic models, against the initial
//!   migration of the same models with 1% of them changed (`synth_history`): the models'
//!   compile, the load and replay of the history, the autodetector alone (`detect`, the
//!   diff), and the whole of `makemigrations --dry-run --allow-destructive` as the CLI runs it
//!   (reading the files, compiling, replaying, detecting, writing the migration's text and
//!   SQL for the three dialects in memory).
//! - `replay_<n>`: a history of 1,000, 5,000 and 10,000 migrations (`0001_initial` of 1,000
//!   models, then small ones), read from its folder and replayed (`history::load` and
//!   `history::replay`, as every migration command does first), and replayed alone.
//! - `migrate_1000`: `runner::migrate` of the 1,000-model initial migration into a new SQLite
//!   file.
//!
//! `cargo bench -p modelc-tests --bench migrations`; after criterion's own report it prints a
//! table of this run's medians, with the ratios that show how the costs grow.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;

use modelc_tests::bench::{criterion_dir, fresh_median_ns};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, BenchmarkId, Criterion, SamplingMode};

use modelc::diagnostics::Diagnostics;
use modelc::ir::Project;
use modelc::migrate::history::{self, MigrationFile};
use modelc::migrate::make::{self, Made, MakeOptions};
use modelc::migrate::{diff, runner};
use modelc::source::SourceMap;
use modelc_tests::{synth, synth_history};

/// Model counts of the makemigrations benchmarks.
const MODELS: [usize; 3] = [100, 1_000, 10_000];
/// History lengths of the replay benchmarks.
const HISTORY: [usize; 3] = [1_000, 5_000, 10_000];
/// Models of the history's initial migration.
const HISTORY_MODELS: usize = 1_000;

const COMPILE: &str = "compile_models";
const REPLAY_INITIAL: &str = "load_replay_initial";
const DETECT: &str = "detect";
const MAKE: &str = "makemigrations_dry_run";
const LOAD_REPLAY: &str = "load_replay";
const REPLAY: &str = "replay";
const MIGRATE: &str = "migrate_sqlite";

fn scratch() -> PathBuf {
    std::env::temp_dir().join(format!("modelc-bench-migrations-{}", std::process::id()))
}

/// Sample counts for a suite that runs in a few minutes on two shared cores.
fn configure(g: &mut BenchmarkGroup<'_, WallTime>, slow: bool) {
    if slow {
        g.warm_up_time(Duration::from_secs(1));
        g.measurement_time(Duration::from_secs(10));
        g.sample_size(10);
        g.sampling_mode(SamplingMode::Flat);
    } else {
        g.warm_up_time(Duration::from_millis(500));
        g.measurement_time(Duration::from_secs(3));
        g.sample_size(20);
        g.sampling_mode(SamplingMode::Flat);
    }
}

/// The models file, its 1%-changed variant, and the folder with their initial migration
/// (TOML and SQL, as makemigrations writes it).
fn scenario(root: &Path, models: usize) -> (PathBuf, PathBuf) {
    let dir = root.join(format!("models-{models}"));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let base = dir.join("models.toml");
    std::fs::write(&base, synth::models_toml(models)).expect("write models");
    let changed = dir.join("changed.toml");
    std::fs::write(&changed, synth_history::changed_models_toml(models)).expect("write models");
    let migrations = dir.join("migrations");
    let mut loaded = make::load(&base, &migrations);
    let made = make::makemigrations(&mut loaded, &MakeOptions::default());
    assert!(
        matches!(made, Some(Made::Migration { written: true, .. })),
        "{}",
        loaded.diagnostics.render(&loaded.sources, false)
    );
    (changed, migrations)
}

fn load(dir: &Path) -> (SourceMap, Vec<MigrationFile>) {
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let files = history::load(dir, &mut sources, &mut diags).expect("the history loads");
    (sources, files)
}

fn load_replay(dir: &Path, project: &Project) -> usize {
    let (sources, files) = load(dir);
    let mut diags = Diagnostics::new();
    let state = history::replay(&files, project, &mut diags).expect("the history replays");
    let n = state.models().len();
    drop((state, files, sources));
    n
}

fn makemigrations(changed: &Path, migrations: &Path) -> usize {
    let mut loaded = make::load(changed, migrations);
    let made = make::makemigrations(
        &mut loaded,
        &MakeOptions {
            dry_run: true,
            allow_destructive: true,
            ..MakeOptions::default()
        },
    );
    match made {
        Some(Made::Migration { toml, .. }) => toml.len(),
        _ => panic!("{}", loaded.diagnostics.render(&loaded.sources, false)),
    }
}

fn makemigrations_benches(c: &mut Criterion, root: &Path) {
    for models in MODELS {
        let (changed, migrations) = scenario(root, models);
        let text = std::fs::read_to_string(&changed).expect("read");
        let schema = synth_history::compile(&text);
        let (_sources, files) = load(&migrations);
        let mut state = history::replay(&files, &schema.project, &mut Diagnostics::new())
            .expect("the initial migration replays");
        let before = state.resolved().clone();
        let detected = diff::detect(&before, &schema);
        assert!(detected.suspected_renames.is_empty());
        assert!(!detected.ops.is_empty());

        let mut g = c.benchmark_group(format!("makemigrations_{models}"));
        configure(&mut g, models >= 10_000);
        g.bench_with_input(BenchmarkId::new(COMPILE, models), &text, |b, text| {
            b.iter(|| modelc::compile_str("changed.toml", black_box(text).clone()))
        });
        g.bench_with_input(
            BenchmarkId::new(REPLAY_INITIAL, models),
            &migrations,
            |b, dir| b.iter(|| load_replay(black_box(dir), &schema.project)),
        );
        g.bench_with_input(BenchmarkId::new(DETECT, models), &before, |b, before| {
            b.iter(|| diff::detect(black_box(before), black_box(&schema)))
        });
        g.bench_with_input(BenchmarkId::new(MAKE, models), &changed, |b, changed| {
            b.iter(|| makemigrations(black_box(changed), &migrations))
        });
        g.finish();
    }
}

fn replay_benches(c: &mut Criterion, root: &Path) {
    let longest = HISTORY.iter().copied().max().unwrap_or(0);
    let all = synth_history::history(HISTORY_MODELS, longest);
    let project = synth_history::compile(&synth::models_toml(10)).project;
    for n in HISTORY {
        let dir = root.join(format!("history-{n}"));
        synth_history::write_files(&dir, &all[..n]).expect("write the history");
        let (_sources, files) = load(&dir);
        assert_eq!(files.len(), n);
        let mut g = c.benchmark_group(format!("replay_{n}"));
        configure(&mut g, n >= 5_000);
        g.bench_with_input(BenchmarkId::new(LOAD_REPLAY, n), &dir, |b, dir| {
            b.iter(|| load_replay(black_box(dir), &project))
        });
        g.bench_with_input(BenchmarkId::new(REPLAY, n), &files, |b, files| {
            b.iter(|| {
                history::replay(black_box(files), &project, &mut Diagnostics::new())
                    .expect("the history replays")
            })
        });
        g.finish();
    }
}

fn migrate_benches(c: &mut Criterion, root: &Path) {
    let models = 1_000;
    let dir = root.join(format!("models-{models}"));
    let migrations = if dir.join("migrations").exists() {
        dir.join("migrations")
    } else {
        scenario(root, models).1
    };
    let db = root.join("bench.sqlite3");
    let url = format!("sqlite://{}", db.display());
    let mut g = c.benchmark_group(format!("migrate_{models}"));
    configure(&mut g, true);
    g.bench_function(BenchmarkId::new(MIGRATE, models), |b| {
        b.iter_batched(
            || {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
                }
            },
            |()| {
                let report = runner::migrate_blocking(&url, &migrations, None, &mut |_| {})
                    .expect("the initial migration applies");
                assert_eq!(report.applied.len(), 1);
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn main() {
    let started = SystemTime::now();
    let root = scratch();
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("scratch folder");
    let mut c = Criterion::default().configure_from_args();
    makemigrations_benches(&mut c, &root);
    replay_benches(&mut c, &root);
    migrate_benches(&mut c, &root);
    c.final_summary();
    let _ = std::fs::remove_dir_all(&root);
    summary(started);
}

/// Prints the medians this run measured, and the ratios that show how costs grow.
fn summary(started: SystemTime) {
    let Some(dir) = criterion_dir() else {
        return;
    };
    let median = |group: String, bench: &str, n: usize| -> Option<f64> {
        let path = dir
            .join(group)
            .join(bench)
            .join(n.to_string())
            .join("new/estimates.json");
        fresh_median_ns(&path, started).map(|ns| ns / 1e6)
    };
    let mk = |bench: &str, n: usize| median(format!("makemigrations_{n}"), bench, n);
    let fmt = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |ms| format!("{ms:.3}"));
    println!("\nmedians of this run (ms)");
    println!(
        "{:>8} {:>14} {:>20} {:>10} {:>24}",
        "models", COMPILE, REPLAY_INITIAL, DETECT, MAKE
    );
    for n in MODELS {
        println!(
            "{n:>8} {:>14} {:>20} {:>10} {:>24}",
            fmt(mk(COMPILE, n)),
            fmt(mk(REPLAY_INITIAL, n)),
            fmt(mk(DETECT, n)),
            fmt(mk(MAKE, n))
        );
    }
    for bench in [DETECT, MAKE] {
        if let (Some(a), Some(b), Some(c)) = (mk(bench, 100), mk(bench, 1_000), mk(bench, 10_000)) {
            println!(
                "{bench}: 1,000 / 100 models {:.2}x, 10,000 / 1,000 models {:.2}x (linear: 10x)",
                b / a,
                c / b
            );
        }
    }
    println!(
        "\n{:>10} {:>12} {:>10} {:>26}",
        "migrations", LOAD_REPLAY, REPLAY, "load_replay per migration"
    );
    let rp = |bench: &str, n: usize| median(format!("replay_{n}"), bench, n);
    for n in HISTORY {
        let lr = rp(LOAD_REPLAY, n);
        println!(
            "{n:>10} {:>12} {:>10} {:>23} us",
            fmt(lr),
            fmt(rp(REPLAY, n)),
            lr.map_or_else(
                || "-".to_string(),
                |ms| format!("{:.1}", ms * 1e3 / n as f64)
            )
        );
    }
    if let (Some(a), Some(b), Some(c)) = (
        rp(LOAD_REPLAY, 1_000),
        rp(LOAD_REPLAY, 5_000),
        rp(LOAD_REPLAY, 10_000),
    ) {
        println!(
            "load_replay: 5,000 / 1,000 migrations {:.2}x, 10,000 / 5,000 {:.2}x (linear: 5x, 2x); \
             marginal cost {:.1} us (1,000 to 5,000), {:.1} us (5,000 to 10,000) per migration",
            b / a,
            c / b,
            (b - a) * 1e3 / 4_000.0,
            (c - b) * 1e3 / 5_000.0
        );
    }
    if let Some(m) = median("migrate_1000".into(), MIGRATE, 1_000) {
        println!("\nmigrate of the 1,000-model initial migration into SQLite: {m:.1} ms");
    }
}
