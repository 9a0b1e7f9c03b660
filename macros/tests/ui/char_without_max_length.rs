use modelc_macros::Model;

#[derive(Model)]
struct Product {
    #[model(type = "char")]
    title: String,
}

fn main() {}
