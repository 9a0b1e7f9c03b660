//! What the benchmarks share: reading back the medians criterion wrote in this run, for
//! the summary tables they print.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Criterion's median (ns) in `path`, if this run wrote it.
pub fn fresh_median_ns(path: &Path, started: SystemTime) -> Option<f64> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    if modified < started {
        return None;
    }
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    json["median"]["point_estimate"].as_f64()
}

/// Where criterion writes its results: the same search as criterion's own.
pub fn criterion_dir() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return Some(PathBuf::from(home));
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(PathBuf::from(target).join("criterion"));
    }
    let cargo = std::env::var_os("CARGO")?;
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .ok()?;
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    Some(PathBuf::from(json["target_directory"].as_str()?).join("criterion"))
}
