use modelc_macros::Model;

#[derive(Model)]
struct Customer {
    #[model(null)]
    birth_date: chrono::NaiveDate,
}

fn main() {}
