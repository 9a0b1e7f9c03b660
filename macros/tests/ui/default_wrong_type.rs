use modelc_macros::Model;

#[derive(Model)]
struct Product {
    #[model(max_length = 20, default = 5)]
    code: String,
    #[model(max_digits = 6, decimal_places = 2, default = 1.5)]
    price: rust_decimal::Decimal,
}

fn main() {}
