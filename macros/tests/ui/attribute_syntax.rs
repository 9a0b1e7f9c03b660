use modelc_macros::Model;

#[derive(Model)]
struct Product {
    #[model(max_length = )]
    title: String,
}

fn main() {}
