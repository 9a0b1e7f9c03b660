//! The derives' errors as the compiler shows them (`tests/ui/*.rs`, each with its `.stderr`),
//! and items that must compile and run (`tests/pass/*.rs`). The toolchain is pinned by
//! rust-toolchain.toml, so the compiler's text stays the same. Re-bless after an intended
//! change: `TRYBUILD=overwrite cargo test -p modelc-macros --test ui`, then read the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/pass/*.rs");
}
