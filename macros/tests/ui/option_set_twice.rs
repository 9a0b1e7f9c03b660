use modelc_macros::Model;

#[derive(Model)]
struct Customer {
    #[model(max_length = 254, unique)]
    #[model(unique)]
    email: String,
}

fn main() {}
