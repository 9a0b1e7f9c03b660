//! The derive's expansion against the tables modelc's own DDL makes of the same structs (this
//! file, read as `[project] sources`), on SQLite in memory: insert, get, the foreign key's
//! loader and filter, a choices field held as its enum and as its code, update, count, delete.

use modelc::ir::DialectName;
use modelc_macros::{Choices, Model};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Choices)]
pub enum Tier {
    #[choice("B", label = "Bronze")]
    Bronze,
    #[choice("G", label = "Gold")]
    Gold,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[model(app = "shop", ordering = ["title"])]
pub struct Collection {
    #[model(primary_key, auto)]
    pub id: i64,
    #[model(max_length = 255)]
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[model(app = "shop")]
pub struct Product {
    #[model(primary_key, auto)]
    pub id: i64,
    #[model(max_length = 255)]
    pub title: String,
    #[model(type = "char", max_length = 1, choices = Tier, default = "B")]
    pub tier: Tier,
    #[model(max_length = 1, choices = Tier, default = "B")]
    pub former_tier: String,
    #[model(foreign_key = Collection, on_delete = "protect")]
    pub collection: i64,
}

/// This file's models, as SQLite DDL (the diagnostics if they do not compile).
fn ddl() -> Result<String, String> {
    let c = modelc::compile_str(
        "models.toml",
        format!(
            "[project]\nsources = [\"{}/tests/sqlite.rs\"]\n",
            env!("CARGO_MANIFEST_DIR")
        ),
    );
    match &c.schema {
        Some(schema) => Ok(modelc::ddl::schema_sql(schema, DialectName::Sqlite)),
        None => Err(c.render_diagnostics(false)),
    }
}

#[tokio::test]
async fn derived_repository_on_sqlite() -> Result<(), Box<dyn std::error::Error>> {
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await?;
    // modelc's DDL of this file: identifiers validated and quoted by modelc.
    sqlx::raw_sql(sqlx::AssertSqlSafe(ddl()?))
        .execute(&pool)
        .await?;
    sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&pool)
        .await?;

    let c = Collection::insert(
        &pool,
        &NewCollection {
            title: "Toys".into(),
        },
    )
    .await?;
    let new = NewProduct {
        title: "Kite ✓".into(),
        tier: Tier::Gold,
        former_tier: "B".into(),
        collection: c.id,
    };
    let mut p = Product::insert(&pool, &new).await?;
    assert_eq!(p.tier, Tier::Gold);
    assert_eq!(Product::get(&pool, p.id).await?, Some(p.clone()));
    assert_eq!(p.fetch_collection(&pool).await?, c);
    assert_eq!(
        Product::filter_by_collection(&pool, c.id).await?,
        vec![p.clone()]
    );
    let code: String = sqlx::query_scalar("SELECT tier FROM shop_product")
        .fetch_one(&pool)
        .await?;
    assert_eq!(code, "G", "a choice is stored as its code");

    p.tier = Tier::Bronze;
    p.update(&pool).await?;
    assert_eq!(
        Product::get(&pool, p.id).await?.map(|p| p.tier),
        Some(Tier::Bronze)
    );
    assert_eq!(Product::count(&pool).await?, 1);

    // PROTECT: the collection cannot go while a product points at it.
    let refused = c.delete(&pool).await;
    assert!(
        matches!(&refused, Err(sqlx::Error::Database(e)) if e.is_foreign_key_violation()),
        "{refused:?}"
    );
    assert!(p.delete(&pool).await?);
    assert!(c.delete(&pool).await?);
    assert_eq!(Collection::count(&pool).await?, 0);
    Ok(())
}
