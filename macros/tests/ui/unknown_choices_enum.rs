use modelc_macros::{Choices, Model};

#[derive(Choices)]
enum Membership {
    #[choice("B", label = "Bronze")]
    Bronze,
}

#[derive(Model)]
struct Customer {
    #[model(max_length = 1, choices = Membrship, default = "B")]
    membership: String,
}

fn main() {}
