use modelc_macros::Model;

#[derive(Model)]
struct Product {
    #[model(max_length = "255")]
    title: String,
}

fn main() {}
