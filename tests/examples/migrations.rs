//! The migration scenarios of issue 3 on disk, for whole-process timings of the CLI, and the
//! time of each stage of `makemigrations` (see BENCHMARKS.md):
//!
//! ```sh
//! # /tmp/mig/{100,1000,10000}/: models.toml (the synthetic models), changed.toml (1% of them
//! # changed) and migrations/ (0001_initial of models.toml, TOML and SQL, as makemigrations
//! # writes it); /tmp/mig/history-5000/: a history of 5,000 migrations (TOML only) and the
//! # models of its first one.
//! cargo run --release -p modelc-tests --example migrations -- setup /tmp/mig
//! # a history of another length: DIR/migrations/ and DIR/models.toml
//! cargo run --release -p modelc-tests --example migrations -- history /tmp/h 1000 10000
//! # median time of each stage, in process
//! cargo run --release -p modelc-tests --example migrations -- stages 100 1000 10000
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use modelc::diagnostics::Diagnostics;
use modelc::migrate::make::{self, Made, MakeOptions};
use modelc::migrate::{diff, history};
use modelc::source::SourceMap;
use modelc_tests::{synth, synth_history};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("setup") if args.len() == 2 => {
            setup(Path::new(&args[1]));
            ExitCode::SUCCESS
        }
        Some("stages") => {
            let sizes: Vec<usize> = args[1..].iter().filter_map(|a| a.parse().ok()).collect();
            for n in if sizes.is_empty() { vec![1000] } else { sizes } {
                stages(n);
            }
            ExitCode::SUCCESS
        }
        Some("history") if args.len() == 4 => {
            let (Ok(models), Ok(migrations)) = (args[2].parse(), args[3].parse()) else {
                eprintln!("usage: migrations history DIR MODELS MIGRATIONS");
                return ExitCode::FAILURE;
            };
            history(Path::new(&args[1]), models, migrations);
            ExitCode::SUCCESS
        }
        Some("replay") => {
            let lengths: Vec<usize> = args[1..].iter().filter_map(|a| a.parse().ok()).collect();
            replay(if lengths.is_empty() {
                &[1_000, 5_000, 10_000]
            } else {
                &lengths
            });
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!(
                "usage: migrations setup DIR | migrations history DIR MODELS MIGRATIONS | migrations stages [MODELS...] | migrations replay [MIGRATIONS...]"
            );
            ExitCode::FAILURE
        }
    }
}

/// The scenario of `models` models: models.toml, changed.toml and the initial migration.
pub fn scenario(root: &Path, models: usize) -> PathBuf {
    let dir = root.join(models.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the scenario folder");
    std::fs::write(dir.join("models.toml"), synth::models_toml(models)).expect("write");
    std::fs::write(
        dir.join("changed.toml"),
        synth_history::changed_models_toml(models),
    )
    .expect("write");
    let mut loaded = make::load(&dir.join("models.toml"), &dir.join("migrations"));
    let made = make::makemigrations(&mut loaded, &MakeOptions::default());
    assert!(
        matches!(made, Some(Made::Migration { written: true, .. })),
        "{}",
        loaded.diagnostics.render(&loaded.sources, false)
    );
    dir
}

fn setup(root: &Path) {
    for n in [100, 1_000, 10_000] {
        let dir = scenario(root, n);
        eprintln!("wrote {}", dir.display());
    }
    history(&root.join("history-5000"), 1_000, 5_000);
}

/// DIR/migrations: a history of `migrations` migration files (TOML only), the first one
/// creating `models` synthetic models; DIR/models.toml: those models.
fn history(dir: &Path, models: usize, migrations: usize) {
    let files = synth_history::history(models, migrations);
    let _ = std::fs::remove_dir_all(dir);
    synth_history::write_files(&dir.join("migrations"), &files).expect("write the history");
    std::fs::write(dir.join("models.toml"), synth::models_toml(models)).expect("write");
    eprintln!("wrote {}", dir.display());
}

/// Load and replay of histories of each length (1,000 models first, then small migrations).
fn replay(lengths: &[usize]) {
    let longest = lengths.iter().copied().max().unwrap_or(0);
    let files = synth_history::history(1_000, longest);
    let root =
        std::env::temp_dir().join(format!("modelc-migrations-replay-{}", std::process::id()));
    for &n in lengths {
        let dir = root.join(n.to_string());
        synth_history::write_files(&dir, &files[..n]).expect("write the history");
        let project = synth_history::compile(&synth::models_toml(10)).project;
        let mut t = Vec::new();
        for _ in 0..if n >= 10_000 { 5 } else { 11 } {
            let a = Instant::now();
            let mut sources = SourceMap::new();
            let mut diags = Diagnostics::new();
            let h = history::load(&dir, &mut sources, &mut diags).expect("history");
            let b = Instant::now();
            let state = history::replay(&h, &project, &mut diags).expect("replay");
            let c = Instant::now();
            assert!(!state.models().is_empty());
            drop((state, h, sources));
            t.push([(b - a).as_secs_f64() * 1e3, (c - b).as_secs_f64() * 1e3]);
        }
        println!(
            "{n:>6} migrations: load {:.1} ms, replay {:.1} ms",
            median(t.iter().map(|x| x[0]).collect()),
            median(t.iter().map(|x| x[1]).collect())
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn stages(n: usize) {
    let root =
        std::env::temp_dir().join(format!("modelc-migrations-stages-{}", std::process::id()));
    let dir = scenario(&root, n);
    let changed = dir.join("changed.toml");
    let migrations = dir.join("migrations");
    let runs = if n >= 10_000 { 5 } else { 21 };
    let mut t: Vec<[f64; 5]> = Vec::new();
    for _ in 0..runs {
        let a = Instant::now();
        let c = modelc::compile_file(&changed);
        let models = c.schema.expect("the changed models compile");
        let b = Instant::now();
        let mut sources = SourceMap::new();
        let mut diags = Diagnostics::new();
        let files = history::load(&migrations, &mut sources, &mut diags).expect("history");
        let c2 = Instant::now();
        let mut state = history::replay(&files, &models.project, &mut diags).expect("replay");
        let d = Instant::now();
        let detected = diff::detect(state.resolved(), &models);
        let e = Instant::now();
        assert!(!detected.ops.is_empty());
        t.push([
            (b - a).as_secs_f64() * 1e3,
            (c2 - b).as_secs_f64() * 1e3,
            (d - c2).as_secs_f64() * 1e3,
            (e - d).as_secs_f64() * 1e3,
            0.0,
        ]);
    }
    // The whole of makemigrations (dry run), in process.
    let mut whole = Vec::new();
    for _ in 0..runs {
        let a = Instant::now();
        let mut loaded = make::load(&changed, &migrations);
        let made = make::makemigrations(
            &mut loaded,
            &MakeOptions {
                dry_run: true,
                allow_destructive: true,
                ..MakeOptions::default()
            },
        );
        assert!(
            matches!(made, Some(Made::Migration { .. })),
            "{}",
            loaded.diagnostics.render(&loaded.sources, false)
        );
        whole.push(a.elapsed().as_secs_f64() * 1e3);
    }
    let col = |k: usize| median(t.iter().map(|x| x[k]).collect());
    println!(
        "{n:>6} models: compile {:.1} ms, history load {:.1} ms, replay {:.1} ms, detect {:.2} ms; makemigrations --dry-run in process {:.1} ms",
        col(0),
        col(1),
        col(2),
        col(3),
        median(whole)
    );
    let _ = std::fs::remove_dir_all(&root);
}
