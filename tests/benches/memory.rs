//! Issue 2's memory benchmark: peak heap of the pipeline against the size of its input.
//!
//! A counting global allocator tracks the bytes currently allocated and their peak. For
//! each size, the synthetic file is written to disk and measured three ways, each peak taken
//! from the moment before the file is read, so it includes the input text the compiler keeps:
//!
//! - the floor: the `toml` crate parsing the text into a generic `toml::Table`;
//! - the whole pipeline, as in the time benchmark (parse, validate, the DDL of each dialect
//!   rendered and dropped in turn, as `modelc sql` does);
//! - the same stage by stage (parse and lower, validate, DDL per dialect), with the peak of
//!   each stage and what stays allocated after it, to show where the memory goes.
//!
//! `cargo bench -p modelc-tests --bench memory` (1,000 and 10,000 models), or
//! `cargo bench -p modelc-tests --bench memory -- 100 1000` for other sizes.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use modelc::diagnostics::Diagnostics;
use modelc::source::SourceMap;

/// Forwards to the system allocator, counting the bytes in use and their peak.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let now = CURRENT.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(bytes: usize) {
    CURRENT.fetch_sub(bytes, Ordering::Relaxed);
}

// SAFETY: every method forwards its arguments unchanged to `System`, which upholds
// GlobalAlloc's contract; the counting only touches atomics and never allocates.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's layout is passed on as is.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout` (every allocation here is).
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`; the caller guarantees `new_size` is valid for `layout`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // Count the new block before freeing the old: a moving realloc holds both.
            grew(new_size);
            shrank(layout.size());
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn current() -> usize {
    CURRENT.load(Ordering::Relaxed)
}

/// Starts a new peak at the current level; returns that level.
fn reset_peak() -> usize {
    let now = current();
    PEAK.store(now, Ordering::Relaxed);
    now
}

fn peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}

fn mb(bytes: usize) -> String {
    format!("{:.2} MB", bytes as f64 / 1e6)
}

fn measure(models: usize) {
    let dir = std::env::temp_dir().join(format!("modelc-bench-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join(format!("models{models}.toml"));
    let input = {
        let text = modelc_tests::synth::models_toml(models);
        std::fs::write(&path, &text).expect("the models file written");
        text.len()
    };
    println!("\n{models} models: input {} ({input} bytes)", mb(input));

    // The floor: the toml crate alone parsing the same text into a generic table.
    {
        let text = std::fs::read_to_string(&path).expect("the models file read");
        let base = reset_peak();
        let table = common::toml_parse_generic(&text);
        let (peak, holds) = (peak() - base, current() - base);
        drop(table);
        println!(
            "  floor, toml::from_str::<toml::Table>: peak heap {} = {:.1}x the input (the table alone: {})",
            mb(peak),
            peak as f64 / input as f64,
            mb(holds)
        );
    }

    // The whole pipeline, as `modelc sql` runs it: read the file, then the benchmarks'
    // pipeline (compile_str, and the DDL of each dialect rendered and dropped in turn).
    let base = reset_peak();
    let text = std::fs::read_to_string(&path).expect("the models file read");
    let sql_bytes = common::pipeline(text);
    let whole = peak() - base;
    println!(
        "  whole pipeline: peak heap {} = {:.1}x the input (SQL written: {} for 3 dialects)",
        mb(whole),
        whole as f64 / input as f64,
        mb(sql_bytes)
    );

    // The same, stage by stage: the peak of each stage above what was allocated before
    // the file was read, and what stays allocated after it.
    let base = reset_peak();
    let text = std::fs::read_to_string(&path).expect("the models file read");
    let mut sources = SourceMap::new();
    let file = sources.add(path.display().to_string(), text);
    let stage = |name: &str, peak: usize, after: usize| {
        println!(
            "  {name:<24} peak {:>10} ({:>5.1}x input), then holds {:>10}",
            mb(peak - base),
            (peak - base) as f64 / input as f64,
            mb(after - base)
        );
    };
    stage("read", peak(), current());
    reset_peak();
    let mut diags = Diagnostics::new();
    let mut schema = modelc::frontend::toml::parse(&sources, file, &mut diags).expect("a schema");
    stage("parse + lower (frontend)", peak(), current());
    reset_peak();
    let ok = modelc::validate::validate(&mut schema, &mut diags);
    assert!(ok && diags.is_empty(), "synthetic models compile cleanly");
    stage("validate", peak(), current());
    for &d in &schema.project.dialects.clone() {
        reset_peak();
        // Written as `modelc sql` writes it, table by table, here into a sink.
        modelc::ddl::write_schema(&schema, d, &mut std::io::sink()).expect("a sink never fails");
        stage(&format!("DDL {d}"), peak(), current());
    }
    drop(schema);
    drop(sources);
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    // `cargo bench` passes `--bench`; a number picks the sizes, e.g. `-- 1000 10000`.
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.replace(['_', ','], "").parse().ok())
        .collect();
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let sizes = if sizes.is_empty() {
        common::SIZES[2..].to_vec()
    } else {
        sizes
    };
    println!("peak heap of the pipeline (counting global allocator)");
    for models in sizes {
        measure(models);
    }
}
