//! Issue 5's derive benchmark: what `#[derive(Model)]` costs the compiler on a 100-model
//! file, against the same models through `build.rs`.
//!
//! - `expand_all`: the work of the macro for every item of the file, as one compilation of
//!   the crate does it: the project (the crate's models.toml and the file) compiled once,
//!   cold, then `modelc::derive::expand` for each of the 101 items (100 models and their
//!   choices enum). Token conversion in and out of the compiler is not in it.
//! - `expand_one`: one model's expansion once the project is compiled (what each further
//!   derive of a crate costs).
//! - `build_rs`: `modelc::codegen::build::generate` on the same project: what the build
//!   script does (compile the models, generate the whole file).
//!
//! `cargo bench -p modelc-tests --bench derive` prints the medians and the ratio after
//! criterion's report; under `cargo test --all-targets` each runs once. The `cargo build`
//! times of a crate using each are measured by `scripts/bench-derive-build.sh`.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use criterion::Criterion;
use modelc::codegen::build::{Request, generate};
use modelc::derive::{Site, expand, forget_projects};
use modelc_tests::bench::{criterion_dir, fresh_median_ns};

const MODELS: usize = 100;
const GROUP: &str = "derive_100";

/// A crate folder with the synthetic derived models and their models.toml.
fn project() -> (PathBuf, PathBuf) {
    let dir = modelc_tests::repo_root().join("target/bench-derive");
    std::fs::create_dir_all(dir.join("src")).expect("create the bench's crate folder");
    let file = dir.join("src/models.rs");
    std::fs::write(&file, modelc_tests::synth_rust::models_rs(MODELS)).expect("write models.rs");
    std::fs::write(
        dir.join("models.toml"),
        modelc_tests::synth_rust::models_toml("src/models.rs", "postgres"),
    )
    .expect("write models.toml");
    (dir, file)
}

fn main() {
    let started = SystemTime::now();
    let (dir, file) = project();
    let text = std::fs::read_to_string(&file).expect("read models.rs");
    let items: Vec<syn::Item> = syn::parse_file(&text)
        .expect("the synthetic file is Rust")
        .items
        .into_iter()
        .filter(|i| matches!(i, syn::Item::Struct(_) | syn::Item::Enum(_)))
        .collect();
    assert_eq!(items.len(), MODELS + 1);
    let site = Site {
        file: Some(file.clone()),
        manifest_dir: Some(dir.clone()),
    };
    // Every expansion succeeds, and makes code: else the benchmark measures errors.
    forget_projects();
    for item in &items {
        let e = expand(item, &site);
        assert!(
            e.errors.is_empty() && e.placed.is_empty() && e.unplaced.is_empty(),
            "{:?} {:?} {:?}",
            e.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
            e.placed,
            e.unplaced
        );
        assert!(!e.code.is_empty());
    }
    let req = Request {
        models: dir.join("models.toml"),
        ..Request::default()
    };
    assert!(generate(&req).is_ok(), "build.rs's generation fails");

    let mut c = Criterion::default().configure_from_args();
    let mut g = c.benchmark_group(GROUP);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(5));
    g.sample_size(30);
    g.bench_function("expand_all", |b| {
        b.iter(|| {
            forget_projects();
            let mut bytes = 0;
            for item in &items {
                bytes += expand(black_box(item), &site).code.len();
            }
            bytes
        })
    });
    let middle = &items[MODELS / 2];
    expand(middle, &site);
    g.bench_function("expand_one", |b| {
        b.iter(|| expand(black_box(middle), &site).code.len())
    });
    g.bench_function("build_rs", |b| {
        b.iter(|| generate(black_box(&req)).map(|g| g.code.len()))
    });
    g.finish();
    c.final_summary();

    let median = |name: &str| -> Option<f64> {
        let path = criterion_dir()?
            .join(GROUP)
            .join(name)
            .join("new/estimates.json");
        fresh_median_ns(&path, started).map(|ns| ns / 1e6)
    };
    println!("\nthe derive on {MODELS} models, against build.rs (medians, ms)");
    for name in ["expand_all", "expand_one", "build_rs"] {
        let shown = median(name).map_or_else(|| "-".to_string(), |ms| format!("{ms:.3}"));
        println!("{name:>12} {shown:>10}");
    }
    if let (Some(all), Some(build)) = (median("expand_all"), median("build_rs")) {
        println!("expand_all / build_rs: {:.2}x", all / build);
    }
}
