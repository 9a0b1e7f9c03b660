use modelc_macros::Model;

#[derive(Model)]
#[model(app = 5)]
struct Product {
    #[model(max_lenght = 255)]
    title: String,
    #[model(type = "decimall")]
    price: rust_decimal::Decimal,
    #[model(foreign_key = Collection)]
    collection: i64,
    extra: std::collections::BTreeMap<String, i32>,
}

fn main() {}
