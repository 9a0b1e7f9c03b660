use modelc_macros::Model;

#[derive(Model)]
#[model(app = "store")]
struct Product {
    #[model(primary_key, max_length = 20)]
    sku: String,
    #[model(primary_key)]
    code: i32,
}

fn main() {}
