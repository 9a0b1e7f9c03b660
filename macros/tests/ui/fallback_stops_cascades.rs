use modelc_macros::Model;

// One mistake, reported once: the code that uses the struct's repository and New struct
// reports nothing more.
#[derive(Model)]
#[model(app = "store")]
pub struct Collection {
    pub id: i64,
    #[model(max_lenght = 255)]
    pub title: String,
}

async fn uses(pool: &sqlx::SqlitePool) -> Result<(), sqlx::Error> {
    let c = Collection::insert(pool, &NewCollection { title: "a".into() }).await?;
    let _ = Collection::get(pool, c.id).await?;
    let _ = Collection::list(pool, 10, 0).await?;
    Ok(())
}

fn main() {
    let _ = uses;
}
