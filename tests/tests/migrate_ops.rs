//! Every migration operation, on every real database (PostgreSQL, MariaDB, SQLite), one small
//! case each: `cargo test -p modelc-tests --test migrate_ops`.
//!
//! A case is a pair of models files under `tests/fixtures/migrations/ops/models/` (see the
//! README there). For each dialect, in a fresh database: `makemigrations` of the first models
//! and `migrate`; the catalog must equal the one fresh DDL of those models makes (in a second
//! fresh database). Rows go into every table (`rows/*.sql`: several per table, NULLs where
//! allowed, quotes, non-ASCII). Then the second models, `makemigrations` (its operations are
//! checked, so each case exercises what it names) and `migrate` forwards: the catalog must
//! equal fresh DDL of the second models, column order aside (an added column comes last, as in
//! Django) — tables, columns, types, nullability, defaults, primary keys, uniques, foreign keys
//! with their ON DELETE, indexes (columns, order, uniqueness, partial) and checks, all by
//! name; and every row must still be there with the same value in every column that survives
//! (under its new name when renamed; widened numbers by value; NULLs filled where the case says
//! so). Then `migrate` back to the first migration: the catalog must equal fresh DDL of the
//! first models again, and every value that survived must survive the way back too.
//!
//! `run_sql`: hand-written RunSQL migrations, compiled by `makemigrations`, with their data
//! change and its reversal; and one without reverse_sql, which has no down migration.

#[path = "migrate_ops/case.rs"]
mod case;
#[path = "migrate_ops/run_sql.rs"]
mod run_sql;

use case::Case;
use modelc_tests::migrations::Renames;

/// A module per case with one test per dialect: `add_field::postgres`.
macro_rules! cases {
    ($($name:ident => $case:expr;)*) => {$(
        mod $name {
            use super::*;
            use modelc::ir::DialectName;

            #[tokio::test]
            async fn postgres() {
                ($case).run(stringify!($name), DialectName::Postgres).await;
            }

            #[tokio::test]
            async fn mysql() {
                ($case).run(stringify!($name), DialectName::MySql).await;
            }

            #[tokio::test]
            async fn sqlite() {
                ($case).run(stringify!($name), DialectName::Sqlite).await;
            }
        }
    )*};
}

