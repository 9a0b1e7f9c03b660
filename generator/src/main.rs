//! The `modelc` command. The command tree and its help live in `cli.rs`.

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    modelc::cli::main()
}
