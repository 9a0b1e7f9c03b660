use modelc_macros::Model;

#[derive(Model)]
struct Product {
    #[model(type = "integer")]
    inventory: String,
}

fn main() {}
