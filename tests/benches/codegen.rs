//! Placeholder: filled in by the benchmarks of issue 4.

fn main() {}
