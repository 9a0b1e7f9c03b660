use modelc_macros::Model;

#[derive(Model)]
struct Customer {
    #[model(max_lenght = 255)]
    first_name: String,
}

fn main() {}
