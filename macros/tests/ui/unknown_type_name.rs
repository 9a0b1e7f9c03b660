use modelc_macros::Model;

#[derive(Model)]
struct Product {
    #[model(type = "charr", max_length = 20)]
    code: String,
}

fn main() {}
