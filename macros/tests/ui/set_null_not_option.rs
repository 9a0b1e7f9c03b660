use modelc_macros::Model;

#[derive(Model)]
#[model(app = "store")]
struct Collection {
    #[model(primary_key, auto)]
    id: i64,
}

#[derive(Model)]
#[model(app = "store")]
struct Product {
    #[model(primary_key, auto)]
    id: i64,
    #[model(foreign_key = Collection, on_delete = "set_null")]
    collection: i64,
}

fn main() {}