cases! {
    create_model => Case::new("base", "review").ops(&["create_model"]);
    delete_model => Case::new("review", "base")
        .rows(&["base", "review"])
        .destructive()
        .ops(&["delete_model"]);
    delete_model_referenced => Case::new("relations", "no_publisher")
        .rows(&["base", "relations"])
        .destructive()
        .ops(&["remove_field", "remove_field", "delete_model"]);
    rename_model => Case::new("base", "rename_model")
        .renames(Renames::default().table("store_author", "store_writer"))
        .ops(&["rename_model", "alter_model_table"]);
    rename_model_many_to_many => Case::new("book_tags", "rename_model_many_to_many")
        .rows(&["base", "tag", "book_tags"])
        .renames(
            Renames::default()
                .table("store_book", "store_volume")
                .table("store_book_tags", "store_volume_tags")
                .column("store_book_tags", "book_id", "volume_id"),
        )
        .ops(&["rename_model", "alter_model_table"]);
    alter_model_table => Case::new("base", "alter_model_table")
        .renames(Renames::default().table("store_author", "library_author"))
        .ops(&["alter_model_table"]);
    alter_model_table_and_field => Case::new("base", "alter_model_table_and_field")
        .renames(Renames::default().table("store_author", "library_author"))
        .ops(&["alter_model_table", "alter_field"]);
    add_field => Case::new("base", "add_field").ops(&["add_field"; 8]);
    add_field_fk => Case::new("base", "relations").ops(&["add_field", "add_field"]);
    remove_field => Case::new("base", "remove_field")
        .destructive()
        .ops(&["remove_field", "remove_field", "remove_field"]);
    remove_field_fk => Case::new("relations", "base")
        .rows(&["base", "relations"])
        .destructive()
        .ops(&["remove_field", "remove_field"]);
    alter_field_type => Case::new("base", "alter_field_type")
        .ops(&["alter_field", "alter_field", "alter_field"]);
    alter_field_max_length => Case::new("base", "alter_field_max_length").ops(&["alter_field"]);
    alter_field_max_length_narrow => Case::new("base", "alter_field_max_length_narrow")
        .destructive()
        .ops(&["alter_field"]);
    alter_field_not_null => Case::new("base", "alter_field_not_null")
        .destructive()
        .fills(&[("store_book", "pages", "0")])
        .ops(&["alter_field"]);
    alter_field_null => Case::new("base", "alter_field_null").ops(&["alter_field", "alter_field"]);
    alter_field_default => Case::new("base", "alter_field_default")
        .ops(&["alter_field", "alter_field", "alter_field", "alter_field"]);
    alter_field_unique => Case::new("base", "alter_field_unique")
        .ops(&["alter_field", "alter_field"]);
    alter_field_db_index => Case::new("base", "alter_field_db_index")
        .ops(&["alter_field", "alter_field"]);
    alter_field_choices => Case::new("base", "alter_field_choices")
        .ops(&["alter_field", "alter_field"]);
    alter_field_db_column => Case::new("base", "alter_field_db_column")
        .renames(Renames::default().column("store_book", "title", "book_title"))
        .ops(&["alter_field"]);
    alter_field_one_to_one_to_fk => Case::new("relations", "relations_agent_fk")
        .rows(&["base", "relations"])
        .ops(&["alter_field"]);
    alter_field_pk_type => Case::new("author_int_pk", "base").ops(&["alter_field"]);
    alter_field_referenced => Case::new("publisher_by_name", "publisher_by_name_wider")
        .rows(&["base", "publisher_by_name"])
        .ops(&["alter_field"]);
    alter_field_on_delete => Case::new("base", "alter_field_on_delete").ops(&["alter_field"]);
    alter_field_fk_target => Case::new("base", "alter_field_fk_target").ops(&["alter_field"]);
    rename_field => Case::new("base", "rename_field")
        .renames(
            Renames::default()
                .column("store_book", "title", "name")
                .column("store_book", "status", "state")
                .column("store_author", "born", "birth_date"),
        )
        .ops(&["rename_field", "rename_field", "rename_field"]);
    rename_field_fk => Case::new("base", "rename_field_fk")
        .renames(Renames::default().column("store_book", "author_id", "writer_id"))
        .ops(&["rename_field"]);
    add_index => Case::new("base", "add_index").ops(&["add_index", "add_index", "add_index"]);
    remove_index => Case::new("add_index", "base")
        .ops(&["remove_index", "remove_index", "remove_index"]);
    rename_indexed_fields => Case::new("add_index", "add_index_renamed_fields")
        .renames(
            Renames::default()
                .column("store_book", "pages", "page_count")
                .column("store_book", "in_print", "available")
                .column("store_author", "name", "full_name"),
        )
        .ops(&["rename_field"; 3]);
    remove_indexed_field => Case::new("add_index", "add_index_without_pages")
        .destructive()
        .ops(&["remove_index", "remove_field"]);
    add_constraint => Case::new("base", "add_constraint")
        .ops(&["add_constraint", "add_constraint", "add_constraint"]);
    remove_constraint => Case::new("add_constraint", "base")
        .ops(&["remove_constraint", "remove_constraint", "remove_constraint"]);
    alter_unique_together => Case::new("base", "unique_together")
        .ops(&["alter_unique_together"]);
    many_to_many_create => Case::new("tag", "book_tags")
        .rows(&["base", "tag"])
        .ops(&["add_field"]);
    many_to_many_drop => Case::new("book_tags", "tag")
        .rows(&["base", "tag", "book_tags"])
        .destructive()
        .ops(&["remove_field"]);
}
