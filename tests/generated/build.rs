//! Generates the Rust of the storefront (the repository's models.toml, with its migrations)
//! and of the all-types fixture (no migrations) for each dialect, as a user's build.rs does.

use modelc::codegen::build::Build;
use modelc::ir::{DialectName, Unmigrated};

fn main() {
    for dialect in DialectName::ALL {
        Build::new()
            .models("../../models.toml")
            .dialect(dialect)
            .file(format!("storefront_{dialect}.rs"))
            .run();
        Build::new()
            .models("../fixtures/all_types/models.toml")
            .dialect(dialect)
            .unmigrated(Unmigrated::Ignore)
            .file(format!("all_types_{dialect}.rs"))
            .run();
    }
}
