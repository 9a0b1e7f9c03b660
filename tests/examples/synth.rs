//! Writes a synthetic models file to stdout, for the benchmarks and for timing the CLI:
//!
//! ```sh
//! cargo run --release -p modelc-tests --example synth -- 1000 > /tmp/m1000.toml
//! cargo run --release -p modelc-tests --example synth -- 1000 42   # another seed
//! ```

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match args.as_slice() {
        [n] => n
            .parse()
            .ok()
            .map(|n| (n, modelc_tests::synth::DEFAULT_SEED)),
        [n, seed] => n.parse().ok().zip(parse_seed(seed)),
        _ => None,
    };
    let Some((models, seed)) = parsed else {
        eprintln!("usage: synth MODELS [SEED]   (e.g. synth 1000 > /tmp/m1000.toml)");
        return ExitCode::FAILURE;
    };
    let text = modelc_tests::synth::models_toml_seeded(models, seed);
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("synth: cannot write: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_seed(s: &str) -> Option<u64> {
    match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}
