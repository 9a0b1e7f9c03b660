//! Generates the storefront's code once per database: `$OUT_DIR/storefront_sqlite.rs`,
//! `storefront_postgres.rs` and `storefront_mysql.rs`. The generated code is for one dialect
//! (its SQL, placeholders and row types), and this application picks one at run time, so it
//! includes all three (src/main.rs).
//!
//! The models are the repository's `models.toml`, with its `migrations/` folder: the build
//! fails when the models have changes that no migration holds.

use modelc::ir::DialectName;

fn main() {
    // `sqlx::migrate!` embeds the migrations' SQL when the crate compiles; a new migration
    // file must rebuild it (and the models check above reads the folder too).
    println!("cargo:rerun-if-changed=../../migrations");
    for dialect in DialectName::ALL {
        modelc::Build::new()
            .models("../../models.toml")
            .migrations("../../migrations")
            .dialect(dialect)
            .file(format!("storefront_{dialect}.rs"))
            .run();
    }
}
