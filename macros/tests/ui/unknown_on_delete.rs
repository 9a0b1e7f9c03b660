use modelc_macros::Model;

#[derive(Model)]
struct Collection {
    #[model(max_length = 255)]
    title: String,
}

#[derive(Model)]
struct Product {
    #[model(foreign_key = Collection, on_delete = "protec")]
    collection: i64,
}

fn main() {}
