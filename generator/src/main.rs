//! The `modelc` command. The command tree and its help live in `cli.rs`.

fn main() -> std::process::ExitCode {
    modelc::cli::main()
}
