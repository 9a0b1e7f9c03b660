use modelc_macros::Model;

#[derive(Model)]
struct Product {
    #[model(max_length = 10)]
    inventory: i32,
}

fn main() {}
