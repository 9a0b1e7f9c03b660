//! Issue 2's time benchmarks: for 10, 100, 1,000 and 10,000 synthetic models, the `toml`
//! crate's parse into a generic table (the floor) and the whole pipeline (parse with spans,
//! validate, DDL for PostgreSQL, MySQL and SQLite), on the same text in the same run.
//!
//! `cargo bench -p modelc-tests --bench pipeline`; after criterion's own report it prints a
//! table of medians with the pipeline/toml ratio for each size and the 10,000/1,000 ratio
//! (see BENCHMARKS.md).
//!
//! The process allocates with mimalloc, as the `modelc` binary does; the floor and the
//! pipeline share it.

mod common;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;

use modelc_tests::bench::{criterion_dir, fresh_median_ns};
use std::time::{Duration, SystemTime};

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};

use common::{SIZES, pipeline, toml_parse_generic};

const FLOOR: &str = "toml_parse_generic";
const PIPELINE: &str = "pipeline";

fn group_name(models: usize) -> String {
    format!("models_{models}")
}

fn benches(c: &mut Criterion) {
    for models in SIZES {
        let text = modelc_tests::synth::models_toml(models);
        let mut g = c.benchmark_group(group_name(models));
        g.throughput(Throughput::Bytes(text.len() as u64));
        // Enough samples for a stable median, and a suite that runs in a few minutes on
        // two shared cores: one iteration per sample from 1,000 models up.
        match models {
            0..=100 => {
                g.warm_up_time(Duration::from_millis(500));
                g.measurement_time(Duration::from_secs(3));
                g.sample_size(50);
            }
            101..=1_000 => {
                g.warm_up_time(Duration::from_secs(1));
                g.measurement_time(Duration::from_secs(4));
                g.sample_size(30);
                g.sampling_mode(SamplingMode::Flat);
            }
            _ => {
                g.warm_up_time(Duration::from_secs(1));
                g.measurement_time(Duration::from_secs(15));
                g.sample_size(10);
                g.sampling_mode(SamplingMode::Flat);
            }
        }
        g.bench_with_input(BenchmarkId::new(FLOOR, models), &text, |b, text| {
            b.iter(|| toml_parse_generic(black_box(text)))
        });
        // The copy of the text into the owned String the compiler keeps (its SourceMap)
        // is part of the pipeline, as reading the file is for the CLI.
        g.bench_with_input(BenchmarkId::new(PIPELINE, models), &text, |b, text| {
            b.iter(|| pipeline(black_box(text).clone()))
        });
        g.finish();
    }
}

fn main() {
    let started = SystemTime::now();
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
    summary(started);
}

/// Prints the medians this run measured, and the ratios the targets are stated in.
fn summary(started: SystemTime) {
    let Some(dir) = criterion_dir() else {
        return;
    };
    let median = |models: usize, bench: &str| -> Option<f64> {
        let path = dir
            .join(group_name(models))
            .join(bench)
            .join(models.to_string())
            .join("new/estimates.json");
        fresh_median_ns(&path, started)
    };
    let mut rows = Vec::new();
    for models in SIZES {
        if let (Some(floor), Some(pipe)) = (median(models, FLOOR), median(models, PIPELINE)) {
            rows.push((models, floor, pipe));
        }
    }
    if rows.is_empty() {
        return;
    }
    println!("\nmedians of this run (ms)");
    println!(
        "{:>8} {:>12} {:>12} {:>16}",
        "models", FLOOR, PIPELINE, "pipeline / toml"
    );
    for &(models, floor, pipe) in &rows {
        println!(
            "{models:>8} {:>12.3} {:>12.3} {:>16.2}",
            floor / 1e6,
            pipe / 1e6,
            pipe / floor
        );
    }
    let at = |n: usize| rows.iter().find(|r| r.0 == n);
    if let (Some(&(_, f1k, p1k)), Some(&(_, f10k, p10k))) = (at(1_000), at(10_000)) {
        println!(
            "10,000 / 1,000 models: pipeline {:.2}x, toml {:.2}x (linear: 10x; target: at most 12x)",
            p10k / p1k,
            f10k / f1k
        );
    }
}
