use modelc_macros::Model;

#[derive(Model)]
#[model(orderin = ["name"])]
struct Collection {
    #[model(max_length = 100)]
    name: String,
}

fn main() {}
