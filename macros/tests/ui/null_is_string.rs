use modelc_macros::Model;

#[derive(Model)]
struct Customer {
    #[model(null = "true")]
    birth_date: Option<chrono::NaiveDate>,
}

fn main() {}
