//! Writes a synthetic `#[derive(Model)]` file to stdout, for `scripts/bench-derive-build.sh`:
//!
//! ```sh
//! cargo run -p modelc-tests --example synth_rust -- 100 > models.rs
//! ```

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let n = std::env::args()
        .nth(1)
        .and_then(|n| n.parse::<usize>().ok());
    let Some(n) = n else {
        eprintln!("usage: synth_rust <models>");
        return ExitCode::from(2);
    };
    let text = modelc_tests::synth_rust::models_rs(n);
    match std::io::stdout().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("synth_rust: {e}");
            ExitCode::FAILURE
        }
    }
}
