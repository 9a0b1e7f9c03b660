//! The code modelc generates, included as a user's crate includes it. The workspace's
//! `cargo clippy --all-targets -- -D warnings` holds it to no warnings; the repository tests
//! in `tests/tests/repo_*.rs` run it on the real databases.

/// The storefront (`models.toml` at the repository's top).
pub mod storefront {
    pub mod postgres {
        include!(concat!(env!("OUT_DIR"), "/storefront_postgres.rs"));
    }
    pub mod mysql {
        include!(concat!(env!("OUT_DIR"), "/storefront_mysql.rs"));
    }
    pub mod sqlite {
        include!(concat!(env!("OUT_DIR"), "/storefront_sqlite.rs"));
    }
}

/// Every field type and option (`tests/fixtures/all_types/models.toml`).
pub mod all_types {
    pub mod postgres {
        include!(concat!(env!("OUT_DIR"), "/all_types_postgres.rs"));
    }
    pub mod mysql {
        include!(concat!(env!("OUT_DIR"), "/all_types_mysql.rs"));
    }
    pub mod sqlite {
        include!(concat!(env!("OUT_DIR"), "/all_types_sqlite.rs"));
    }
}
