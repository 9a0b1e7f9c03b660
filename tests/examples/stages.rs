//! Times each stage of the pipeline (read, parse + lower, validate, DDL per dialect) on
//! synthetic models files, median of several runs: `cargo run --release -p modelc-tests
//! --example stages -- 1000 10000`.

use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use modelc::diagnostics::Diagnostics;
use modelc::source::SourceMap;

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    for n in if sizes.is_empty() {
        vec![1000, 10000]
    } else {
        sizes
    } {
        let text = modelc_tests::synth::models_toml(n);
        let runs = if n >= 10000 { 5 } else { 21 };
        let mut t: Vec<[f64; 5]> = Vec::new();
        for _ in 0..runs {
            let mut sources = SourceMap::new();
            let file = sources.add("m.toml", text.clone());
            let mut diags = Diagnostics::new();
            let a = Instant::now();
            let mut schema =
                modelc::frontend::toml::parse(&sources, file, &mut diags).expect("schema");
            let b = Instant::now();
            assert!(modelc::validate::validate(&mut schema, &mut diags));
            let c = Instant::now();
            let mut ddl = [0.0; 3];
            for (i, d) in schema.project.dialects.clone().iter().enumerate() {
                let s = Instant::now();
                let sql = modelc::ddl::schema_sql(&schema, *d);
                ddl[i] = s.elapsed().as_secs_f64() * 1e3;
                drop(sql);
            }
            let e = Instant::now();
            drop(schema);
            let f = Instant::now();
            t.push([
                (b - a).as_secs_f64() * 1e3,
                (c - b).as_secs_f64() * 1e3,
                ddl.iter().sum(),
                (f - e).as_secs_f64() * 1e3,
                (f - a).as_secs_f64() * 1e3,
            ]);
        }
        let med = |k: usize| {
            let mut v: Vec<f64> = t.iter().map(|x| x[k]).collect();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        println!(
            "{n:>6} models: parse {:.1} ms, validate {:.1} ms, ddl x3 {:.1} ms, drop {:.1} ms, total {:.1} ms",
            med(0),
            med(1),
            med(2),
            med(3),
            med(4)
        );
    }
}
